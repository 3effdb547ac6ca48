// Several nodes: two `daring` processes on one PostgreSQL database, relaying one live room
// through a nats-server the test starts (docs/architecture.md, "Several nodes"). Node A owns the
// room (its first socket claimed it); node B relays its sockets to A.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "storage/attendance_repo.hpp"
#include "tests/support/audio_client.hpp"
#include "tests/support/live_fixture.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace daring::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

class Cluster : public live_fixture {
  protected:
    Cluster() { trainee_count = 100; }

    void SetUp() override {
        static int made = 0;
        w.database = shared_pg_cluster().create_database("cluster_" + std::to_string(::getpid()) +
                                                         "_" + std::to_string(++made));
        server_args = {"--nats", nats.url(), "--node-id", "node-a", "--presence-flush", "1"};
        live_fixture::SetUp();
        b = start_node("node-b");
        b_http = std::make_unique<http_client>(b->port());
    }

    std::unique_ptr<server_process> start_node(const std::string& id) {
        return std::make_unique<server_process>(
            w.database, dir.file("web"),
            std::vector<std::string>{"--nats", nats.url(), "--node-id", id, "--presence-flush", "1",
                                     "--recordings-dir", dir.file("recordings-" + id),
                                     "--assets-dir", dir.file("assets")});
    }

    // A socket to the session's room on node B.
    std::unique_ptr<ws_client> connect_b(const std::string& token,
                                         std::optional<std::uint64_t> resume = std::nullopt) {
        return std::make_unique<ws_client>(
            b->port(), live_path(resume),
            std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + token}});
    }

    // Trainee i: odd ones on node A, even ones on node B; welcomed.
    std::unique_ptr<ws_client> join_split(int i, const std::string& token) {
        auto ws = i % 2 == 1 ? connect(token) : connect_b(token);
        if (ws->status() != 101 || !ws->next_of("welcome", 10s))
            ADD_FAILURE() << "trainee " << i << " was not welcomed (" << ws->status() << ")";
        return ws;
    }

    std::int64_t make_quiz() {
        auto q =
            trainer->post(training_path() + "/quizzes", {{"title", "Kuis dua node"},
                                                         {"kind", "pre_test"},
                                                         {"questions",
                                                          {{{"type", "single"},
                                                            {"prompt", "Kas masuk dicatat di?"},
                                                            {"options", {"a", "b", "c"}},
                                                            {"correct", 1}}}}});
        EXPECT_EQ(q.status, 201) << q.body;
        question = q.json()["questions"][0]["id"];
        return q.json()["id"];
    }

    json results(std::int64_t quiz, int expected) {
        json r;
        for (int k = 0; k < 100; ++k) {
            r = trainer->get("/api/v1/quizzes/" + std::to_string(quiz) + "/results").json();
            if (r["submitted"] == expected) break;
            std::this_thread::sleep_for(50ms);
        }
        return r;
    }

    // A /metrics figure of a node (-1 when missing).
    static double figure(http_client& node, const std::string& name) {
        const auto body = node.request("GET", "/metrics").body;
        const auto at = body.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stod(body.substr(at + name.size() + 2));
    }

    // A trainee's presence intervals in the database, oldest first.
    std::vector<daring::storage::presence_row> presence_rows(const std::string& username) {
        auto db = open_test_database(w.database);  // node A may be dead: not through its API
        daring::storage::statement q(*db, "SELECT id FROM users WHERE username = ?");
        q.bind(1, username);
        if (!q.step()) throw std::runtime_error("no user " + username);
        return daring::storage::presence_of(*db, session, q.column(0).as_int64());
    }

    nats_server nats;
    std::unique_ptr<server_process> b;
    std::unique_ptr<http_client> b_http;
    std::int64_t question = 0;
};

json must(std::optional<json> m, const std::string& what) {
    if (!m) {
        ADD_FAILURE() << what << " did not arrive";
        return json::object();
    }
    return *m;
}

json answer(std::int64_t quiz, std::int64_t question, const std::string& id, int choice) {
    return {{"type", "answer"},
            {"id", id},
            {"quiz_id", quiz},
            {"question_id", question},
            {"answer", choice}};
}

}  // namespace

