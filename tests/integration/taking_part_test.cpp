// Taking part over real WebSockets against the real binary: 200 trainees ask, vote, answer a
// poll and react; every count the trainer sees and the report shows equals what the test sent;
// anonymous questions never carry their author to a trainee; a kill -9 loses nothing acknowledged.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>
#include <thread>

#include "tests/support/live_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

class TakingPart : public live_fixture {
  protected:
    TakingPart() { trainee_count = 200; }

    // Every message the socket received so far and within `quiet` of silence.
    static std::vector<json> drain(ws_client& c, std::chrono::milliseconds quiet) {
        std::vector<json> out = std::move(c.skipped);
        c.skipped.clear();
        while (auto m = c.next(quiet)) out.push_back(std::move(*m));
        return out;
    }
    // Sends `message` with `id` and waits for its ack or error; returns it.
    static json request(ws_client& c, json message, const std::string& id) {
        message["id"] = id;
        c.send_json(message);
        // Events that came before the answer (a busy room sends many) are kept in `skipped`.
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < until) {
            auto m = c.next(std::chrono::seconds(10));
            if (!m) break;
            if (((*m)["type"] == "ack" || (*m)["type"] == "error") && (*m)["id"] == id) return *m;
            c.skipped.push_back(std::move(*m));
        }
        ADD_FAILURE() << "no answer to " << message.dump();
        return json::object();
    }
};

// An anonymous question as a trainee got it: no author anywhere in the frame.
void expect_anonymous_hidden(const json& m, const std::set<std::int64_t>& anonymous) {
    auto check = [&](const json& q) {
        if (anonymous.contains(q["id"].get<std::int64_t>())) {
            EXPECT_TRUE(q["author"].is_null()) << "an anonymous author reached a trainee: " << q;
        }
    };
    if (m["type"] == "question") check(m["question"]);
    if (m["type"] == "welcome")
        for (const auto& q : m["questions"]) check(q);
}

}  // namespace

