// Live sessions over real WebSockets against the real binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tests/support/live_fixture.hpp"
#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

class Live : public live_fixture {};

}  // namespace

TEST_F(Live, RefusesUpgradesBeforeTheSessionIsLiveAndToStrangers) {
    auto early = connect(trainee_token(1));
    EXPECT_EQ(early->status(), 409);
    EXPECT_EQ(json::parse(early->error_body())["error"]["code"], "session_not_live");
    start();
    ws_client anonymous(server->port(), live_path(), {});
    EXPECT_EQ(anonymous.status(), 401);
    auto outsider = connect(login_token(*http, "outsider", world::password));
    EXPECT_EQ(outsider->status(), 403);
    EXPECT_EQ(json::parse(outsider->error_body())["error"]["code"], "not_enrolled");
    auto foreign = connect(trainee_token(1), std::nullopt, {{"Origin", "https://evil.example"}});
    EXPECT_EQ(foreign->status(), 403);
    EXPECT_EQ(json::parse(foreign->error_body())["error"]["code"], "forbidden_origin");
    auto own = connect(trainee_token(1), std::nullopt,
                       {{"Origin", "http://127.0.0.1:" + std::to_string(server->port())}});
    EXPECT_EQ(own->status(), 101);
    auto bad_resume = connect(trainee_token(1), std::nullopt);
    EXPECT_EQ(bad_resume->status(), 101);
    ws_client junk_resume(server->port(), live_path() + "?resume=abc",
                          {{"Authorization", "Bearer " + trainee_token(1)}});
    EXPECT_EQ(junk_resume.status(), 400);
    // Without Upgrade headers the endpoint explains itself.
    EXPECT_EQ(trainer->get(live_path()).status, 426);
}

// A page whose upgrade was refused asks the plain GET why: the same answer, so it can say what
// happened (unknown, not enrolled, not started, ended, held in person) and retry only a session
// not started yet; 426 only when joining would work.
TEST_F(Live, APlainGetExplainsWhyALiveLinkCannotWork) {
    auto trainee = w.as(trainee_name(1));
    auto outsider = w.as("outsider");
    auto code = [](const http_result& r) { return r.json()["error"]["code"].get<std::string>(); };
    EXPECT_EQ(code(trainee.get(live_path())), "session_not_live");
    EXPECT_EQ(trainee.get(live_path()).status, 409);
    start();
    EXPECT_EQ(trainee.get(live_path()).status, 426);
    ws_client odd_audio(server->port(), live_path() + "?audio=maybe",
                        {{"Authorization", "Bearer " + trainee_token(1)}});
    EXPECT_EQ(odd_audio.status(), 400);  // ?audio= takes on or off
    auto stranger = outsider.get(live_path());
    EXPECT_EQ(stranger.status, 403);
    EXPECT_EQ(code(stranger), "not_enrolled");
    auto missing = trainee.get("/api/v1/sessions/987654/live");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(code(missing), "not_found");
    ASSERT_EQ(trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                  .status,
              200);
    auto over = trainee.get(live_path());
    EXPECT_EQ(over.status, 409);
    EXPECT_EQ(code(over), "session_ended");
    auto refused = connect(trainee_token(1));
    EXPECT_EQ(refused->status(), 409);
    EXPECT_EQ(json::parse(refused->error_body())["error"]["code"], "session_ended");
}

