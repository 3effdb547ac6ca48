// Questions and quick polls in a room with fake participants and a fake sink: a vote counts once
// per user and question, anonymity holds per viewer's role in every frame, votes and tallies are
// coalesced to the tick, acks wait for the sink, a poll's tally equals its answers and its
// results reach trainees only when published, a rebuilt room keeps questions, votes and the poll.
#include <gtest/gtest.h>

#include "server/live/live_room.hpp"
#include "tests/support/fake_participant.hpp"

using namespace daring::server;
using daring::protocol::json;
using daring::protocol::role;
using daring::test::fake_participant;

namespace {

// Stores nothing; keeps each `done` to run when the test says the COMMIT happened.
class fake_taking_part_sink final : public taking_part_sink {
  public:
    void asked(std::int64_t, const room_question& q, done_fn done) override {
        questions.push_back(q);
        pending.push_back(std::move(done));
    }
    void voted(std::int64_t, std::int64_t question_id, std::int64_t user_id,
               daring::protocol::unix_seconds, done_fn done) override {
        votes.emplace_back(question_id, user_id);
        pending.push_back(std::move(done));
    }
    void answered(std::int64_t, std::int64_t, std::int64_t, const std::optional<std::string>&,
                  daring::protocol::unix_seconds, done_fn done) override {
        pending.push_back(std::move(done));
    }
    void hidden(std::int64_t, const room_question& q, std::int64_t, daring::protocol::unix_seconds,
                done_fn done) override {
        hidden_ids.push_back(q.id);
        pending.push_back(std::move(done));
    }
    void poll_opened(std::int64_t, const room_poll&, done_fn done) override {
        pending.push_back(std::move(done));
    }
    void poll_answered(std::int64_t, std::int64_t, std::int64_t user_id,
                       const std::vector<int>& choices, daring::protocol::unix_seconds,
                       done_fn done) override {
        poll_answers.emplace_back(user_id, choices);
        pending.push_back(std::move(done));
    }
    void poll_closed(std::int64_t, std::int64_t, bool, daring::protocol::unix_seconds,
                     done_fn done) override {
        pending.push_back(std::move(done));
    }
    void reacted(std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>> per_user,
                 daring::protocol::unix_seconds) override {
        for (auto [user, n] : per_user) reactions[user] += n;
    }
    void commit_all(bool stored = true) {
        for (auto& d : std::exchange(pending, {})) d(stored);
    }
    std::vector<room_question> questions;
    std::vector<std::pair<std::int64_t, std::int64_t>> votes;
    std::vector<std::int64_t> hidden_ids;
    std::vector<std::pair<std::int64_t, std::vector<int>>> poll_answers;
    std::map<std::int64_t, std::int64_t> reactions;
    std::vector<done_fn> pending;
};

std::string msg(json j) {
    return j.dump();
}

class LiveRoomQuestions : public ::testing::Test {
  protected:
    void SetUp() override {
        room.set_taking_part_sink(&sink);
        room.join(trainer, {1, "Rina", role::trainer}, std::nullopt, 0);
        room.join(admin, {2, "Admin", role::admin}, std::nullopt, 0);
        for (int i = 0; i < 10; ++i) {
            trainees.push_back(std::make_shared<fake_participant>());
            room.join(trainees.back(), {100 + i, "Peserta " + std::to_string(i), role::trainee},
                      std::nullopt, 0);
        }
    }
    // Trainee i asks; returns the question id from the event everyone got.
    std::int64_t ask(int i, const std::string& text, bool anonymous, int now = 10) {
        room.receive(trainees[i].get(),
                     msg({{"type", "question"},
                          {"id", "q" + std::to_string(now)},
                          {"text", text},
                          {"anonymous", anonymous}}),
                     now);
        auto got = trainer->of_type("question");
        return got.empty() ? 0 : got.back()["question"]["id"].get<std::int64_t>();
    }
    fake_taking_part_sink sink;
    live_room room{{7, "Sesi", daring::protocol::delivery_mode::online, {{"Satu", ""}}}, 1000};
    std::shared_ptr<fake_participant> trainer = std::make_shared<fake_participant>();
    std::shared_ptr<fake_participant> admin = std::make_shared<fake_participant>();
    std::vector<std::shared_ptr<fake_participant>> trainees;
};

}  // namespace