TEST_F(Cluster, HundredTraineesOnTwoNodesGetTheSameEventsWithTheSameSeq) {
    start();
    auto t = connect(trainer_token);  // the room's first socket: node A owns it
    ASSERT_TRUE(t->next_of("welcome"));
    std::vector<std::unique_ptr<ws_client>> phones;
    for (int i = 1; i <= trainee_count; ++i) phones.push_back(join_split(i, trainee_token(i)));
    ASSERT_EQ(figure(*http, "daring_cluster_rooms_owned"), 1);
    ASSERT_EQ(figure(*b_http, "daring_cluster_relayed_sockets"), trainee_count / 2);

    for (int round = 0; round < 2; ++round)
        for (int index : {1, 2, 3}) t->send_json({{"type", "show_slide"}, {"index", index}});
    std::vector<std::uint64_t> first_seqs;
    for (int i = 1; i <= trainee_count; ++i) {
        std::vector<int> indexes;
        std::vector<std::uint64_t> seqs;
        for (int k = 0; k < 6; ++k) {
            const auto s = must(phones[i - 1]->next_of("slide"), "slide " + std::to_string(k));
            indexes.push_back(s.value("index", -1));
            seqs.push_back(s.value("seq", std::uint64_t{0}));
        }
        EXPECT_EQ(indexes, (std::vector<int>{1, 2, 3, 1, 2, 3})) << "trainee " << i;
        if (first_seqs.empty()) first_seqs = seqs;
        EXPECT_EQ(seqs, first_seqs) << "trainee " << i << " (node " << (i % 2 ? "A" : "B") << ")";
        EXPECT_FALSE(phones[i - 1]->next_of("slide", 1ms)) << "a slide came twice";
    }

    // Chat and hands from node B reach node A (and B) with one seq.
    phones[1]->send_json({{"type", "chat"}, {"text", "Halo dari node B"}, {"id", "c1"}});
    EXPECT_EQ(must(phones[1]->next_of("ack"), "the chat's ack")["id"], "c1");
    const auto on_a = must(phones[0]->next_of("chat"), "the chat on node A");
    const auto on_b = must(phones[3]->next_of("chat"), "the chat on node B");
    EXPECT_EQ(on_a["text"], "Halo dari node B");
    EXPECT_EQ(on_a["seq"], on_b["seq"]);
    phones[3]->send_json({{"type", "hand"}, {"up", true}});
    EXPECT_EQ(must(t->next_of("hand"), "the hand")["user_id"], w.user_id(trainee_name(4)));

    // Answers acked on node B are in the results.
    const auto quiz = make_quiz();
    t->send_json({{"type", "open_quiz"}, {"quiz_id", quiz}, {"duration_s", 600}, {"id", "o"}});
    ASSERT_EQ(must(t->next_of("ack"), "open_quiz's ack")["id"], "o");
    for (int i = 1; i <= trainee_count; ++i) {
        ASSERT_TRUE(phones[i - 1]->next_of("quiz_opened")) << "trainee " << i;
        phones[i - 1]->send_json(answer(quiz, question, "q" + std::to_string(i), i % 3));
    }
    for (int i = 1; i <= trainee_count; ++i)
        EXPECT_EQ(must(phones[i - 1]->next_of("ack"), "an answer's ack")["id"],
                  "q" + std::to_string(i));
    t->send_json({{"type", "close_quiz"}, {"quiz_id", quiz}, {"id", "c"}});
    EXPECT_EQ(must(t->next_of("quiz_closed"), "quiz_closed")["answered"], trainee_count);
    const auto r = results(quiz, trainee_count);
    EXPECT_EQ(r["submitted"], trainee_count);
    std::set<std::string> names;
    for (const auto& row : r["trainees"]) names.insert(row["username"].get<std::string>());
    EXPECT_TRUE(names.contains(trainee_name(2)) && names.contains(trainee_name(100)));

    // Ending the session on node B ends the room on node A: every socket hears it and closes.
    auto on_b_end =
        api_client(*b_http, trainer_token)
            .post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object());
    ASSERT_EQ(on_b_end.status, 200) << on_b_end.body;
    for (int i : {1, 2, 99, 100}) {
        EXPECT_TRUE(phones[i - 1]->next_of("session_ended", 10s)) << "trainee " << i;
        EXPECT_EQ(phones[i - 1]->wait_closed(10s), 1000) << "trainee " << i;
    }
}