TEST_F(TakingPart, TwoHundredTraineesAskVoteAnswerAndReactAndEveryCountAddsUp) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    std::vector<std::unique_ptr<ws_client>> s;
    std::vector<std::int64_t> user_of(trainee_count + 1, 0);
    for (int i = 1; i <= trainee_count; ++i) {
        s.push_back(connect(trainee_token(i)));
        auto w = s.back()->next_of("welcome");
        ASSERT_TRUE(w);
        user_of[i] = (*w)["you"]["user_id"];
    }
    auto trainee = [&](int i) -> ws_client& { return *s[i - 1]; };
    // Trainees 1..20 ask (the odd ones anonymously); 1..3 chat; 1..5 raise their hands.
    std::map<int, std::int64_t> question_of;  // asker -> question id
    std::set<std::int64_t> anonymous;
    for (int i = 1; i <= 20; ++i) {
        auto r = request(trainee(i),
                         {{"type", "question"},
                          {"text", "Pertanyaan " + std::to_string(i)},
                          {"anonymous", i % 2 == 1}},
                         "q" + std::to_string(i));
        ASSERT_EQ(r["type"], "ack") << r;
    }
    for (const auto& m : drain(*t, std::chrono::milliseconds(300))) {
        if (m["type"] != "question") continue;
        const auto& q = m["question"];
        const int asker = std::stoi(q["text"].get<std::string>().substr(11));
        question_of[asker] = q["id"];
        EXPECT_EQ(q["author"]["user_id"], user_of[asker]) << "staff always see the author";
        if (q["anonymous"].get<bool>()) anonymous.insert(q["id"].get<std::int64_t>());
    }
    ASSERT_EQ(question_of.size(), 20u);
    ASSERT_EQ(anonymous.size(), 10u);
    for (int i = 1; i <= 3; ++i)
        ASSERT_EQ(request(trainee(i), {{"type", "chat"}, {"text", "halo"}}, "c")["type"], "ack");
    for (int i = 1; i <= 5; ++i)
        ASSERT_EQ(request(trainee(i), {{"type", "hand"}, {"up", true}}, "h")["type"], "ack");
    // Every trainee upvotes two questions; the first ten try their first vote again.
    std::map<std::int64_t, int> expected_votes;
    for (int i = 1; i <= trainee_count; ++i) {
        for (int k : {i % 20 + 1, (i + 7) % 20 + 1}) {
            auto r = request(trainee(i), {{"type", "vote"}, {"question_id", question_of[k]}},
                             "v" + std::to_string(k));
            ASSERT_EQ(r["type"], "ack") << r;
            ++expected_votes[question_of[k]];
        }
        trainee(i).send_json({{"type", "react"}, {"kind", "like"}});
        trainee(i).send_json({{"type", "react"}, {"kind", "clap"}});
    }
    for (int i = 1; i <= 10; ++i) {
        auto r = request(trainee(i), {{"type", "vote"}, {"question_id", question_of[i % 20 + 1]}},
                         "again");
        EXPECT_EQ(r["code"], "already_voted") << r;
    }
    // A poll: trainee i picks i % 3; trainees 1..10 change their minds to option 0.
    ASSERT_EQ(request(*t,
                      {{"type", "open_poll"},
                       {"question", "Topik berikutnya?"},
                       {"options", {"Harga", "Kemasan", "Promosi"}},
                       {"multiple", false},
                       {"anonymous", true}},
                      "p")["type"],
              "ack");
    auto opened = trainee(1).next_of("poll_opened");
    ASSERT_TRUE(opened);
    const auto poll = (*opened)["poll_id"].get<std::int64_t>();
    std::map<int, int> choice;
    for (int i = 1; i <= trainee_count; ++i) choice[i] = i % 3;
    for (int i = 1; i <= 10; ++i) choice[i] = 0;
    for (int i = 1; i <= trainee_count; ++i) {
        auto first = request(
            trainee(i), {{"type", "poll_answer"}, {"poll_id", poll}, {"choices", {i % 3}}}, "a");
        ASSERT_EQ(first["type"], "ack") << first;
    }
    for (int i = 1; i <= 10; ++i)
        ASSERT_EQ(
            request(trainee(i), {{"type", "poll_answer"}, {"poll_id", poll}, {"choices", {0}}},
                    "b")["type"],
            "ack");
    std::vector<std::int64_t> expected_counts(3, 0);
    for (auto [i, c] : choice) ++expected_counts[c];
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // tallies and totals go out

    // The trainer's view: the last question_votes of each question and the last poll_tally.
    std::map<std::int64_t, int> seen_votes;
    json last_tally;
    for (const auto& m : drain(*t, std::chrono::milliseconds(300))) {
        if (m["type"] == "question_votes") seen_votes[m["question_id"]] = m["votes"];
        if (m["type"] == "poll_tally") last_tally = m;
    }
    for (auto [id, n] : expected_votes) EXPECT_EQ(seen_votes[id], n) << "question " << id;
    ASSERT_FALSE(last_tally.is_null());
    EXPECT_EQ(last_tally["answered"], trainee_count);
    EXPECT_EQ(last_tally["counts"], json(expected_counts));
    // A trainer joining now reads the same from welcome, most votes first.
    auto t2 = connect(trainer_token);
    auto w2 = t2->next_of("welcome");
    ASSERT_TRUE(w2);
    ASSERT_EQ((*w2)["questions"].size(), 20u);
    int previous = 1 << 30;
    for (const auto& q : (*w2)["questions"]) {
        EXPECT_EQ(q["votes"], expected_votes[q["id"]]);
        EXPECT_LE(q["votes"].get<int>(), previous);
        previous = q["votes"];
    }
    EXPECT_EQ((*w2)["poll"]["counts"], json(expected_counts));
    // Published: every trainee gets the same results.
    ASSERT_EQ(
        request(*t, {{"type", "close_poll"}, {"poll_id", poll}, {"publish", true}}, "c")["type"],
        "ack");
    for (int i = 1; i <= trainee_count; ++i) {
        bool closed = false;
        for (const auto& m : drain(trainee(i), std::chrono::milliseconds(i == 1 ? 500 : 5))) {
            expect_anonymous_hidden(m, anonymous);
            if (m["type"] != "poll_closed") continue;
            closed = true;
            EXPECT_EQ(m["results"]["counts"], json(expected_counts));
        }
        EXPECT_TRUE(closed) << "trainee " << i;
    }
    // Hiding a question: trainees get question_hidden, the audit log names who hid what.
    ASSERT_EQ(
        request(*t, {{"type", "hide_question"}, {"question_id", question_of[20]}}, "h")["type"],
        "ack");
    auto hidden = trainee(7).next_of("question_hidden");
    ASSERT_TRUE(hidden);
    EXPECT_EQ((*hidden)["question_id"], question_of[20]);
    auto audit = admin->get("/api/v1/audit?action=question.hide").json();
    ASSERT_TRUE(audit.is_array() && audit.size() == 1u) << audit;
    EXPECT_EQ(audit[0]["detail"]["question_id"], question_of[20]);
    EXPECT_EQ(audit[0]["detail"]["author_id"], user_of[20]);
    // Participation in the report equals what was sent.
    ASSERT_EQ(trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                  .status,
              200);
    json report;
    for (int attempt = 0; attempt < 50; ++attempt) {
        report = trainer->get("/api/v1/reports/sessions/" + std::to_string(session) + "/attendance")
                     .json();
        long reactions = 0;
        for (const auto& r : report["rows"])
            reactions += r["participation"]["reactions"].get<long>();
        if (reactions == 2L * trainee_count) break;  // the last counts are committed
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::map<std::int64_t, int> votes_by_user;
    for (int i = 1; i <= trainee_count; ++i) votes_by_user[user_of[i]] = 2;
    std::map<std::int64_t, int> index;
    for (int i = 1; i <= trainee_count; ++i) index[user_of[i]] = i;
    int rows = 0;
    for (const auto& r : report["rows"]) {
        auto it = index.find(r["user_id"]);
        if (it == index.end()) continue;
        const int i = it->second;
        ++rows;
        const auto& p = r["participation"];
        EXPECT_EQ(p["questions"], i <= 20 ? 1 : 0) << i;
        EXPECT_EQ(p["votes"], 2) << i;
        EXPECT_EQ(p["poll_answers"], 1) << i;
        EXPECT_EQ(p["reactions"], 2) << i;
        EXPECT_EQ(p["chat"], i <= 3 ? 1 : 0) << i;
        EXPECT_EQ(p["hands"], i <= 5 ? 1 : 0) << i;
        // Rules: 1..3 chat+question+poll+hand = 4 (aktif); 4..5 question+poll+hand = 3 (aktif);
        // 6..20 question+poll = 2 (cukup); the rest a poll answer (cukup).
        EXPECT_EQ(p["level"], i <= 5 ? "aktif" : "cukup") << i;
    }
    EXPECT_EQ(rows, trainee_count);
    // The exports: questions name their authors for staff; the anonymous poll names nobody.
    auto qs = trainer->get("/api/v1/sessions/" + std::to_string(session) + "/questions").json();
    ASSERT_EQ(qs["questions"].size(), 20u);
    for (const auto& q : qs["questions"]) EXPECT_EQ(q["votes"], expected_votes[q["id"]]);
    auto ps = trainer->get("/api/v1/sessions/" + std::to_string(session) + "/polls").json();
    ASSERT_EQ(ps["polls"].size(), 1u);
    EXPECT_EQ(ps["polls"][0]["counts"], json(expected_counts));
    EXPECT_TRUE(ps["polls"][0]["answers"].is_null());
    auto csv = trainer->get("/api/v1/sessions/" + std::to_string(session) + "/polls?format=csv");
    EXPECT_EQ(csv.status, 200);
    EXPECT_NE(csv.body.find("Promosi"), std::string::npos);
    auto forbidden = api_client(*http, trainee_token(1))
                         .get("/api/v1/sessions/" + std::to_string(session) + "/questions");
    EXPECT_EQ(forbidden.status, 403) << forbidden.body;
}