TEST_F(Live, FiftyTraineesReceiveEverySlideExactlyOnceInOrder) {
    start();
    std::vector<std::unique_ptr<ws_client>> trainees;
    for (int i = 1; i <= trainee_count; ++i) {
        trainees.push_back(connect(trainee_token(i)));
        ASSERT_EQ(trainees.back()->status(), 101);
        auto w = trainees.back()->next_of("welcome");
        ASSERT_TRUE(w.has_value());
        EXPECT_EQ((*w)["role"], "trainee");
    }
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome").has_value());
    for (int round = 0; round < 3; ++round) {
        for (int index : {1, 2, 3})
            t->send_json({{"type", "show_slide"}, {"index", index}, {"id", round * 10 + index}});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let any duplicate arrive
    for (auto& c : trainees) {
        std::vector<int> indexes;
        std::uint64_t last_seq = 0;
        for (int k = 0; k < 9; ++k) {
            auto s = c->next_of("slide");
            ASSERT_TRUE(s.has_value()) << "slide " << k;
            indexes.push_back((*s)["index"]);
            EXPECT_GT((*s)["seq"].get<std::uint64_t>(), last_seq);
            last_seq = (*s)["seq"];
        }
        EXPECT_EQ(indexes, (std::vector<int>{1, 2, 3, 1, 2, 3, 1, 2, 3}));
        EXPECT_FALSE(
            c->next_of("slide", std::chrono::milliseconds(1)).has_value());  // exactly once
    }
    int acks = 0;
    while (auto a = t->next_of("ack", std::chrono::milliseconds(500))) ++acks;
    EXPECT_EQ(acks, 9);
}

TEST_F(Live, ResumeAfterADropReplaysExactlyTheMissedEvents) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    const auto token = trainee_token(1);
    auto phone = connect(token);
    ASSERT_TRUE(phone->next_of("welcome"));
    t->send_json({{"type", "show_slide"}, {"index", 1}});
    auto seen = phone->next_of("slide");
    ASSERT_TRUE(seen);
    const auto last = (*seen)["seq"].get<std::uint64_t>();
    phone->drop();
    t->send_json({{"type", "show_slide"}, {"index", 2}});
    t->send_json({{"type", "chat"}, {"text", "Sudah sampai slide dua"}});
    t->send_json({{"type", "show_slide"}, {"index", 3}});
    ASSERT_TRUE(t->next_of("slide"));  // the trainer saw them go out
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto back = connect(token, last);
    auto w = back->next_of("welcome");
    ASSERT_TRUE(w);
    EXPECT_EQ((*w)["resumed"], true);
    std::vector<std::string> replay;
    for (;;) {
        auto m = back->next(std::chrono::milliseconds(300));
        if (!m) break;
        if ((*m)["type"] == "presence" || (*m)["type"] == "attendance") continue;
        EXPECT_GT((*m)["seq"].get<std::uint64_t>(), last);
        replay.push_back((*m)["type"].get<std::string>() +
                         ((*m).contains("index") ? std::to_string((*m)["index"].get<int>()) : ""));
    }
    EXPECT_EQ(replay, (std::vector<std::string>{"slide2", "chat", "slide3"}));
    // A seq the ring never held gives a fresh snapshot instead.
    auto stale = connect(token, 5);
    auto fresh = stale->next_of("welcome");
    ASSERT_TRUE(fresh);
    EXPECT_EQ((*fresh)["resumed"], false);
    EXPECT_EQ((*fresh)["slide"]["index"], 3);
}

TEST_F(Live, ATraineeSendingATrainerMessageIsRefusedAndStaysConnected) {
    start();
    auto phone = connect(trainee_token(2));
    ASSERT_TRUE(phone->next_of("welcome"));
    phone->send_json({{"type", "show_slide"}, {"index", 2}, {"id", "x1"}});
    auto e = phone->next_of("error");
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)["code"], "forbidden");
    EXPECT_EQ((*e)["id"], "x1");
    phone->send_json({{"type", "chat"}, {"text", "Selamat pagi"}, {"id", "c1"}});
    auto ack = phone->next_of("ack");
    ASSERT_TRUE(ack);
    EXPECT_EQ((*ack)["id"], "c1");
    EXPECT_TRUE(phone->open());
}

TEST_F(Live, AnswersMalformedAndOversizeMessagesAndClosesAbuse) {
    start();
    auto phone = connect(trainee_token(3));
    ASSERT_TRUE(phone->next_of("welcome"));
    phone->send_text("{not json");
    EXPECT_EQ((*phone->next_of("error"))["code"], "malformed_json");
    phone->send_text(R"({"type":"warp"})");
    EXPECT_EQ((*phone->next_of("error"))["code"], "unknown_type");
    phone->send_text(R"({"type":"hand"})");
    EXPECT_EQ((*phone->next_of("error"))["code"], "missing_field");
    phone->send_text(std::string(70 * 1024, ' '));
    EXPECT_EQ((*phone->next_of("error"))["code"], "message_too_large");
    EXPECT_TRUE(phone->open());
    for (int i = 0; i < 50; ++i) phone->send_text("[");
    EXPECT_EQ(phone->wait_closed(), 1008);
    // Beyond the transport limit the frame itself is refused.
    auto big = connect(trainee_token(4));
    ASSERT_TRUE(big->next_of("welcome"));
    big->send_text(std::string(300 * 1024, 'x'));
    EXPECT_EQ(big->wait_closed(), 1009);
}