// Audio from a speaker on node A reaches listeners on node B in order; the floor goes to a
// trainee on node B, whose audio reaches node A; a logout on node A closes the socket on B.
TEST_F(Cluster, AudioAndTheFloorCrossNodesInOrder) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    t->send_json(audio_start());
    ASSERT_TRUE(t->next_of("audio_state"));
    std::vector<std::unique_ptr<ws_client>> phones;
    for (int i = 1; i <= 6; ++i) phones.push_back(join_split(i, trainee_token(i)));
    constexpr int packets = 50;
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < packets; ++i) {
        send_packet(*t, i);
        std::this_thread::sleep_until(began + audio_frame * (i + 1));
    }
    for (int i = 2; i <= 6; i += 2) {
        const auto got = read_records(*phones[i - 1], packets, 10s);
        ASSERT_EQ(got.size(), static_cast<std::size_t>(packets)) << "trainee " << i << " on B";
        for (int k = 0; k < packets; ++k) {
            ASSERT_EQ(got[k].packet, fake_packet(k)) << "trainee " << i << " record " << k;
            if (k > 0) {
                ASSERT_EQ(got[k].seq, got[k - 1].seq + 1) << "trainee " << i;
            }
        }
    }

    const auto asker = w.user_id(trainee_name(2));  // on node B
    phones[1]->send_json({{"type", "hand"}, {"up", true}});
    ASSERT_TRUE(t->next_of("hand"));
    t->send_json({{"type", "give_floor"}, {"user_id", asker}, {"id", "g"}});
    const auto given = must(phones[0]->next_of("audio_state"), "the floor's audio_state on A");
    EXPECT_EQ(given["speaker"]["user_id"], asker);
    ASSERT_TRUE(phones[1]->next_of("audio_state"));
    const auto heard_before = phones[0]->binaries.size();
    for (int i = 0; i < 5; ++i) {
        send_packet(*phones[1], 100 + i);
        std::this_thread::sleep_for(audio_frame);
    }
    phones[0]->binaries.erase(phones[0]->binaries.begin(),
                              phones[0]->binaries.begin() + static_cast<long>(heard_before));
    const auto from_b = read_records(*phones[0], 5, 10s);
    ASSERT_GE(from_b.size(), 5U);
    EXPECT_EQ(from_b[from_b.size() - 5].packet, fake_packet(100));
    EXPECT_EQ(from_b.back().packet, fake_packet(104));
    EXPECT_EQ(from_b[from_b.size() - 5].flags, audio::flag_discontinuity) << "a new speaker";

    // Signing out on node A ends that login's socket on node B.
    const auto token = trainee_token(4);
    auto phone = connect_b(token);
    ASSERT_TRUE(phone->next_of("welcome", 10s));
    ASSERT_EQ(api_client(*http, token).post("/api/v1/auth/logout", json::object()).status, 204);
    EXPECT_EQ(phone->wait_closed(10s), 4001);
}