TEST_F(LiveRoomQuestions, AQuestionIsAcknowledgedOnlyAfterTheSinkStoredIt) {
    const auto id = ask(0, "Bagaimana menghitung HPP?", false);
    ASSERT_GT(id, 0);
    EXPECT_TRUE(trainees[0]->of_type("ack").empty()) << "no ack before COMMIT";
    ASSERT_EQ(sink.questions.size(), 1u);
    EXPECT_EQ(sink.questions[0].text, "Bagaimana menghitung HPP?");
    sink.commit_all();
    ASSERT_EQ(trainees[0]->of_type("ack").size(), 1u);
    EXPECT_EQ(trainees[0]->of_type("ack")[0]["id"], "q10");
    // The same message again (a resend after a reconnect): no second question, acked again.
    room.receive(trainees[0].get(),
                 msg({{"type", "question"}, {"id", "q10"}, {"text", "Bagaimana menghitung HPP?"}}),
                 11);
    EXPECT_EQ(trainer->of_type("question").size(), 1u);
    sink.commit_all();
    EXPECT_EQ(trainees[0]->of_type("ack").size(), 2u);
    // A failed store: the asker hears it was not saved.
    ask(1, "Apakah ada sertifikat?", false, 12);
    sink.commit_all(false);
    ASSERT_EQ(trainees[1]->of_type("error").size(), 1u);
    EXPECT_EQ(trainees[1]->of_type("error")[0]["code"], "not_stored");
}

TEST_F(LiveRoomQuestions, AnAnonymousQuestionNeverCarriesItsAuthorToTrainees) {
    const auto id = ask(3, "Saya malu bertanya: apa itu NIB?", true);
    sink.commit_all();
    room.receive(trainer.get(), msg({{"type", "answer_question"}, {"question_id", id}}), 12);
    room.receive(trainees[4].get(), msg({{"type", "vote"}, {"question_id", id}}), 12);
    room.flush_taking_part();
    // A trainee joining later gets it in welcome, still without the author.
    auto late = std::make_shared<fake_participant>();
    room.join(late, {200, "Terlambat", role::trainee}, std::nullopt, 13);
    auto late_staff = std::make_shared<fake_participant>();
    room.join(late_staff, {3, "Pelatih Dua", role::trainer}, std::nullopt, 13);
    std::vector<std::shared_ptr<fake_participant>> viewers;  // every trainee but the asker
    for (const auto& t : trainees)
        if (t != trainees[3]) viewers.push_back(t);
    viewers.push_back(late);
    for (const auto& t : viewers) {
        for (const auto& raw : t->raw) {
            EXPECT_EQ(raw->find("Peserta 3"), std::string::npos) << *raw;
            EXPECT_EQ(raw->find("\"user_id\":103"), std::string::npos) << *raw;
        }
    }
    const auto shown = late->of_type("welcome")[0]["questions"];
    ASSERT_EQ(shown.size(), 1u);
    EXPECT_TRUE(shown[0]["author"].is_null());
    EXPECT_EQ(shown[0]["votes"], 1);
    EXPECT_TRUE(shown[0]["answered"].get<bool>());
    // Trainers and admins see who asked, in the event and in welcome.
    for (const auto& staff : {trainer, admin})
        EXPECT_EQ(staff->of_type("question")[0]["question"]["author"],
                  (json{{"user_id", 103}, {"name", "Peserta 3"}}));
    EXPECT_EQ(late_staff->of_type("welcome")[0]["questions"][0]["author"]["user_id"], 103);
    // The asker's own welcome marks it as theirs without naming them either.
    auto again = std::make_shared<fake_participant>();
    room.join(again, {103, "Peserta 3", role::trainee}, std::nullopt, 14);
    const auto own = again->of_type("welcome")[0]["questions"][0];
    EXPECT_TRUE(own["mine"].get<bool>());
    EXPECT_TRUE(own["author"].is_null());
}

