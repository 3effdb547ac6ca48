// Live quizzes over real sockets against the real binary: 100 trainees, acks after commit,
// last answer counts, resend after a resume, results checked against an independent sum.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/world_fixture.hpp"
#include "tests/support/ws_client.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

constexpr int crowd = 100;

class Quiz : public world_fixture {
  protected:
    void SetUp() override {
        w.launch();
        std::vector<person> people{{"pelatih.kuis", "Pelatih Kuis", "trainer"}};
        std::vector<std::string> names;
        for (int i = 1; i <= crowd; ++i) {
            people.push_back({"kuis" + std::to_string(i), "Peserta " + std::to_string(i)});
            names.push_back("kuis" + std::to_string(i));
        }
        w.import_users(people);
        training = w.add_training("Kuis");
        w.enroll(training, names);
        w.assign(training, "pelatih.kuis");
        session = w.add_session(training, "Sesi kuis", wib_time_from_today(1, 9),
                                wib_time_from_today(1, 11));
        trainer_token = w.token("pelatih.kuis");
        trainer = std::make_unique<api_client>(*http, trainer_token);
        auto q = trainer->post(
            training_path() + "/quizzes",
            {{"title", "Pre-test pembukuan"},
             {"kind", "pre_test"},
             {"questions",
              {{{"type", "single"},
                {"prompt", "Kas masuk dicatat di?"},
                {"options", {"a", "b", "c", "d"}},
                {"correct", 2}},
               {{"type", "multiple"},
                {"prompt", "Aset lancar?"},
                {"options", {"kas", "piutang", "gedung"}},
                {"correct", {0, 1}}},
               {{"type", "numeric"}, {"prompt", "10% dari 100?"}, {"correct", 10}}}}});
        ASSERT_EQ(q.status, 201) << q.body;
        const auto created = q.json();
        quiz = created["id"];
        for (const auto& question : created["questions"]) questions.push_back(question["id"]);
        w.start(session, "pelatih.kuis");
    }

    std::string training_path() const { return "/api/v1/trainings/" + std::to_string(training); }
    std::unique_ptr<ws_client> connect(const std::string& token,
                                       std::optional<std::uint64_t> resume = std::nullopt) {
        return w.connect(token, session, resume);
    }
    // Trainee i's answers; those with i % 5 == 0 change their first answer afterwards.
    static int first_choice(int i) { return i % 4; }
    static int final_choice(int i) { return i % 5 == 0 ? (i + 1) % 4 : i % 4; }
    static json multiple_of(int i) {
        return i % 3 == 0 ? json::array({0, 1}) : json::array({i % 2});
    }
    static int numeric_of(int i) { return i % 4 == 0 ? 10 : 11; }
    static int expected_score(int i) {
        return (final_choice(i) == 2) + (i % 3 == 0) + (i % 4 == 0);
    }

    std::unique_ptr<api_client> trainer;
    std::string trainer_token;
    std::int64_t training = 0, session = 0, quiz = 0;
    std::vector<std::int64_t> questions;
};

// The message, or a failure (and an empty object) when none came.
json must(std::optional<json> m) {
    if (!m) {
        ADD_FAILURE() << "an expected message did not arrive";
        return json::object();
    }
    return *m;
}

json answer(std::int64_t quiz, std::int64_t question, const std::string& id, json value) {
    return {{"type", "answer"},
            {"id", id},
            {"quiz_id", quiz},
            {"question_id", question},
            {"answer", std::move(value)}};
}

}  // namespace