TEST_F(TakingPart, AKillLosesNoAcknowledgedQuestionVoteOrPollAnswer) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    std::vector<std::unique_ptr<ws_client>> s;
    for (int i = 1; i <= 10; ++i) {
        s.push_back(connect(trainee_token(i)));
        ASSERT_TRUE(s.back()->next_of("welcome"));
    }
    ASSERT_EQ(request(*s[0], {{"type", "question"}, {"text", "Disimpan?"}, {"anonymous", true}},
                      "q")["type"],
              "ack");
    auto asked = t->next_of("question");
    ASSERT_TRUE(asked);
    const auto question = (*asked)["question"]["id"].get<std::int64_t>();
    ASSERT_EQ(
        request(*t, {{"type", "open_poll"}, {"question", "Siap?"}, {"options", {"Ya", "Belum"}}},
                "p")["type"],
        "ack");
    auto opened = s[0]->next_of("poll_opened");
    ASSERT_TRUE(opened);
    const auto poll = (*opened)["poll_id"].get<std::int64_t>();
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(request(*s[i], {{"type", "vote"}, {"question_id", question}}, "v")["type"],
                  "ack");
        ASSERT_EQ(request(*s[i], {{"type", "poll_answer"}, {"poll_id", poll}, {"choices", {i % 2}}},
                          "a")["type"],
                  "ack");
    }
    // No pause for the timeline's flush: what was acknowledged must be there anyway.
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    s.clear();
    t.reset();
    w.launch();
    auto back = connect(trainer_token);
    ASSERT_EQ(back->status(), 101);
    auto w = back->next_of("welcome");
    ASSERT_TRUE(w);
    ASSERT_EQ((*w)["questions"].size(), 1u);
    EXPECT_EQ((*w)["questions"][0]["id"], question);
    EXPECT_EQ((*w)["questions"][0]["votes"], 10);
    EXPECT_TRUE((*w)["questions"][0]["anonymous"].get<bool>());
    ASSERT_FALSE((*w)["poll"].is_null());
    EXPECT_EQ((*w)["poll"]["poll_id"], poll);
    EXPECT_EQ((*w)["poll"]["answered"], 10);
    EXPECT_EQ((*w)["poll"]["counts"], json({5, 5}));
    EXPECT_GT((*w)["seq"].get<std::int64_t>(), poll) << "ids stay unique after the restart";
    auto again = connect(trainee_token(3));
    auto tw = again->next_of("welcome");
    ASSERT_TRUE(tw);
    EXPECT_TRUE((*tw)["questions"][0]["author"].is_null());
    EXPECT_TRUE((*tw)["questions"][0]["voted"].get<bool>());
    EXPECT_EQ((*tw)["poll"]["your_choices"], json({0}));
    auto r = request(*again, {{"type", "vote"}, {"question_id", question}}, "v2");
    EXPECT_EQ(r["code"], "already_voted");
}