TEST_F(Cluster, TheOwnersDeathIsAReconnectNotALostLesson) {
    start();
    constexpr int people = 20;
    std::vector<std::string> tokens;
    std::vector<std::unique_ptr<ws_client>> phones;
    for (int i = 1; i <= people; ++i) {
        tokens.push_back(trainee_token(i));
        phones.push_back(join_split(i, tokens.back()));  // trainee 1 on node A claims the room
    }
    auto t = connect_b(trainer_token);  // the trainer is on node B, relayed to A
    ASSERT_TRUE(t->next_of("welcome", 10s));
    const auto quiz = make_quiz();
    t->send_json({{"type", "open_quiz"}, {"quiz_id", quiz}, {"duration_s", 600}, {"id", "o"}});
    ASSERT_EQ(must(t->next_of("ack", 10s), "open_quiz's ack")["id"], "o");
    int acked = 0;
    for (int i = 1; i <= people; ++i) {
        ASSERT_TRUE(phones[i - 1]->next_of("quiz_opened"));
        phones[i - 1]->send_json(answer(quiz, question, "q" + std::to_string(i), 1));
        if (phones[i - 1]->next_of("ack")) ++acked;
    }
    ASSERT_EQ(acked, people);
    t->send_json({{"type", "show_slide"}, {"index", 1}});
    std::uint64_t before = 0;
    for (auto& p : phones)
        before =
            std::max(before, must(p->next_of("slide"), "slide 1").value("seq", std::uint64_t{0}));
    // The trainer speaks (from node B, through the owner on A); trainee 2 on B hears it.
    t->send_json(audio_start());
    ASSERT_TRUE(t->next_of("audio_state", 10s));
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) {
        send_packet(*t, i);
        std::this_thread::sleep_until(began + audio_frame * (i + 1));
    }
    const auto heard = read_records(*phones[1], 20, 10s);
    ASSERT_EQ(heard.size(), 20U);
    const auto audio_before = heard.back().seq;
    for (int i = 2; i <= people; i += 2) w.heartbeat(*phones[i - 1]);
    std::this_thread::sleep_for(1500ms);  // the owner's presence flush (every second here)

    const auto killed_at = std::chrono::steady_clock::now();
    server->stop(SIGKILL);
    // Node B's sockets never close: B takes the room over and welcomes them again.
    auto w_again = must(t->next_of("welcome", 15s), "the trainer's welcome after the failover");
    EXPECT_GT(w_again.value("seq", std::uint64_t{0}), before);
    t->send_json({{"type", "show_slide"}, {"index", 2}, {"id", "s2"}});
    for (int i = 2; i <= people; i += 2) {
        const auto s = must(phones[i - 1]->next_of("slide", 15s), "slide 2 on node B");
        EXPECT_EQ(s.value("index", -1), 2) << "trainee " << i;
        EXPECT_GT(s.value("seq", std::uint64_t{0}), before) << "seq continues above the old";
        EXPECT_TRUE(phones[i - 1]->open());
    }
    const auto failover = std::chrono::steady_clock::now() - killed_at;
    EXPECT_LT(failover, 10s) << "from the kill to the next slide on node B";
    // Audio continues above every audio_seq heard before, marked as a discontinuity.
    phones[1]->binaries.clear();
    const auto resumed = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
        send_packet(*t, 200 + i);
        std::this_thread::sleep_until(resumed + audio_frame * (i + 1));
    }
    const auto after = read_records(*phones[1], 10, 10s);
    ASSERT_EQ(after.size(), 10U);
    EXPECT_GT(after.front().seq, audio_before);
    EXPECT_EQ(after.front().flags, audio::flag_discontinuity);
    EXPECT_EQ(after.back().packet, fake_packet(209));
    // Node A's trainees reconnect to node B and find the lesson where it is.
    for (int i = 1; i <= people; i += 2) {
        auto again = connect_b(tokens[i - 1], before);
        ASSERT_EQ(again->status(), 101) << "trainee " << i;
        const auto welcome = must(again->next_of("welcome", 10s), "the welcome on node B");
        EXPECT_EQ(welcome["slide"].value("index", -1), 2) << "trainee " << i;
        phones[i - 1] = std::move(again);
    }
    // Every answer acked before the kill is in the results after the close.
    t->send_json({{"type", "close_quiz"}, {"quiz_id", quiz}, {"id", "c"}});
    EXPECT_EQ(must(t->next_of("quiz_closed", 10s), "quiz_closed")["answered"], people);
    api_client on_b(*b_http, trainer_token);
    json r = json::object();
    for (int k = 0; k < 100 && r.value("submitted", 0) != people; ++k) {
        r = on_b.get("/api/v1/quizzes/" + std::to_string(quiz) + "/results").json();
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(r["submitted"], people);
    EXPECT_EQ(figure(*b_http, "daring_cluster_failovers_total"), 1);
    // Attendance of node B's trainees has no hole longer than the failover: the interval the
    // dead owner left open ends at its last flushed heartbeat, the next starts at the takeover.
    auto db = open_test_database(w.database);
    for (int i = 2; i <= people; i += 2) {
        daring::storage::statement q(*db,
                                     "SELECT p.started_at, p.ended_at FROM presence_intervals p "
                                     "JOIN users u ON u.id = p.user_id WHERE u.username = ? "
                                     "ORDER BY p.started_at");
        q.bind(1, trainee_name(i));
        std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> spans;
        while (q.step()) {
            spans.emplace_back(q.column(0).as_int64(), q.column(1).is_null()
                                                           ? std::nullopt
                                                           : std::optional(q.column(1).as_int64()));
        }
        ASSERT_EQ(spans.size(), 2U) << "trainee " << i;
        ASSERT_TRUE(spans[0].second) << "node B ended its relayed interval at the takeover";
        EXPECT_LE(spans[1].first - *spans[0].second, 10) << "trainee " << i << ": the hole";
    }
    // Node A's trainees: the interval the dead node left open was ended by the takeover, at its
    // last flushed heartbeat; their reconnection on node B opened the next.
    for (int i = 1; i <= people; i += 2) {
        const auto rows = presence_rows(trainee_name(i));
        ASSERT_EQ(rows.size(), 2U) << "trainee " << i;
        EXPECT_EQ(rows[0].node, "node-a");
        EXPECT_TRUE(rows[0].ended_at) << "trainee " << i << ": ended by the takeover";
        EXPECT_EQ(rows[1].node, "node-b");
    }
}