TEST_F(Quiz, HundredTraineesAnswerEveryAnswerAckedOnceAndResultsMatchAnIndependentSum) {
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    std::vector<std::string> tokens;
    std::vector<std::unique_ptr<ws_client>> phones;
    for (int i = 1; i <= crowd; ++i) {
        tokens.push_back(login_token(*http, "kuis" + std::to_string(i), world::password));
        phones.push_back(connect(tokens.back()));
        ASSERT_TRUE(phones.back()->next_of("welcome"));
    }
    // Trainees never see the answers.
    api_client k1(*http, tokens[0]);
    auto seen = k1.get("/api/v1/quizzes/" + std::to_string(quiz)).json();
    for (const auto& q : seen["questions"]) EXPECT_FALSE(q.contains("correct"));
    // A trainee cannot open a quiz; a trainer opens it once.
    phones[0]->send_json(
        {{"type", "open_quiz"}, {"quiz_id", quiz}, {"duration_s", 60}, {"id", "x"}});
    EXPECT_EQ(must(phones[0]->next_of("error"))["code"], "forbidden");
    t->send_json({{"type", "open_quiz"}, {"quiz_id", quiz}, {"duration_s", 120}, {"id", "open"}});
    ASSERT_EQ(must(t->next_of("ack"))["id"], "open");
    for (auto& p : phones) {
        auto opened = p->next_of("quiz_opened");
        ASSERT_TRUE(opened);
        EXPECT_FALSE((*opened)["questions"][0].contains("correct"));
    }
    // Everyone answers; some change their mind (the last answer counts).
    for (int i = 1; i <= crowd; ++i) {
        auto& p = *phones[i - 1];
        const auto n = std::to_string(i);
        p.send_json(answer(quiz, questions[0], "a" + n + "-1", first_choice(i)));
        p.send_json(answer(quiz, questions[1], "a" + n + "-2", multiple_of(i)));
        p.send_json(answer(quiz, questions[2], "a" + n + "-3", numeric_of(i)));
        if (i % 5 == 0) p.send_json(answer(quiz, questions[0], "a" + n + "-1b", final_choice(i)));
    }
    for (int i = 1; i <= crowd; ++i) {
        auto& p = *phones[i - 1];
        std::multiset<std::string> acks;
        const std::size_t expected = i % 5 == 0 ? 4 : 3;
        while (acks.size() < expected) {
            auto a = p.next_of("ack");
            ASSERT_TRUE(a) << "trainee " << i << " got " << acks.size() << " acks";
            acks.insert((*a)["id"].get<std::string>());
        }
        EXPECT_EQ(std::set<std::string>(acks.begin(), acks.end()).size(), acks.size())
            << "an ack came twice";
        EXPECT_FALSE(p.next_of("ack", std::chrono::milliseconds(i == 1 ? 300 : 0)))
            << "an extra ack";
    }
    // The trainer's tally catches up with everyone.
    int answered = 0;
    for (int k = 0; k < 40 && answered < crowd; ++k) {
        auto tally = t->next_of("quiz_tally", std::chrono::milliseconds(500));
        if (tally) answered = (*tally)["answered"];
    }
    EXPECT_EQ(answered, crowd);
    // Trainee 5 drops and resumes: the open quiz and their answers are in the welcome; resending
    // an old message id is acked but not applied again.
    phones[4]->drop();
    phones[4] = connect(tokens[4]);
    auto w = phones[4]->next_of("welcome");
    ASSERT_TRUE(w);
    ASSERT_FALSE((*w)["quiz"].is_null());
    EXPECT_EQ((*w)["quiz"]["your_answers"][std::to_string(questions[0])], final_choice(5));
    phones[4]->send_json(answer(quiz, questions[0], "a5-1", first_choice(5)));
    EXPECT_EQ(must(phones[4]->next_of("ack"))["id"], "a5-1");
    // Wrong quiz, unknown question, bad option index: errors with codes.
    phones[1]->send_json(answer(quiz + 99, questions[0], "w1", 0));
    EXPECT_EQ(must(phones[1]->next_of("error"))["code"], "wrong_quiz");
    phones[1]->send_json(answer(quiz, 999999, "w2", 0));
    EXPECT_EQ(must(phones[1]->next_of("error"))["code"], "unknown_question");
    phones[1]->send_json(answer(quiz, questions[0], "w3", 7));
    EXPECT_EQ(must(phones[1]->next_of("error"))["code"], "invalid_answer");

    t->send_json({{"type", "close_quiz"}, {"quiz_id", quiz}, {"id", "close"}});
    auto closed = t->next_of("quiz_closed");
    ASSERT_TRUE(closed);
    EXPECT_EQ((*closed)["answered"], crowd);
    auto score = phones[2]->next_of("quiz_score");
    ASSERT_TRUE(score);
    EXPECT_EQ((*score)["score"], expected_score(3));
    EXPECT_EQ((*score)["max_score"], 3);
    // Late answers are refused.
    phones[2]->send_json(answer(quiz, questions[0], "late", 2));
    EXPECT_EQ(must(phones[2]->next_of("error"))["code"], "quiz_closed");

    // Results equal the sum computed here.
    std::map<std::string, int> expected;
    std::vector<int> first_counts(4, 0);
    for (int i = 1; i <= crowd; ++i) {
        expected["kuis" + std::to_string(i)] = expected_score(i);
        ++first_counts[final_choice(i)];
    }
    json results;
    for (int k = 0; k < 50; ++k) {  // the run's results are written right after the close
        results = trainer->get("/api/v1/quizzes/" + std::to_string(quiz) + "/results").json();
        if (results["submitted"] == crowd) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(results["submitted"], crowd);
    for (const auto& row : results["trainees"])
        EXPECT_EQ(row["score"].get<double>(), expected[row["username"]]) << row["username"];
    EXPECT_EQ(results["questions"][0]["counts"], json(first_counts));
    // A quiz with answers no longer changes; a copy can.
    auto edit = trainer->post("/api/v1/quizzes/" + std::to_string(quiz) + "/copy", json::object());
    EXPECT_EQ(edit.status, 201);
    auto put = json_request(
        *http, "PUT", "/api/v1/quizzes/" + std::to_string(quiz),
        {{"title", "x"},
         {"kind", "poll"},
         {"questions", {{{"type", "true_false"}, {"prompt", "?"}, {"correct", true}}}}},
        trainer_token);
    EXPECT_EQ(put.status, 409);
    EXPECT_EQ(put.json()["error"]["code"], "quiz_has_answers");

    // A self-paced post-test for three trainees, and the pre/post comparison.
    auto post =
        trainer->post(training_path() + "/quizzes",
                      {{"title", "Post-test"},
                       {"kind", "post_test"},
                       {"questions",
                        {{{"type", "single"},
                          {"prompt", "Kas masuk dicatat di?"},
                          {"options", {"a", "b", "c", "d"}},
                          {"correct", 2}},
                         {{"type", "true_false"}, {"prompt", "Laba = omzet?"}, {"correct", false}},
                         {{"type", "text"}, {"prompt", "Singkatan?"}, {"correct", {"UMKM"}}}}}});
    ASSERT_EQ(post.status, 201);
    const auto post_body = post.json();
    const auto post_id = std::to_string(post_body["id"].get<std::int64_t>());
    std::vector<std::int64_t> pq;
    for (const auto& q : post_body["questions"]) pq.push_back(q["id"]);
    for (int i : {1, 2, 3}) {
        api_client me(*http, tokens[i - 1]);
        auto sub = me.post("/api/v1/quizzes/" + post_id + "/submissions",
                           {{"answers",
                             {{{"question_id", pq[0]}, {"answer", 2}},
                              {{"question_id", pq[1]}, {"answer", false}},
                              {{"question_id", pq[2]}, {"answer", i == 3 ? "ukm" : " umkm "}}}}});
        ASSERT_EQ(sub.status, 201) << sub.body;
        EXPECT_EQ(sub.json()["score"], i == 3 ? 2 : 3);
        EXPECT_EQ(
            me.post("/api/v1/quizzes/" + post_id + "/submissions", {{"answers", json::array()}})
                .status,
            409);
    }
    auto prepost =
        trainer->get("/api/v1/reports/trainings/" + std::to_string(training) + "/pre-post").json();
    EXPECT_EQ(prepost["trainees_with_both"], 3);
    double gains = 0;
    int improved = 0;
    for (int i : {1, 2, 3}) {
        const double gain = (i == 3 ? 200.0 / 3 : 100.0) - 100.0 * expected_score(i) / 3;
        gains += gain;
        improved += gain > 0;
    }
    EXPECT_NEAR(prepost["mean_gain"].get<double>(), gains / 3, 1e-9);
    EXPECT_NEAR(prepost["improved_share"].get<double>(), improved / 3.0, 1e-9);
}

TEST_F(Quiz, EveryAckedAnswerSurvivesAKillDuringABurst) {
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    std::vector<std::unique_ptr<ws_client>> phones;
    std::vector<std::int64_t> user_ids;
    for (int i = 1; i <= crowd; ++i) {
        phones.push_back(connect(login_token(*http, "kuis" + std::to_string(i), world::password)));
        auto w = phones.back()->next_of("welcome");
        ASSERT_TRUE(w);
        user_ids.push_back((*w)["you"]["user_id"]);
    }
    t->send_json({{"type", "open_quiz"}, {"quiz_id", quiz}, {"duration_s", 120}, {"id", "open"}});
    ASSERT_TRUE(t->next_of("ack"));
    for (auto& p : phones) ASSERT_TRUE(p->next_of("quiz_opened"));
    for (int i = 0; i < crowd; ++i) {
        for (int q = 0; q < 3; ++q) {
            json value = q == 0 ? json(i % 4) : q == 1 ? json::array({i % 3}) : json(i);
            phones[i]->send_json(answer(quiz, questions[q],
                                        "b" + std::to_string(i) + "-" + std::to_string(q), value));
        }
    }
    // Collect what is acked in the first moments, then kill the server mid-burst.
    std::set<std::pair<std::int64_t, std::int64_t>> acked;
    for (int i = 0; i < crowd / 2; ++i) {
        while (auto a = phones[i]->next_of("ack", std::chrono::milliseconds(i < 5 ? 200 : 1))) {
            const std::string id = (*a)["id"];
            acked.emplace(user_ids[i], questions[std::stoi(id.substr(id.find('-') + 1))]);
        }
    }
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    phones.clear();
    ASSERT_FALSE(acked.empty());
    auto db = daring::test::open_test_database(dir.file("t.db"));
    EXPECT_EQ(daring::test::integrity_of(*db), "ok");
    daring::storage::statement q(
        *db, "SELECT 1 FROM quiz_answers WHERE user_id = ? AND question_id = ?");
    for (const auto& [user, question] : acked) {
        q.bind(1, user);
        q.bind(2, question);
        EXPECT_TRUE(q.step()) << "acked answer of user " << user << " to question " << question
                              << " is missing";
        q.reset();
    }
}

// Five kills, each at another moment of a burst of answers (each round on its own quiz): after
// the restart the trainer closes the quiz in the rebuilt room, and the results hold every acked
// answer, score each trainee as an independent sum does, and count each stored answerer once.
TEST_F(Quiz, ResultsAfterAKillAtFiveMomentsHoldEveryAckedAnswer) {
    constexpr int burst = 40;
    std::size_t total_acked = 0;
    for (int round = 0; round < 5; ++round) {
        auto copy =
            trainer->post("/api/v1/quizzes/" + std::to_string(quiz) + "/copy", json::object());
        ASSERT_EQ(copy.status, 201) << copy.body;
        const std::int64_t round_quiz = copy.json()["id"];
        std::vector<std::int64_t> qs;
        const auto stored = trainer->get("/api/v1/quizzes/" + std::to_string(round_quiz)).json();
        for (const auto& question : stored["questions"]) qs.push_back(question["id"]);
        ASSERT_EQ(qs.size(), 3u) << stored.dump();
        auto t = connect(trainer_token);
        ASSERT_TRUE(t->next_of("welcome"));
        std::vector<std::unique_ptr<ws_client>> phones;
        std::vector<std::int64_t> user_ids;
        for (int i = 1; i <= burst; ++i) {
            phones.push_back(connect(w.token("kuis" + std::to_string(i))));
            auto welcome = phones.back()->next_of("welcome");
            ASSERT_TRUE(welcome);
            user_ids.push_back((*welcome)["you"]["user_id"]);
        }
        t->send_json(
            {{"type", "open_quiz"}, {"quiz_id", round_quiz}, {"duration_s", 600}, {"id", "o"}});
        ASSERT_TRUE(t->next_of("ack"));
        for (auto& p : phones) ASSERT_TRUE(p->next_of("quiz_opened"));
        std::map<std::pair<std::int64_t, std::int64_t>, json> sent;
        for (int i = 0; i < burst; ++i) {
            for (int q = 0; q < 3; ++q) {
                json value = q == 0   ? json(i % 4)
                             : q == 1 ? json::array({i % 3})
                                      : json(10 + i % 2);
                sent[{user_ids[i], qs[q]}] = value;
                phones[i]->send_json(
                    answer(round_quiz, qs[q], std::to_string(i) + "-" + std::to_string(q), value));
            }
        }
        // The moment of the kill: 0, 2, 5, 20 or 60 ms after the burst, then the acks that came
        // (reading them takes a few more milliseconds).
        const int wait_ms[] = {0, 2, 5, 20, 60};
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms[round]));
        std::set<std::pair<std::int64_t, std::int64_t>> acked;
        for (int i = 0; i < burst; ++i) {
            while (auto a = phones[i]->next_of("ack", std::chrono::milliseconds(i == 0 ? 50 : 2))) {
                const std::string id = (*a)["id"];
                acked.emplace(user_ids[i], qs[std::stoi(id.substr(id.find('-') + 1))]);
            }
        }
        EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
        phones.clear();
        t.reset();
        w.launch();
        trainer = std::make_unique<api_client>(*http, trainer_token);
        auto again = connect(trainer_token);
        auto welcome = again->next_of("welcome");
        ASSERT_TRUE(welcome);
        ASSERT_FALSE((*welcome)["quiz"].is_null()) << "the open quiz was not resumed";
        EXPECT_EQ((*welcome)["quiz"]["quiz_id"], round_quiz);
        again->send_json({{"type", "close_quiz"}, {"quiz_id", round_quiz}, {"id", "c"}});
        ASSERT_TRUE(again->next_of("quiz_closed"));
        again.reset();
        int stored_users = 0;
        {
            auto db = daring::test::open_test_database(dir.file("t.db"));
            daring::storage::statement stored(
                *db,
                "SELECT COUNT(DISTINCT user_id) FROM quiz_answers a JOIN quiz_runs r ON r.id = "
                "a.run_id WHERE r.quiz_id = ?");
            stored.bind(1, round_quiz);
            ASSERT_TRUE(stored.step());
            stored_users = stored.column(0).as_int();
        }
        json results;
        for (int tries = 0; tries < 100; ++tries) {  // the results commit right after the close
            results =
                trainer->get("/api/v1/quizzes/" + std::to_string(round_quiz) + "/results").json();
            if (static_cast<int>(results["trainees"].size()) >= stored_users) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::map<std::int64_t, json> by_user;
        for (const auto& row : results["trainees"]) by_user[row["user_id"]] = row;
        for (const auto& key : acked) {
            ASSERT_TRUE(by_user.contains(key.first)) << "round " << round << ": user " << key.first;
            EXPECT_EQ(by_user[key.first]["answers"][std::to_string(key.second)], sent[key])
                << "round " << round;
        }
        for (const auto& [user, row] : by_user) {
            int expected = 0;  // single: 2 is right; multiple: {0, 1}; numeric: 10
            for (const auto& [question, value] : row["answers"].items()) {
                const auto qid = std::stoll(question);
                if (qid == qs[0]) expected += value == 2;
                if (qid == qs[1]) expected += value == json::array({0, 1});
                if (qid == qs[2]) expected += value == 10;
                const std::pair<std::int64_t, std::int64_t> key{user, qid};
                EXPECT_EQ(value, sent[key]) << "an answer nobody sent";
            }
            EXPECT_EQ(row["score"].get<double>(), expected) << "round " << round;
        }
        EXPECT_EQ(static_cast<int>(by_user.size()), stored_users) << "round " << round;
        total_acked += acked.size();
    }
    EXPECT_GT(total_acked, 0u) << "no round had an acknowledged answer before its kill";
}

