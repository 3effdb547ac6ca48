// Recordings against the real binary: a scripted live session (slides, chat with a deletion, a
// hand, the floor given and taken, 60 s of audio in real time) comes back as a timeline that
// matches the script, an Ogg Opus file an independent reader (opusinfo) accepts with the right
// length, exact Range answers, and access for every role.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "protocol/audio.hpp"
#include "tests/support/live_fixture.hpp"

using namespace daring::test;
using nlohmann::json;
namespace audio = daring::protocol::audio;

namespace {

// 40 ms of "Opus": CELT fullband 20 ms frames (TOC config 31), code 1 (two equal frames).
std::string packet_40ms(int i) {
    std::string frames = "pk" + std::to_string(i) + ":";
    frames.resize(60, static_cast<char>('a' + i % 26));  // two frames of 30 bytes
    return std::string(1, static_cast<char>(0xF9)) + frames;
}

class Recording : public live_fixture {
  protected:
    std::string recording_path() const {
        return "/api/v1/sessions/" + std::to_string(session) + "/recording";
    }
    http_result get_as(const std::string& token, const std::string& path,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
        headers.emplace_back("Authorization", "Bearer " + token);
        return http->request("GET", path, headers);
    }
};

void start_audio(ws_client& trainer) {
    trainer.send_json({{"type", "audio_start"},
                       {"codec", "opus"},
                       {"sample_rate", 48000},
                       {"channels", 1},
                       {"frame_ms", 40},
                       {"bitrate", 16000},
                       {"id", "a"}});
    ASSERT_TRUE(trainer.next_of("ack"));
}

// Calls `each(i)` for i in [from, to), one every 40 ms (real time, as a speaker sends).
void paced(int from, int to, const std::function<void(int)>& each) {
    const auto began = std::chrono::steady_clock::now();
    for (int i = from; i < to; ++i) {
        each(i);
        std::this_thread::sleep_until(began + std::chrono::milliseconds(40) * (i - from + 1));
    }
}

// Runs `opusinfo` on the file; its output, or empty when it is missing or failed.
std::string opusinfo(const std::string& path) {
    std::string out;
    if (FILE* p = ::popen(("opusinfo " + path + " 2>&1").c_str(), "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        if (::pclose(p) != 0) return "failed: " + out;
    }
    return out;
}

}  // namespace

TEST_F(Recording, AScriptedSessionComesBackAsItsTimelineAndAnOggFileOfTheRightLength) {
    start();
    const auto trainee = trainee_token(1);
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    auto s = connect(trainee);
    auto sw = s->next_of("welcome");
    ASSERT_TRUE(sw);
    const std::int64_t trainee_id = (*sw)["you"]["user_id"];
    // Before the session ends the recording is still being made, without audio.
    auto during = get_as(trainee, recording_path());
    ASSERT_EQ(during.status, 200) << during.body;
    EXPECT_EQ(during.json()["status"], "recording");
    EXPECT_TRUE(during.json()["audio"].is_null());

    t->send_json({{"type", "show_slide"}, {"index", 1}});
    s->send_json({{"type", "chat"}, {"text", "halo semua"}, {"id", "c1"}});
    ASSERT_TRUE(s->next_of("ack"));
    s->send_json({{"type", "chat"}, {"text", "salah kirim"}, {"id", "c2"}});
    auto wrong = s->next_of("chat");
    while (wrong && (*wrong)["text"] != "salah kirim") wrong = s->next_of("chat");
    ASSERT_TRUE(wrong);
    t->send_json({{"type", "delete_chat"}, {"seq", (*wrong)["seq"]}});
    s->send_json({{"type", "hand"}, {"up", true}});
    start_audio(*t);
    // 6 s of audio: the slide change, the floor given and taken back all fall inside it (a
    // longer run proves nothing more; the server refuses audio faster than real time).
    constexpr int packets = 150;
    constexpr int slide_at = 60, floor_at = 90, trainee_from = 92, trainee_to = 122;
    paced(0, packets, [&](int i) {
        if (i == slide_at) t->send_json({{"type", "show_slide"}, {"index", 2}});
        if (i == floor_at) t->send_json({{"type", "give_floor"}, {"user_id", trainee_id}});
        auto& speaker = i >= trainee_from && i < trainee_to ? *s : *t;
        if (i == trainee_to) t->send_json({{"type", "take_floor"}});
        speaker.send_frame(0x2, audio::speaker_message(40, packet_40ms(i)));
    });
    // The end comes over HTTP, beside the socket: once the server acks a last message of the
    // trainer's, everything the trainer sent before it (the floor taken back, the last packets)
    // was handled, however far behind a loaded machine runs.
    t->send_json({{"type", "audio_subscribe"}, {"on", true}, {"id", "last"}});
    auto last = t->next_of("ack");
    while (last && (*last)["id"] != "last") last = t->next_of("ack");
    ASSERT_TRUE(last);
    ASSERT_EQ(trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                  .status,
              200);

    // Ready once the end is in the stored timeline (written as the room ends). On a loaded
    // machine the write can lag past the 5 s after which an end counts as settled anyway: then
    // the end follows shortly.
    json rec;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
        auto r = get_as(trainee, recording_path());
        ASSERT_EQ(r.status, 200) << r.body;
        rec = r.json();
        if (rec["status"] == "ready" && !rec["events"].empty() &&
            rec["events"].back()["type"] == "session_ended")
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(rec["status"], "ready");
    std::vector<json> slides, chats, states;
    for (const auto& e : rec["events"]) {
        EXPECT_TRUE(e.contains("at_ms"));
        EXPECT_NE(e["type"], "hand") << "hands are for staff";
        EXPECT_NE(e["type"], "presence");
        if (e["type"] == "slide") slides.push_back(e);
        if (e["type"] == "chat") chats.push_back(e);
        if (e["type"] == "audio_state") states.push_back(e);
    }
    ASSERT_EQ(slides.size(), 2u);
    EXPECT_EQ(slides[0]["index"], 1);
    EXPECT_EQ(slides[1]["index"], 2);
    // The second slide came `slide_at` packets of 40 ms after audio started; the clock of the
    // start is whole seconds, so allow one second either way.
    const auto audio_on = states.front()["at_ms"].get<std::int64_t>();
    EXPECT_NEAR(slides[1]["at_ms"].get<std::int64_t>() - audio_on, slide_at * 40, 1'000);
    ASSERT_EQ(chats.size(), 2u);
    EXPECT_EQ(chats[0]["text"], "halo semua");
    EXPECT_EQ(chats[1]["deleted"], true);
    EXPECT_FALSE(chats[1].contains("text"));
    ASSERT_EQ(states.size(), 3u);  // on, floor given, floor taken back
    EXPECT_EQ(states[1]["speaker"]["user_id"], trainee_id);
    EXPECT_EQ(rec["events"].back()["type"], "session_ended") << rec["events"].dump();
    // Staff see the hand.
    auto staff_view = get_as(trainer_token, recording_path()).json();
    bool hand = false;
    for (const auto& e : staff_view["events"]) hand = hand || e["type"] == "hand";
    EXPECT_TRUE(hand);

    // The audio: Ogg Opus that an independent reader accepts, as long as the audio span.
    ASSERT_TRUE(rec["audio"].is_object());
    auto file = get_as(trainee, rec["audio"]["url"]);
    ASSERT_EQ(file.status, 200);
    EXPECT_EQ(file.header("content-type"), "audio/ogg");
    EXPECT_EQ(file.body.size(), rec["audio"]["bytes"].get<std::size_t>());
    EXPECT_EQ(file.body.substr(0, 4), "OggS");
    const auto path = dir.file("recording.opus");
    std::ofstream(path, std::ios::binary) << file.body;
    const auto info = opusinfo(path);
    ASSERT_FALSE(info.empty()) << "opusinfo is missing (Debian opus-tools)";
    ASSERT_EQ(info.rfind("failed", 0), std::string::npos) << info;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(info, m, std::regex(R"(Playback length: (\d+)m:(\d+)\.(\d+)s)")))
        << info;
    const double seconds = std::stoi(m[1]) * 60 + std::stod(m[2].str() + "." + m[3].str());
    // The span: from the session's start to the end of the last packet.
    const double span_ms = audio_on + packets * 40.0;
    EXPECT_NEAR(seconds * 1000, span_ms, 1'100) << info;  // audio_on itself is within 1 s
    EXPECT_NEAR(seconds * 1000, rec["audio"]["duration_ms"].get<double>(), 100) << info;
    EXPECT_GE(rec["duration_ms"].get<double>(), rec["audio"]["duration_ms"].get<double>());

    // Range: exactly the bytes asked for.
    auto head = get_as(trainee, rec["audio"]["url"], {{"Range", "bytes=0-99"}});
    EXPECT_EQ(head.status, 206);
    EXPECT_EQ(head.body, file.body.substr(0, 100));
    EXPECT_EQ(head.header("content-range"), "bytes 0-99/" + std::to_string(file.body.size()));
    auto tail = get_as(trainee, rec["audio"]["url"], {{"Range", "bytes=-10"}});
    EXPECT_EQ(tail.status, 206);
    EXPECT_EQ(tail.body, file.body.substr(file.body.size() - 10));
    auto past = get_as(trainee, rec["audio"]["url"],
                       {{"Range", "bytes=" + std::to_string(file.body.size()) + "-"}});
    EXPECT_EQ(past.status, 416);
    EXPECT_EQ(past.header("content-range"), "bytes */" + std::to_string(file.body.size()));
    EXPECT_EQ(json::parse(past.body)["error"]["code"], "range_not_satisfiable");
    auto cached = get_as(trainee, rec["audio"]["url"], {{"If-None-Match", file.header("etag")}});
    EXPECT_EQ(cached.status, 304);

    // The offline file: the player, the timeline, the slides and the audio in one page, at most
    // 1.4x the audio plus the slides' text plus 60 kB.
    auto offline = get_as(trainee, rec["offline_url"]);
    ASSERT_EQ(offline.status, 200);
    EXPECT_EQ(offline.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(offline.header("content-disposition").find("attachment"), std::string::npos);
    std::size_t slides_text = 0;
    for (const char* s : {"S0", "S1", "S2", "S3"}) slides_text += std::string(s).size() * 2;
    EXPECT_LE(offline.body.size(), file.body.size() * 14 / 10 + slides_text + 60 * 1024)
        << offline.body.size() << " bytes for " << file.body.size() << " of audio";
    EXPECT_NE(offline.body.find("data:audio/ogg;base64,T2dnUw"), std::string::npos);  // "OggS"
    // The session says its recording is ready (the home page offers it then).
    const auto listed = get_as(trainee, "/api/v1/sessions/" + std::to_string(session));
    EXPECT_EQ(listed.json()["recording_ready"], true) << listed.body;
    // Its length is known without it (HEAD), as the home page shows it.
    auto offline_head =
        http->request("HEAD", rec["offline_url"], {{"Authorization", "Bearer " + trainee}});
    EXPECT_EQ(offline_head.status, 200);
    EXPECT_EQ(offline_head.header("content-length"), std::to_string(offline.body.size()));
    EXPECT_NE(offline.body.find("halo semua"), std::string::npos);
    EXPECT_EQ(offline.body.find("salah kirim"), std::string::npos);  // deleted stays deleted
}

TEST_F(Recording, OnlyMembersSeeItAndOnlyStaffDeleteIt) {
    // Before the session went live there is no recording.
    EXPECT_EQ(get_as(trainee_token(1), recording_path()).status, 404);
    start();
    {
        auto t = connect(trainer_token);
        ASSERT_TRUE(t->next_of("welcome"));
        t->send_json({{"type", "show_slide"}, {"index", 1}, {"id", "s"}});
        ASSERT_TRUE(t->next_of("ack"));
    }
    // A trainee of another training, an outsider: 404; nobody signed in: 401.
    EXPECT_EQ(get_as(login_token(*http, "outsider", world::password), recording_path()).status,
              404);
    EXPECT_EQ(http->request("GET", recording_path()).status, 401);
    EXPECT_EQ(get_as(trainee_token(2), recording_path()).status, 200);
    EXPECT_EQ(get_as(trainer_token, recording_path()).status, 200);
    EXPECT_EQ(admin->get(recording_path()).status, 200);
    // A chat line cannot break out of the offline page's script.
    {
        auto s = connect(trainee_token(2));
        ASSERT_TRUE(s->next_of("welcome"));
        s->send_json({{"type", "chat"}, {"text", "</script><script>alert(1)</script>"}, {"id", 1}});
        ASSERT_TRUE(s->next_of("ack"));
    }
    EXPECT_EQ(get_as(trainee_token(2), recording_path() + "/offline").status, 404);  // live still
    ASSERT_EQ(trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                  .status,
              200);
    http_result offline;
    for (int i = 0; i < 60; ++i) {
        offline = get_as(trainee_token(2), recording_path() + "/offline");
        if (offline.status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(offline.status, 200);
    EXPECT_EQ(offline.body.find("</script><script>alert"), std::string::npos);
    EXPECT_NE(offline.body.find("<\\/script><script>alert"), std::string::npos);
    EXPECT_NE(offline.body.find("Rekaman ini tanpa suara"), std::string::npos);  // no audio
    EXPECT_EQ(get_as(login_token(*http, "outsider", world::password), recording_path() + "/offline")
                  .status,
              404);
    // A trainee cannot delete it; the trainer can, once.
    const std::vector<std::pair<std::string, std::string>> as_trainee{
        {"Authorization", "Bearer " + trainee_token(2)}};
    EXPECT_EQ(http->request("DELETE", recording_path(), as_trainee).status, 403);
    EXPECT_EQ(trainer->del(recording_path()).status, 204);
    EXPECT_EQ(get_as(trainee_token(2), recording_path()).status, 404);
    EXPECT_EQ(admin->get(recording_path()).status, 404);
    EXPECT_EQ(trainer->del(recording_path()).status, 404);
    auto audit = admin->get("/api/v1/audit").json();
    bool logged = false;
    for (const auto& e : audit) logged = logged || e["action"] == "recording.delete";
    EXPECT_TRUE(logged);
}

// Replay progress (played ranges, merged, bounded by time) reaches the attendance report
// apart from presence; a trainee hides their chat lines from the recording and its offline file.
TEST_F(Recording, ReplayProgressIsCountedAndATraineeHidesTheirChat) {
    const auto t0 = static_cast<std::int64_t>(std::time(nullptr));
    server->stop(SIGTERM);
    w.set_clock(t0);  // the server reads time from the test's clock from now on
    w.launch({});
    trainer = std::make_unique<api_client>(*http, trainer_token);  // on the new connection
    start();
    {
        auto a = connect(trainee_token(2));
        auto b = connect(trainee_token(3));
        ASSERT_TRUE(a->next_of("welcome"));
        ASSERT_TRUE(b->next_of("welcome"));
        a->send_json({{"type", "chat"}, {"text", "Nomor saya 0812-5555-0101"}, {"id", 1}});
        ASSERT_TRUE(a->next_of("ack"));
        b->send_json({{"type", "chat"}, {"text", "Terima kasih"}, {"id", 2}});
        ASSERT_TRUE(b->next_of("ack"));
    }
    const auto progress = recording_path() + "/progress";
    const auto mine = trainee_token(3);
    auto report = [&](std::int64_t position_ms, bool playing) {
        return json_request(*http, "POST", progress,
                            {{"position_ms", position_ms}, {"playing", playing}}, mine);
    };
    EXPECT_EQ(report(0, true).status, 409);  // still live
    w.set_clock(t0 + 600);                   // a ten-minute session
    ASSERT_EQ(trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                  .status,
              200);
    for (int i = 0; i < 50; ++i) {  // the room's last events reach the stored timeline
        if (get_as(mine, recording_path()).body.find("session_ended") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    w.set_clock(t0 + 700);
    // Bad reports are refused with the field named; outsiders get 404.
    auto bad =
        json_request(*http, "POST", progress, {{"position_ms", -1}, {"playing", true}}, mine);
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()["error"]["field"], "position_ms");
    bad = json_request(*http, "POST", progress, {{"position_ms", 5}}, mine);
    EXPECT_EQ(bad.json()["error"]["field"], "playing");
    EXPECT_EQ(json_request(*http, "POST", progress, {{"position_ms", 0}, {"playing", true}},
                           login_token(*http, "outsider", world::password))
                  .status,
              404);
    // Nobody signed in: 401; an outsider cannot hide chat in a recording they cannot see.
    EXPECT_EQ(http->request("POST", progress).status, 401);
    EXPECT_EQ(http->request("PUT", recording_path() + "/my-chat").status, 401);
    EXPECT_EQ(json_request(*http, "PUT", recording_path() + "/my-chat", {{"hidden", true}},
                           login_token(*http, "outsider", world::password))
                  .status,
              404);
    // The offline file's size is known without the file (HEAD), as the home page shows it.
    auto head =
        http->request("HEAD", recording_path() + "/offline", {{"Authorization", "Bearer " + mine}});
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    const auto whole = get_as(mine, recording_path() + "/offline");
    EXPECT_EQ(head.header("content-length"), std::to_string(whole.body.size()));
    // Two minutes played, then the same minute again, then a forward jump while paused.
    ASSERT_EQ(report(0, true).status, 200);
    w.set_clock(t0 + 820);
    EXPECT_EQ(report(120'000, false).json()["seconds_replayed"], 120);
    ASSERT_EQ(report(60'000, true).status, 200);
    w.set_clock(t0 + 880);
    EXPECT_EQ(report(120'000, false).json()["seconds_replayed"], 120);
    EXPECT_EQ(report(500'000, true).json()["seconds_replayed"], 120);
    // A report claiming nine minutes after ten seconds counts at most 2x the time plus 2 s.
    // The time counts from each report's arrival: the test clock stands still while a report
    // waits in the server's queue, so a wait of up to a second shortens the ten seconds.
    w.set_clock(t0 + 890);
    const int replayed = report(599'000, false).json()["seconds_replayed"];
    EXPECT_LE(replayed, 120 + 22);
    EXPECT_GE(replayed, 120 + 20);
    const auto attendance =
        admin->get("/api/v1/reports/sessions/" + std::to_string(session) + "/attendance").json();
    for (const auto& r : attendance["rows"]) {
        const bool me = r["user_id"] == w.user_id(trainee_name(3));
        EXPECT_EQ(r["seconds_replayed"], me ? replayed : 0) << r.dump();
        EXPECT_EQ(r["attended_by_replay"], false);  // this training does not count replay
    }
    EXPECT_EQ(get_as(mine, recording_path()).json()["mine"]["seconds_replayed"], replayed);
    EXPECT_EQ(get_as(mine, recording_path()).json()["mine"]["position_ms"], 599'000);

    // The author hides their lines: gone from the timeline and the offline file for everyone.
    const auto author = trainee_token(2);
    auto refused =
        json_request(*http, "PUT", recording_path() + "/my-chat", {{"hidden", "ya"}}, author);
    EXPECT_EQ(refused.status, 422);
    EXPECT_EQ(refused.json()["error"]["field"], "hidden");
    ASSERT_EQ(json_request(*http, "PUT", recording_path() + "/my-chat", {{"hidden", true}}, author)
                  .status,
              200);
    for (const auto& token : {author, mine, trainer_token}) {
        auto rec = get_as(token, recording_path());
        EXPECT_EQ(rec.body.find("0812"), std::string::npos);
        EXPECT_NE(rec.body.find("Terima kasih"), std::string::npos);
        int hidden = 0;
        const auto timeline = rec.json();
        for (const auto& e : timeline["events"]) hidden += e.value("hidden", false);
        EXPECT_EQ(hidden, 1) << rec.body;
    }
    EXPECT_TRUE(get_as(author, recording_path()).json()["mine"]["chat_hidden"]);
    auto offline = get_as(mine, recording_path() + "/offline");
    ASSERT_EQ(offline.status, 200);
    EXPECT_EQ(offline.body.find("0812"), std::string::npos);
    // Shown again when they change their mind.
    ASSERT_EQ(json_request(*http, "PUT", recording_path() + "/my-chat", {{"hidden", false}}, author)
                  .status,
              200);
    EXPECT_NE(get_as(mine, recording_path()).body.find("0812"), std::string::npos);
}

TEST_F(Recording, RecordingsPastTheirRetentionAreDeletedAtTheNextSweep) {
    start();
    {
        auto t = connect(trainer_token);
        ASSERT_TRUE(t->next_of("welcome"));
        t->send_json({{"type", "show_slide"}, {"index", 1}, {"id", "s"}});
        ASSERT_TRUE(t->next_of("ack"));
    }
    ASSERT_EQ(trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                  .status,
              200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the timeline is written
    ASSERT_EQ(get_as(trainee_token(3), recording_path()).status, 200);
    // Two days later, with one day of retention: the sweep at start deletes it.
    server->stop(SIGTERM);
    w.set_clock(std::time(nullptr) + 2 * 24 * 3600);
    w.launch({"--recording-retention-days", "1"});
    EXPECT_EQ(get_as(trainee_token(3), recording_path()).status, 404);
    bool logged = false;
    for (const auto& e : admin->get("/api/v1/audit").json())
        logged = logged || (e["action"] == "recording.expire" &&
                            e["target"] == "session:" + std::to_string(session));
    EXPECT_TRUE(logged);
}

// A crash in the middle of the session: what was heard before it stays in the recording (but
// the last flush interval), and the recording goes on after the restart.
TEST_F(Recording, ARecordingSurvivesAKillAndContinuesAfterTheRestart) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    start_audio(*t);
    auto speak = [](ws_client& c, int from, int to) {
        paced(from, to,
              [&](int i) { c.send_frame(0x2, audio::speaker_message(40, packet_40ms(i))); });
    };
    speak(*t, 0, 50);
    t->send_json({{"type", "show_slide"}, {"index", 1}, {"id", "before"}});
    ASSERT_TRUE(t->next_of("ack"));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // one flush of the journal
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    t.reset();
    w.launch();
    auto t2 = connect(w.token("pelatih.live"));
    ASSERT_TRUE(t2->next_of("welcome"));
    speak(*t2, 50, 100);
    t2->send_json({{"type", "show_slide"}, {"index", 2}, {"id", "after"}});
    ASSERT_TRUE(t2->next_of("ack"));
    w.as("pelatih.live")
        .post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object());
    json rec = json::object();
    for (int i = 0; i < 50 && rec.value("status", "") != "ready"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        rec = get_as(trainee_token(4), recording_path()).json();
    }
    ASSERT_EQ(rec["status"], "ready");
    std::vector<int> slides;
    for (const auto& e : rec["events"])
        if (e["type"] == "slide") slides.push_back(e["index"]);
    EXPECT_EQ(slides, (std::vector<int>{1, 2}));
    ASSERT_TRUE(rec["audio"].is_object());
    // Both halves are in the audio: 100 packets of 40 ms, and the silence of the restart.
    EXPECT_GE(rec["audio"]["duration_ms"].get<int>(), 100 * 40);
    auto file = get_as(trainee_token(4), rec["audio"]["url"]);
    ASSERT_EQ(file.status, 200);
    const auto path = dir.file("after-kill.opus");
    std::ofstream(path, std::ios::binary) << file.body;
    const auto info = opusinfo(path);
    EXPECT_EQ(info.rfind("failed", 0), std::string::npos) << info;
    for (int i : {0, 49, 50, 99})
        EXPECT_NE(file.body.find(packet_40ms(i).substr(1)), std::string::npos) << "packet " << i;
}