TEST_F(Live, SpeaksRfc6455HandshakesPingsFragmentsAndCloseCodes) {
    start();
    // The handshake: the RFC's sample key gets the RFC's answer; other versions and bad keys are
    // refused with the JSON error body before any upgrade.
    auto sample = connect(trainee_token(8), std::nullopt,
                          {{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
    ASSERT_EQ(sample->status(), 101);
    EXPECT_EQ(sample->accept(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    auto old = connect(trainee_token(8), std::nullopt, {{"Sec-WebSocket-Version", "8"}});
    EXPECT_EQ(old->status(), 426);
    EXPECT_EQ(json::parse(old->error_body())["error"]["code"], "unsupported_websocket_version");
    auto keyless = connect(trainee_token(8), std::nullopt, {{"Sec-WebSocket-Key", "not-a-key"}});
    EXPECT_EQ(keyless->status(), 400);
    EXPECT_EQ(json::parse(keyless->error_body())["error"]["code"], "bad_request");

    // A ping is answered with its payload; a message split into fragments, with a ping between
    // them, arrives whole.
    auto phone = std::move(sample);
    ASSERT_TRUE(phone->next_of("welcome"));
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    phone->send_frame(0x9, "halo?");
    phone->send_frame(0x1, R"({"type":"chat",)", false);
    phone->send_frame(0x9, "lagi");
    phone->send_frame(0x0, R"("text":"dari )", false);
    phone->send_frame(0x0, R"(potongan"})", true);
    auto chat = t->next_of("chat");
    ASSERT_TRUE(chat);
    EXPECT_EQ((*chat)["text"], "dari potongan");
    while (phone->pongs.size() < 2 && phone->next(std::chrono::milliseconds(500))) {
    }
    EXPECT_EQ(phone->pongs, (std::vector<std::string>{"halo?", "lagi"}));

    // Frame-level violations close with the RFC's codes: an unmasked frame 1002, text that is
    // not UTF-8 1007. The others stay connected.
    phone->send_raw(std::string("\x81\x02hi", 4));
    EXPECT_EQ(phone->wait_closed(), 1002);
    auto latin = connect(trainee_token(9));
    ASSERT_TRUE(latin->next_of("welcome"));
    latin->send_text("caf\xe9");
    EXPECT_EQ(latin->wait_closed(), 1007);
    EXPECT_TRUE(t->open());

    // A client that closes first gets its close echoed, then the server ends the TCP connection.
    auto leaving = connect(trainee_token(12));
    ASSERT_TRUE(leaving->next_of("welcome"));
    leaving->close(1000);
    EXPECT_EQ(leaving->close_code(), 1000);
    EXPECT_FALSE(leaving->open());
}

TEST_F(Live, ServesTheLiveProtocolOverTls) {
    start();
    const auto token = trainee_token(13);
    // The same database behind an HTTPS listener: the room is created again on the first join.
    ASSERT_EQ(server->stop(SIGTERM), 0);
    const auto cert = dir.file("cert.pem"), key = dir.file("key.pem");
    const auto gen =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
        " -out " + cert + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(gen.c_str()), 0);
    server = std::make_unique<server_process>(
        dir.file("t.db"), dir.file("web"),
        std::vector<std::string>{"--tls-cert", cert, "--tls-key", key});
    ASSERT_EQ(server->url().rfind("https://", 0), 0u);
    const std::string probe = std::string(DARING_SOURCE_DIR) + "/tests/support/tls_ws_probe.py";
    const std::string cmd = "timeout 20 /usr/bin/python3 " + probe + " " +
                            std::to_string(server->port()) + " " + live_path() + " " + token +
                            " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
    auto seen = json::parse(out, nullptr, false);
    ASSERT_TRUE(seen.is_object()) << out;
    EXPECT_EQ(seen["status"], 101);
    EXPECT_EQ(seen["accept_ok"], true);
    EXPECT_EQ(seen["types"][0], "welcome");
    EXPECT_EQ(seen["pongs"], json::array({"tls-ping"}));
    EXPECT_EQ(seen["close_code"], 1000);
    EXPECT_EQ(seen["eof_after_close"], true);
    // Under TLS every response tells browsers to stay on HTTPS.
    const std::string hsts =
        "timeout 20 /usr/bin/python3 -c 'import ssl, urllib.request; "
        "r = urllib.request.urlopen(\"https://127.0.0.1:" +
        std::to_string(server->port()) +
        "/healthz\", context=ssl._create_unverified_context()); "
        "print(r.headers.get(\"Strict-Transport-Security\"))' 2>&1";
    std::string hsts_out;
    FILE* h = ::popen(hsts.c_str(), "r");
    ASSERT_NE(h, nullptr);
    while (std::fgets(buf, sizeof buf, h)) hsts_out += buf;
    ::pclose(h);
    EXPECT_EQ(hsts_out, "max-age=31536000\n");
}

// The same, with the live idle timeout at its minimum: 2 s, a ping after 1 s of silence.
class LiveIdle : public Live {
  protected:
    LiveIdle() { server_args = {"--live-idle-timeout", "2"}; }
};

TEST_F(LiveIdle, PingsASilentClientAndDropsOneThatNeverAnswers) {
    start();
    auto answering = connect(trainee_token(1));
    ASSERT_TRUE(answering->next_of("welcome"));
    auto silent = connect(trainee_token(2));
    ASSERT_TRUE(silent->next_of("welcome"));
    // The answering client reads (and so answers pings) for 5 s; the silent one reads nothing.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < until)
        answering->next(std::chrono::milliseconds(100));
    EXPECT_TRUE(answering->open());
    EXPECT_GE(answering->pings, 2u);
    // The silent one finds the ping it never answered, then the end of the connection.
    EXPECT_EQ(silent->wait_closed(std::chrono::seconds(2)), 0);
    EXPECT_FALSE(silent->open());
    EXPECT_GE(silent->pings, 1u);
}

TEST_F(Live, WithdrawingATraineeOrEndingATrainersAssignmentClosesTheirSockets) {
    start();
    auto withdrawn = connect(trainee_token(14));
    ASSERT_TRUE(withdrawn->next_of("welcome"));
    auto staying = connect(trainee_token(15));
    ASSERT_TRUE(staying->next_of("welcome"));
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    auto trainee_id = admin->get("/api/v1/users?q=siswa14").json()[0]["id"].get<std::int64_t>();
    ASSERT_EQ(admin->del(training_path() + "/enrollments/" + std::to_string(trainee_id)).status,
              204);
    EXPECT_EQ(withdrawn->wait_closed(std::chrono::seconds(1)), 4003);
    EXPECT_EQ(connect(trainee_token(14))->status(), 403);  // and cannot come back
    auto trainer_id =
        admin->get("/api/v1/users?q=pelatih.live").json()[0]["id"].get<std::int64_t>();
    ASSERT_EQ(admin->del(training_path() + "/trainers/" + std::to_string(trainer_id)).status, 204);
    EXPECT_EQ(t->wait_closed(std::chrono::seconds(1)), 4003);
    EXPECT_TRUE(staying->open());
}

// Two live sockets per user: a third replaces the oldest.
class LiveCap : public Live {
  protected:
    LiveCap() { server_args = {"--live-sockets-per-user", "2"}; }
};

TEST_F(LiveCap, ANewerConnectionOfTheSameUserReplacesTheOldestBeyondTheCap) {
    start();
    const auto token = trainee_token(1);
    auto first = connect(token);
    ASSERT_TRUE(first->next_of("welcome"));
    auto second = connect(token);
    ASSERT_TRUE(second->next_of("welcome"));
    auto other_user = connect(trainee_token(2));
    ASSERT_TRUE(other_user->next_of("welcome"));
    auto third = connect(token);
    ASSERT_TRUE(third->next_of("welcome"));
    EXPECT_EQ(first->wait_closed(), 4009);
    EXPECT_TRUE(second->open());
    EXPECT_TRUE(other_user->open());
    // A socket that leaves frees its place: the next one replaces nobody.
    second->close(1000);
    auto fourth = connect(token);
    ASSERT_TRUE(fourth->next_of("welcome"));
    EXPECT_EQ(third->wait_closed(std::chrono::milliseconds(500)), 0);  // nothing closes it
    EXPECT_TRUE(third->open());
    EXPECT_TRUE(fourth->open());
}

TEST_F(Live, LogoutClosesThatUsersSocketsWithinASecond) {
    start();
    const auto token = trainee_token(5);
    auto phone = connect(token);
    ASSERT_TRUE(phone->next_of("welcome"));
    auto other = connect(trainee_token(6));
    ASSERT_TRUE(other->next_of("welcome"));
    api_client me(*http, token);
    ASSERT_EQ(me.post("/api/v1/auth/logout", json::object()).status, 204);
    EXPECT_EQ(phone->wait_closed(std::chrono::seconds(1)), 4001);
    EXPECT_TRUE(other->open());
}

TEST_F(Live, EndingTheSessionTellsEveryoneAndClosesTheSockets) {
    start();
    auto phone = connect(trainee_token(7));
    ASSERT_TRUE(phone->next_of("welcome"));
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    t->send_json({{"type", "end_session"}, {"id", "end"}});
    EXPECT_TRUE(phone->next_of("session_ended").has_value());
    EXPECT_EQ(phone->wait_closed(), 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto s = admin->get("/api/v1/sessions/" + std::to_string(session)).json();
    EXPECT_EQ(s["delivery"]["status"], "ended");
    EXPECT_EQ(connect(trainee_token(7))->status(), 409);
    EXPECT_EQ(trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                  .status,
              409);
    // An ended session keeps its plan and its delivery.
    auto patch = admin->patch("/api/v1/sessions/" + std::to_string(session), {{"title", "Ubah"}});
    EXPECT_EQ(patch.status, 409);
    EXPECT_EQ(patch.json()["error"]["code"], "session_frozen");
    auto override_after = admin->post("/api/v1/sessions/" + std::to_string(session) + "/delivery",
                                      {{"mode", "online"}, {"reason", "x"}});
    EXPECT_EQ(override_after.status, 409);
}

TEST_F(Live, StartAndEndBelongToAssignedTrainersAndAdmins) {
    const auto path = "/api/v1/sessions/" + std::to_string(session);
    api_client trainee(*http, trainee_token(8));
    EXPECT_EQ(trainee.post(path + "/start", json::object()).status, 403);
    EXPECT_EQ(trainer->post(path + "/end", json::object()).status, 409);  // not live yet
    start();
    EXPECT_EQ(trainer->post(path + "/start", json::object()).status, 409);  // already live
    auto phone = connect(trainee_token(8));
    ASSERT_TRUE(phone->next_of("welcome"));
    auto ended = admin->post(path + "/end", json::object());
    EXPECT_EQ(ended.status, 200);
    EXPECT_EQ(ended.json()["delivery"]["status"], "ended");
    EXPECT_TRUE(phone->next_of("session_ended").has_value());
    EXPECT_EQ(phone->wait_closed(), 1000);
}

TEST_F(Live, SigtermClosesSocketsWith1001AndExitsZero) {
    start();
    auto phone = connect(trainee_token(9));
    ASSERT_TRUE(phone->next_of("welcome"));
    std::thread stopper([&] { EXPECT_EQ(server->stop(SIGTERM), 0); });
    EXPECT_EQ(phone->wait_closed(), 1001);
    stopper.join();
}

TEST_F(Live, AStalledClientIsClosedWith4008AndNeverStallsTheRoom) {
    // Big slides, so a client that stops reading overflows its queue quickly.
    json slides = json::array();
    for (int i = 0; i < 15; ++i)
        slides.push_back(
            {{"title", "Besar " + std::to_string(i)}, {"body", std::string(60000, 'a' + i % 26)}});
    auto big = admin->post(training_path() + "/sessions", {{"title", "Sesi besar"},
                                                           {"starts_at", wib_time_from_today(2, 9)},
                                                           {"ends_at", wib_time_from_today(2, 11)},
                                                           {"slides", slides}});
    ASSERT_EQ(big.status, 201);
    session = big.json()["id"];
    start();
    auto stalled =
        std::make_unique<ws_client>(server->port(), live_path(),
                                    std::vector<std::pair<std::string, std::string>>{
                                        {"Authorization", "Bearer " + trainee_token(10)}},
                                    8192);
    ASSERT_TRUE(stalled->next_of("welcome"));
    auto reader = connect(trainee_token(11));
    ASSERT_TRUE(reader->next_of("welcome"));
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    constexpr int pushes =
        250;  // 250 x 60 KB = 15 MB: far beyond the 1 MiB queue and the kernel buffers (4 MB here)
    int received = 0;
    for (int i = 0; i < pushes; ++i) {
        t->send_json({{"type", "show_slide"}, {"index", i % 15}});
        // The reading trainee keeps up while the stalled one reads nothing.
        while (auto m = reader->next(std::chrono::milliseconds(received < i ? 200 : 1))) {
            if ((*m)["type"] == "slide") ++received;
        }
    }
    while (received < pushes) {
        auto m = reader->next(std::chrono::seconds(5));
        ASSERT_TRUE(m.has_value()) << "the room stalled after " << received << " slides";
        if ((*m)["type"] == "slide") ++received;
    }
    EXPECT_EQ(received, pushes);
    // The stalled client, reading at last, finds the close code that tells it to resume.
    EXPECT_EQ(stalled->wait_closed(std::chrono::seconds(8)), 4008)
        << stalled->skipped.size() << " messages in " << stalled->frames_received
        << " frames before the end";
    auto back = connect(trainee_token(10), 1);
    auto w = back->next_of("welcome");
    ASSERT_TRUE(w);
    EXPECT_EQ((*w)["slide"]["index"], (pushes - 1) % 15);
}

// A crash in the middle of a lesson: after the restart the room is rebuilt where it was (slide,
// chat without the deleted line, the open quiz with its deadline and the trainee's stored
// answer) and its seq continues past every seq a client saw.
TEST_F(Live, AKillMidSessionResumesTheSlideChatOpenQuizAndSeq) {
    auto q = trainer->post(
        training_path() + "/quizzes",
        {{"title", "Cek pemahaman"},
         {"kind", "practice"},
         {"questions", {{{"type", "true_false"}, {"prompt", "Label wajib?"}, {"correct", true}}}}});
    ASSERT_EQ(q.status, 201) << q.body;
    const std::int64_t quiz = q.json()["id"];
    const std::int64_t question = q.json()["questions"][0]["id"];
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    auto s = connect(trainee_token(7));
    ASSERT_TRUE(s->next_of("welcome"));
    std::uint64_t highest = 0;
    auto seen = [&](const std::optional<json>& m) {
        EXPECT_TRUE(m);
        if (m && m->contains("seq")) highest = std::max(highest, (*m)["seq"].get<std::uint64_t>());
        return m ? *m : json::object();
    };
    t->send_json({{"type", "show_slide"}, {"index", 2}, {"id", "s"}});
    seen(s->next_of("slide"));
    s->send_json({{"type", "chat"}, {"text", "tetap"}, {"id", "c1"}});
    const auto kept = seen(s->next_of("chat"));
    s->send_json({{"type", "chat"}, {"text", "dihapus"}, {"id", "c2"}});
    const auto gone = seen(s->next_of("chat"));
    t->send_json({{"type", "delete_chat"}, {"seq", gone["seq"]}, {"id", "d"}});
    seen(s->next_of("chat_deleted"));
    t->send_json({{"type", "open_quiz"}, {"quiz_id", quiz}, {"duration_s", 900}, {"id", "o"}});
    const auto opened = seen(s->next_of("quiz_opened"));
    s->send_json({{"type", "answer"},
                  {"id", "a1"},
                  {"quiz_id", quiz},
                  {"question_id", question},
                  {"answer", true}});
    ASSERT_TRUE(s->next_of("ack"));
    // The timeline is written once a second: wait out one flush, then crash.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    s.reset();
    t.reset();
    w.launch();
    auto back = connect(trainee_token(7));
    ASSERT_EQ(back->status(), 101);
    auto welcome = back->next_of("welcome");
    ASSERT_TRUE(welcome);
    EXPECT_EQ((*welcome)["slide"]["index"], 2);
    ASSERT_EQ((*welcome)["chat"].size(), 1u);
    EXPECT_EQ((*welcome)["chat"][0]["text"], "tetap");
    EXPECT_EQ((*welcome)["chat"][0]["seq"], kept["seq"]);
    ASSERT_FALSE((*welcome)["quiz"].is_null());
    EXPECT_EQ((*welcome)["quiz"]["quiz_id"], quiz);
    EXPECT_EQ((*welcome)["quiz"]["closes_at"], opened["closes_at"]);
    EXPECT_EQ((*welcome)["quiz"]["your_answers"][std::to_string(question)], true);
    EXPECT_GT((*welcome)["seq"].get<std::uint64_t>(), highest);
}

// Reactions over real sockets: 50 trainees react for three seconds (more than the per-user cap
// a second); every socket gets at most 2 `reactions` a second, trainees never see the signals,
// and the trainer's totals equal an independent count of what the server may count.
TEST_F(Live, ReactionsArriveAsTotalsAtMostTwiceASecondAndSignalsOnlyToTheTrainer) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    std::vector<std::unique_ptr<ws_client>> trainees;
    for (int i = 1; i <= 50; ++i) {
        trainees.push_back(connect(trainee_token(i)));
        ASSERT_TRUE(trainees.back()->next_of("welcome"));
    }
    constexpr int cap = 5;  // the server's reactions a user a second (room_limits)
    const auto began = std::chrono::steady_clock::now();
    for (int round = 0; round < 3; ++round) {
        for (auto& c : trainees) {
            // 7 a trainee this round: the server counts at most `cap` of them per second.
            for (int k = 0; k < 6; ++k) c->send_json({{"type", "react"}, {"kind", "clap"}});
            c->send_json({{"type", "react"}, {"kind", "too_fast"}});
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the last totals go out
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    // The trainer's totals.
    std::map<std::string, long> staff_total;
    int staff_messages = 0;
    while (auto m = t->next(std::chrono::milliseconds(200))) {
        if ((*m)["type"] != "reactions") continue;
        ++staff_messages;
        for (auto& [kind, n] : (*m)["counts"].items()) staff_total[kind] += n.get<long>();
    }
    for (const auto& m : t->skipped) {
        if (m["type"] != "reactions") continue;
        ++staff_messages;
        for (auto& [kind, n] : m["counts"].items()) staff_total[kind] += n.get<long>();
    }
    EXPECT_LE(staff_messages, 2 * seconds + 1) << "coalesced, not one message per reaction";
    // Each round's 6 claps of a trainee fall in one second (then `cap` count) or span two (up
    // to all 6); its one signal always counts.
    EXPECT_GE(staff_total["clap"], 50L * 3 * cap);
    EXPECT_LE(staff_total["clap"], 50L * 3 * 6);
    EXPECT_EQ(staff_total["too_fast"], 50L * 3) << "every trainee's signal reaches the trainer";
    for (auto& c : trainees) {
        int messages = 0;
        auto seen = [&](const nlohmann::json& m) {
            if (m["type"] != "reactions") return;
            ++messages;
            EXPECT_FALSE(m["counts"].contains("too_fast")) << "a signal reached a trainee";
        };
        while (auto m = c->next(std::chrono::milliseconds(20))) seen(*m);
        for (const auto& m : c->skipped) seen(m);
        EXPECT_GE(messages, 1);
        EXPECT_LE(messages, 2 * seconds + 1);
    }
}