// A run a crash left open, whose room nobody rebuilt, closes with the session: the results are
// materialised from the stored answers.
TEST_F(Quiz, ARunLeftOpenByACrashClosesWithTheSessionFromTheStoredAnswers) {
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    t->send_json({{"type", "open_quiz"}, {"quiz_id", quiz}, {"duration_s", 600}, {"id", "o"}});
    ASSERT_TRUE(t->next_of("ack"));
    std::vector<std::unique_ptr<ws_client>> phones;
    for (int i = 1; i <= 10; ++i) {
        phones.push_back(connect(w.token("kuis" + std::to_string(i))));
        ASSERT_TRUE(phones.back()->next_of("welcome"));
        phones.back()->send_json(answer(quiz, questions[0], "a" + std::to_string(i), i % 4));
        ASSERT_TRUE(phones.back()->next_of("ack"));  // stored
    }
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    phones.clear();
    t.reset();
    w.launch();
    trainer = std::make_unique<api_client>(*http, trainer_token);
    ASSERT_EQ(trainer->post(world::session_path(session) + "/end", json::object()).status, 200);
    auto results = trainer->get("/api/v1/quizzes/" + std::to_string(quiz) + "/results").json();
    ASSERT_EQ(results["trainees"].size(), 10u) << results.dump();
    for (const auto& row : results["trainees"]) {
        const int choice = row["answers"][std::to_string(questions[0])];
        EXPECT_EQ(row["score"].get<double>(), choice == 2 ? 1.0 : 0.0);
        EXPECT_EQ(row["source"], "live");
    }
}