// Each node records its own trainees' presence and answers their heartbeats: heartbeats do not
// cross; a change of the page's visibility and the node's liveness (every 2 s) do. A node that
// dies: the owner drops its sockets after 10 s of silence and ends its open intervals.
TEST_F(Cluster, HeartbeatsStayOnTheTraineesNodeAndASilentNodesTraineesLeave) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    constexpr int people = 20;
    std::vector<std::unique_ptr<ws_client>> phones;
    for (int i = 1; i <= people; ++i) phones.push_back(join_split(i, trainee_token(i)));
    const auto frames_before = figure(*http, "daring_cluster_frames_in_total");
    for (int round = 0; round < 6; ++round) {
        if (round == 5) std::this_thread::sleep_for(1100ms);  // a later second than the joins
        for (int i = 2; i <= people; i += 2) w.heartbeat(*phones[i - 1]);  // each acked
    }
    const auto crossed = figure(*http, "daring_cluster_frames_in_total") - frames_before;
    EXPECT_LT(crossed, 10) << "60 heartbeats on node B; what reached the owner: its liveness";
    EXPECT_GE(figure(*b_http, "daring_cluster_heartbeats_kept_total"), 60);
    w.heartbeat(*phones[1], false);       // trainee 2 hides the page: the owner's figures follow
    std::this_thread::sleep_for(1500ms);  // the nodes' presence flush (every second here)
    for (int i = 1; i <= 4; ++i) {
        const auto rows = presence_rows(trainee_name(i));
        ASSERT_EQ(rows.size(), i == 2 ? 2U : 1U) << "trainee " << i;
        EXPECT_EQ(rows[0].node, i % 2 ? "node-a" : "node-b") << "recorded by the trainee's node";
        EXPECT_FALSE(rows.back().ended_at);
        if (i % 2 == 0) {
            EXPECT_GT(rows[0].last_seen, rows[0].started_at) << "heartbeats written";
        }
    }
    EXPECT_FALSE(presence_rows(trainee_name(2)).back().visible);

    // Node B dies: after 10 s of silence the owner's room drops its trainees and their
    // intervals end at their last flushed heartbeat.
    b->stop(SIGKILL);
    const auto killed = std::chrono::steady_clock::now();
    bool dropped = false;
    while (!dropped && std::chrono::steady_clock::now() - killed < 20s) {
        auto p = t->next_of("presence", 1s);
        dropped = p && p->value("online", 0) == 1 + people / 2;
    }
    EXPECT_TRUE(dropped) << "the trainer's count lost node B's trainees";
    EXPECT_EQ(figure(*http, "daring_cluster_nodes_gone_total"), 1);
    std::this_thread::sleep_for(500ms);  // the write is queued with the drop
    for (int i = 2; i <= people; i += 2) {
        const auto rows = presence_rows(trainee_name(i));
        ASSERT_FALSE(rows.empty());
        EXPECT_TRUE(rows.back().ended_at) << "trainee " << i;
        EXPECT_EQ(*rows.back().ended_at, rows.back().last_seen) << "at its last heartbeat";
    }
    EXPECT_FALSE(presence_rows(trainee_name(1)).back().ended_at) << "node A's go on";
}

TEST_F(Cluster, LiveTrafficResumesAfterNatsRestarts) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    const auto token = trainee_token(2);
    auto phone = join_split(2, token);  // on node B
    t->send_json({{"type", "show_slide"}, {"index", 1}});
    auto first = must(phone->next_of("slide"), "slide 1");
    nats.stop();
    t->send_json({{"type", "show_slide"}, {"index", 2}});  // while NATS is away
    nats.start();
    t->send_json({{"type", "show_slide"}, {"index", 3}});
    // Slide 3 arrives, directly or after the phone resumes from the last seq it saw.
    std::vector<int> seen;
    std::uint64_t last = first.value("seq", std::uint64_t{0});
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < until &&
           std::find(seen.begin(), seen.end(), 3) == seen.end()) {
        if (auto s = phone->next_of("slide", 500ms)) {
            seen.push_back(s->value("index", -1));
            last = s->value("seq", last);
            continue;
        }
        if (!phone->open()) {  // told to resume (4008) or dropped: reconnect from `last`
            phone = connect_b(token, last);
        } else if (seen.empty()) {
            t->send_json({{"type", "show_slide"}, {"index", 3}});  // the trainer shows it again
        }
    }
    EXPECT_NE(std::find(seen.begin(), seen.end(), 3), seen.end()) << "slide 3 never arrived";
    EXPECT_EQ(figure(*b_http, "daring_nats_connected"), 1);
}