TEST_F(LiveRoomQuestions, EveryoneVotesOnceAndVotesGoOutCoalescedAtTheTick) {
    const auto id = ask(0, "Kapan batas laporan?", false);
    sink.commit_all();
    const auto before = trainees[9]->received.size();
    for (int i = 0; i < 10; ++i)
        room.receive(trainees[i].get(), msg({{"type", "vote"}, {"id", i}, {"question_id", id}}),
                     12);
    room.receive(trainer.get(), msg({{"type", "vote"}, {"id", "t"}, {"question_id", id}}), 12);
    EXPECT_EQ(trainees[9]->received.size(), before) << "nothing sent per vote";
    room.receive(trainees[2].get(), msg({{"type", "vote"}, {"id", "again"}, {"question_id", id}}),
                 12);
    const auto errors = trainees[2]->of_type("error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]["code"], "already_voted");
    EXPECT_EQ(sink.votes.size(), 11u) << "the repeated vote is not stored";
    sink.commit_all();
    EXPECT_EQ(trainees[2]->of_type("ack").size(), 1u);
    room.flush_taking_part();
    room.flush_taking_part();
    for (const auto& t : trainees) {
        const auto votes = t->of_type("question_votes");
        ASSERT_EQ(votes.size(), 1u) << "one event for the burst";
        EXPECT_EQ(votes[0]["votes"], 11);
        EXPECT_EQ(votes[0]["question_id"], id);
    }
    // An unknown question.
    room.receive(trainees[0].get(), msg({{"type", "vote"}, {"id", "x"}, {"question_id", 5}}), 13);
    EXPECT_EQ(trainees[0]->of_type("error").back()["code"], "not_found");
}

TEST_F(LiveRoomQuestions, HidingRemovesAQuestionFromTraineesAndOnlyStaffMayModerate) {
    const auto id = ask(0, "kata kasar", false);
    sink.commit_all();
    room.receive(trainees[1].get(),
                 msg({{"type", "hide_question"}, {"id", "h"}, {"question_id", id}}), 12);
    EXPECT_EQ(trainees[1]->of_type("error").back()["code"], "forbidden");
    room.receive(trainees[1].get(),
                 msg({{"type", "answer_question"}, {"id", "a"}, {"question_id", id}}), 12);
    EXPECT_EQ(trainees[1]->of_type("error").back()["code"], "forbidden");
    room.receive(trainer.get(), msg({{"type", "question"}, {"id", "s"}, {"text", "x"}}), 12);
    EXPECT_EQ(trainer->of_type("error").back()["code"], "forbidden") << "questions are trainees'";
    room.receive(trainer.get(), msg({{"type", "hide_question"}, {"id", "h"}, {"question_id", id}}),
                 12);
    EXPECT_EQ(sink.hidden_ids, std::vector<std::int64_t>{id});
    EXPECT_EQ(trainees[5]->of_type("question_hidden")[0]["question_id"], id);
    room.receive(trainees[2].get(), msg({{"type", "vote"}, {"id", "v"}, {"question_id", id}}), 13);
    EXPECT_EQ(trainees[2]->of_type("error").back()["code"], "not_found");
    auto late = std::make_shared<fake_participant>();
    room.join(late, {200, "Terlambat", role::trainee}, std::nullopt, 14);
    EXPECT_TRUE(late->of_type("welcome")[0]["questions"].empty());
    auto late_staff = std::make_shared<fake_participant>();
    room.join(late_staff, {4, "Admin Dua", role::admin}, std::nullopt, 14);
    EXPECT_TRUE(late_staff->of_type("welcome")[0]["questions"][0]["hidden"].get<bool>());
}

TEST_F(LiveRoomQuestions, QuestionsAreRateLimitedPerTrainee) {
    const int burst = room_limits{}.question_burst;
    for (int i = 0; i < burst + 2; ++i)
        room.receive(trainees[0].get(),
                     msg({{"type", "question"}, {"id", i}, {"text", "T" + std::to_string(i)}}), 10);
    EXPECT_EQ(static_cast<int>(trainer->of_type("question").size()), burst);
    EXPECT_EQ(trainees[0]->of_type("error").back()["code"], "rate_limited");
    room.receive(trainees[0].get(), msg({{"type", "question"}, {"id", 99}, {"text", "nanti"}}),
                 10 + room_limits{}.question_window);
    EXPECT_EQ(static_cast<int>(trainer->of_type("question").size()), burst + 1);
}

TEST_F(LiveRoomQuestions, APollsTallyEqualsItsAnswersAndResultsReachTraineesWhenPublished) {
    room.receive(trainer.get(),
                 msg({{"type", "open_poll"},
                      {"id", "p"},
                      {"question", "Jenis usaha Anda?"},
                      {"options", {"Kuliner", "Kerajinan", "Jasa"}},
                      {"multiple", false}}),
                 10);
    const auto opened = trainees[0]->of_type("poll_opened");
    ASSERT_EQ(opened.size(), 1u);
    const auto poll = opened[0]["poll_id"].get<std::int64_t>();
    // Trainee i chooses i % 3; trainee 0 changes their mind (the last answer counts).
    for (int i = 0; i < 10; ++i)
        room.receive(
            trainees[i].get(),
            msg({{"type", "poll_answer"}, {"id", i}, {"poll_id", poll}, {"choices", {i % 3}}}), 11);
    room.receive(trainees[0].get(),
                 msg({{"type", "poll_answer"}, {"id", 50}, {"poll_id", poll}, {"choices", {2}}}),
                 12);
    room.receive(trainees[1].get(),
                 msg({{"type", "poll_answer"}, {"id", 51}, {"poll_id", poll}, {"choices", {0, 1}}}),
                 12);
    EXPECT_EQ(trainees[1]->of_type("error").back()["field"], "choices") << "single choice";
    room.receive(trainees[1].get(),
                 msg({{"type", "poll_answer"}, {"id", 52}, {"poll_id", poll}, {"choices", {3}}}),
                 12);
    EXPECT_EQ(trainees[1]->of_type("error").back()["field"], "choices") << "no fourth option";
    room.receive(trainer.get(),
                 msg({{"type", "poll_answer"}, {"id", 53}, {"poll_id", poll}, {"choices", {0}}}),
                 12);
    EXPECT_EQ(trainer->of_type("error").back()["code"], "forbidden");
    room.flush_taking_part();
    const auto tally = trainer->of_type("poll_tally");
    ASSERT_EQ(tally.size(), 1u);
    EXPECT_EQ(tally[0]["answered"], 10);
    EXPECT_EQ(tally[0]["counts"], (json{3, 3, 4}));  // 0:{3,6,9} 1:{1,4,7} 2:{0,2,5,8}
    EXPECT_TRUE(trainees[0]->of_type("poll_tally").empty()) << "the tally is for staff";
    // Closed without publishing: trainees learn it closed, not its results.
    room.receive(trainer.get(),
                 msg({{"type", "close_poll"}, {"id", "c"}, {"poll_id", poll}, {"publish", false}}),
                 13);
    EXPECT_TRUE(trainees[0]->of_type("poll_closed")[0]["results"].is_null());
    EXPECT_EQ(trainer->of_type("poll_closed")[0]["results"]["counts"], (json{3, 3, 4}));
    room.receive(trainees[0].get(),
                 msg({{"type", "poll_answer"}, {"id", 60}, {"poll_id", poll}, {"choices", {1}}}),
                 14);
    EXPECT_EQ(trainees[0]->of_type("error").back()["code"], "poll_closed");
    // A second poll, published.
    room.receive(trainer.get(),
                 msg({{"type", "open_poll"},
                      {"id", "p2"},
                      {"question", "Topik berikutnya?"},
                      {"options", {"Pemasaran", "Keuangan"}},
                      {"multiple", true}}),
                 15);
    const auto second = trainees[0]->of_type("poll_opened")[1]["poll_id"].get<std::int64_t>();
    room.receive(
        trainees[0].get(),
        msg({{"type", "poll_answer"}, {"id", 70}, {"poll_id", second}, {"choices", {1, 0}}}), 16);
    room.receive(
        trainer.get(),
        msg({{"type", "close_poll"}, {"id", "c2"}, {"poll_id", second}, {"publish", true}}), 17);
    EXPECT_EQ(trainees[4]->of_type("poll_closed")[1]["results"],
              (json{{"answered", 1}, {"counts", {1, 1}}}));
    sink.commit_all();
    EXPECT_EQ(trainees[0]->of_type("ack").size(), 3u);  // two answers to poll one, one to two
}

TEST_F(LiveRoomQuestions, ARebuiltRoomKeepsQuestionsVotesAndTheOpenPoll) {
    live_recovery r;
    room_question q;
    q.id = 500;
    q.user_id = 101;
    q.name = "Peserta 1";
    q.text = "Tersimpan";
    q.anonymous = true;
    q.voters = {102, 103};
    q.client_id = "\"q1\"";
    r.taking_part.questions.push_back(q);
    room_poll p;
    p.id = 600;
    p.question = "Lanjut?";
    p.options = {"Ya", "Tidak"};
    p.answers = {{101, {0}}, {102, {1}}};
    r.taking_part.poll = p;
    r.last_seq = 600;
    room_info info{8, "Sesi", daring::protocol::delivery_mode::online, {{"Satu", ""}}};
    live_room rebuilt(info, 601);
    rebuilt.set_taking_part_sink(&sink);
    rebuilt.restore(r);
    auto voter = std::make_shared<fake_participant>();
    rebuilt.join(voter, {102, "Peserta 2", role::trainee}, std::nullopt, 20);
    const auto w = voter->of_type("welcome")[0];
    EXPECT_EQ(w["questions"][0]["votes"], 2);
    EXPECT_TRUE(w["questions"][0]["voted"].get<bool>());
    EXPECT_EQ(w["poll"]["your_choices"], (json{1}));
    rebuilt.receive(voter.get(), msg({{"type", "vote"}, {"id", "v"}, {"question_id", 500}}), 21);
    EXPECT_EQ(voter->of_type("error").back()["code"], "already_voted");
    // The asker resending the stored message: no second question.
    auto asker = std::make_shared<fake_participant>();
    rebuilt.join(asker, {101, "Peserta 1", role::trainee}, std::nullopt, 20);
    rebuilt.receive(asker.get(), msg({{"type", "question"}, {"id", "q1"}, {"text", "Tersimpan"}}),
                    21);
    EXPECT_TRUE(asker->of_type("question").empty());
    EXPECT_EQ(sink.questions.size(), 1u);  // stored again (idempotent), not a new one
    EXPECT_EQ(sink.questions[0].id, 500);
}

TEST_F(LiveRoomQuestions, CountedReactionsGoToTheSinkOnceASecond) {
    for (int i = 0; i < 3; ++i)
        room.receive(trainees[0].get(), msg({{"type", "react"}, {"kind", "clap"}}), 10);
    room.receive(trainees[1].get(), msg({{"type", "react"}, {"kind", "too_fast"}}), 10);
    EXPECT_TRUE(sink.reactions.empty()) << "kept until the tick";
    room.tick(11);
    EXPECT_EQ(sink.reactions, (std::map<std::int64_t, std::int64_t>{{100, 3}, {101, 1}}));
    room.tick(12);
    EXPECT_EQ(sink.reactions[100], 3) << "nothing handed twice";
}

TEST_F(LiveRoomQuestions, AWelcomeCarriesTheFirstHundredQuestionsInTheTrainersOrder) {
    // 10 trainees ask 3 questions every 30 s: 150 questions; the last one asked gets a vote.
    int now = 10;
    for (int round = 0; round < 5; ++round, now += room_limits{}.question_window)
        for (int i = 0; i < 10; ++i)
            for (int k = 0; k < 3; ++k)
                room.receive(
                    trainees[i].get(),
                    msg({{"type", "question"}, {"text", "Q"}, {"id", round * 100 + i * 3 + k}}),
                    now);
    const auto asked = trainer->of_type("question");
    ASSERT_EQ(asked.size(), 150u);
    const auto last = asked.back()["question"]["id"].get<std::int64_t>();
    room.receive(trainees[0].get(), msg({{"type", "vote"}, {"question_id", last}}), now);
    auto late = std::make_shared<fake_participant>();
    room.join(late, {200, "Terlambat", role::trainee}, std::nullopt, now);
    const auto shown = late->of_type("welcome")[0]["questions"];
    ASSERT_EQ(shown.size(), room_limits{}.welcome_questions);
    EXPECT_EQ(shown[0]["id"], last) << "the most voted first";
    EXPECT_EQ(shown[1]["id"], asked[0]["question"]["id"]) << "then the oldest";
}
