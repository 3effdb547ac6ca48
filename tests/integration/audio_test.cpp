// The audio lane over real WebSockets against the real binary: fan-out, the droppable lane on a
// stalled socket, the data saver, the floor, audio state in welcome and resume, and a crash.
#include "protocol/audio.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/support/audio_client.hpp"
#include "tests/support/live_fixture.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

std::uint64_t metric(http_client& http, const std::string& name) {
    auto body = http.request("GET", "/metrics").body;
    auto at = body.find("\n" + name + " ");
    if (at == std::string::npos) return 0;
    return std::stoull(body.substr(at + name.size() + 2));
}

class Audio : public live_fixture {
  protected:
    // The trainer connected with audio on; returns the trainer's socket.
    std::unique_ptr<ws_client> trainer_speaking() {
        start();
        auto t = connect(trainer_token);
        EXPECT_TRUE(t->next_of("welcome"));
        t->send_json(audio_start());
        EXPECT_TRUE(t->next_of("audio_state"));
        return t;
    }
    std::unique_ptr<ws_client> listener(int i) {
        auto c = connect(trainee_token(i));
        EXPECT_TRUE(c->next_of("welcome"));
        return c;
    }
};

}  // namespace

// 40 ms frames in real time to 50 trainees, each reading on its own thread.
TEST_F(Audio, FiftyTraineesReceiveEveryPacketExactlyOnceInOrderWithIncreasingStamps) {
    auto t = trainer_speaking();
    std::vector<std::unique_ptr<ws_client>> trainees;
    for (int i = 1; i <= trainee_count; ++i) trainees.push_back(listener(i));
    // 6 s of audio paced in real time (the server refuses it faster): every listener's stream is
    // checked record by record, which a longer run would only repeat.
    constexpr int packets = 150;
    std::vector<std::vector<audio::record>> heard(trainees.size());
    std::vector<std::thread> readers;
    for (std::size_t i = 0; i < trainees.size(); ++i) {
        readers.emplace_back(
            [&, i] { heard[i] = read_records(*trainees[i], packets, std::chrono::seconds(90)); });
    }
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < packets; ++i) {
        send_packet(*t, i);
        std::this_thread::sleep_until(began + audio_frame * (i + 1));
    }
    for (auto& r : readers) r.join();
    EXPECT_TRUE(t->binaries.empty() || records_of(*t).empty());  // never its own audio back
    for (std::size_t i = 0; i < heard.size(); ++i) {
        const auto& got = heard[i];
        ASSERT_EQ(got.size(), static_cast<std::size_t>(packets)) << "trainee " << i + 1;
        EXPECT_EQ(got.front().flags, audio::flag_discontinuity);
        for (int k = 0; k < packets; ++k) {
            ASSERT_EQ(got[k].packet, fake_packet(k)) << "trainee " << i + 1 << " record " << k;
            if (k == 0) continue;
            ASSERT_EQ(got[k].seq, got[k - 1].seq + 1) << "trainee " << i + 1;
            ASSERT_GT(got[k].at_ms, got[k - 1].at_ms) << "trainee " << i + 1;
            ASSERT_EQ(got[k].flags, 0) << "trainee " << i + 1;
        }
    }
}

// A phone that stops reading (a small receive window, so the kernel cannot hide the backlog)
// keeps its connection: old audio is dropped for it, text events are not, and once it reads
// again it finds a gap in audio_seq without a discontinuity.
TEST_F(Audio, AStalledListenerLosesOldAudioButNeverItsConnectionOrItsTextEvents) {
    auto t = trainer_speaking();
    auto reader = listener(1);
    auto stalled = std::make_unique<ws_client>(server->port(), live_path(),
                                               std::vector<std::pair<std::string, std::string>>{
                                                   {"Authorization", "Bearer " + trainee_token(2)}},
                                               4096);
    ASSERT_TRUE(stalled->next_of("welcome"));
    const auto dropped_before = metric(*http, "daring_audio_records_dropped_total");
    // 4 s of audio in 1,000-byte packets, 100 kB for the stalled one: it ends up with about 37
    // (a second's in the server's queue, the rest in the sockets' buffers), the rest dropped.
    constexpr int packets = 100;
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < packets; ++i) {
        send_packet(*t, i, 1000);
        if (i == packets / 2) t->send_json({{"type", "show_slide"}, {"index", 3}});
        std::this_thread::sleep_until(began + audio_frame * (i + 1));
        reader->wait_binaries(reader->binaries.size() + 1, std::chrono::milliseconds(1));
    }
    auto all = read_records(*reader, packets, std::chrono::seconds(10));
    ASSERT_EQ(all.size(), static_cast<std::size_t>(packets));
    const auto last_seq = all.back().seq;

    // Reading at last: the newest audio arrives, some in between is gone.
    std::vector<audio::record> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((got.empty() || got.back().seq != last_seq) &&
           std::chrono::steady_clock::now() < deadline) {
        stalled->wait_binaries(stalled->binaries.size() + 1, std::chrono::milliseconds(500));
        got = records_of(*stalled);
    }
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got.back().seq, last_seq);
    EXPECT_LT(got.size(), static_cast<std::size_t>(packets)) << "nothing was dropped";
    bool gap = false;
    for (std::size_t k = 1; k < got.size(); ++k) {
        EXPECT_GT(got[k].seq, got[k - 1].seq);
        if (got[k].seq != got[k - 1].seq + 1) gap = true;
        EXPECT_EQ(got[k].flags, 0);  // a drop is not a discontinuity
    }
    EXPECT_TRUE(gap);
    EXPECT_TRUE(stalled->open());
    EXPECT_EQ(stalled->close_code(), 0);
    bool slide = false;
    for (const auto& m : stalled->skipped) slide = slide || m["type"] == "slide";
    if (!slide) slide = stalled->next_of("slide", std::chrono::seconds(2)).has_value();
    EXPECT_TRUE(slide) << "the text event was lost with the audio";
    EXPECT_GT(metric(*http, "daring_audio_records_dropped_total"), dropped_before);
}

TEST_F(Audio, TheDataSaverStopsAudioToThatSocketAndResumesWithTheNextPacket) {
    auto t = trainer_speaking();
    auto reference = listener(1);
    auto saver = listener(2);
    saver->send_json({{"type", "audio_subscribe"}, {"on", false}, {"id", "hemat"}});
    auto ack = saver->next_of("ack");
    ASSERT_TRUE(ack);
    EXPECT_EQ((*ack)["id"], "hemat");
    for (int i = 0; i < 10; ++i) send_packet(*t, i);
    ASSERT_EQ(read_records(*reference, 10, std::chrono::seconds(5)).size(), 10u);
    saver->wait_binaries(1, std::chrono::milliseconds(500));
    EXPECT_TRUE(saver->binaries.empty());
    saver->send_json({{"type", "audio_subscribe"}, {"on", true}, {"id", "dengar"}});
    ASSERT_TRUE(saver->next_of("ack"));
    send_packet(*t, 10);
    auto got = read_records(*saver, 1, std::chrono::seconds(5));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].packet, fake_packet(10));
}

// The trainee page connects with ?audio=off: no audio byte reaches it until it subscribes (the
// tap on "listen"), and a reconnect with ?audio=off stays silent.
TEST_F(Audio, ASocketOpenedWithAudioOffGetsNoAudioUntilItSubscribes) {
    auto t = trainer_speaking();
    auto reference = listener(1);
    ws_client quiet(server->port(), live_path() + "?audio=off",
                    {{"Authorization", "Bearer " + trainee_token(2)}});
    ASSERT_EQ(quiet.status(), 101);
    ASSERT_TRUE(quiet.next_of("welcome"));
    for (int i = 0; i < 10; ++i) send_packet(*t, i);
    ASSERT_EQ(read_records(*reference, 10, std::chrono::seconds(5)).size(), 10u);
    quiet.wait_binaries(1, std::chrono::milliseconds(500));
    EXPECT_TRUE(quiet.binaries.empty());
    quiet.send_json({{"type", "audio_subscribe"}, {"on", true}, {"id", "dengar"}});
    ASSERT_TRUE(quiet.next_of("ack"));
    send_packet(*t, 10);
    auto got = read_records(quiet, 1, std::chrono::seconds(5));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].packet, fake_packet(10));
}

TEST_F(Audio, TheFloorIsGivenUsedByTheTraineeTakenBackAndRefusedToOthers) {
    auto t = trainer_speaking();
    auto asker = listener(1);
    auto other = listener(2);
    const auto asker_id = [&] {
        auto me = login_token(*http, trainee_name(1), world::password);
        return api_client(*http, me).get("/api/v1/me").json()["id"].get<std::int64_t>();
    }();
    asker->send_json({{"type", "hand"}, {"up", true}});
    ASSERT_TRUE(t->next_of("hand"));
    t->send_json({{"type", "give_floor"}, {"user_id", 999999}, {"id", "x"}});
    auto refused = t->next_of("error");
    ASSERT_TRUE(refused);
    EXPECT_EQ((*refused)["field"], "user_id");
    t->send_json({{"type", "give_floor"}, {"user_id", asker_id}, {"id", "g"}});
    auto given = other->next_of("audio_state");
    ASSERT_TRUE(given);
    EXPECT_EQ((*given)["speaker"]["user_id"], asker_id);
    ASSERT_TRUE(asker->next_of("audio_state"));

    for (int i = 0; i < 5; ++i) send_packet(*asker, i);
    auto heard = read_records(*other, 5, std::chrono::seconds(5));
    ASSERT_EQ(heard.size(), 5u);
    EXPECT_EQ(heard[0].flags, audio::flag_discontinuity);  // a new speaker
    EXPECT_EQ(read_records(*t, 5, std::chrono::seconds(5)).size(), 5u);
    send_packet(*t, 99);
    auto not_speaker = t->next_of("error");
    ASSERT_TRUE(not_speaker);
    EXPECT_EQ((*not_speaker)["code"], "not_speaker");

    t->send_json({{"type", "take_floor"}, {"id", "t"}});
    auto taken = asker->next_of("audio_state");
    ASSERT_TRUE(taken);
    EXPECT_EQ((*taken)["speaker"]["name"], "Pelatih Live");
    send_packet(*asker, 100);
    auto refused_now = asker->next_of("error");
    ASSERT_TRUE(refused_now);
    EXPECT_EQ((*refused_now)["code"], "not_speaker");
    EXPECT_TRUE(asker->binaries.empty());  // it never heard its own audio
}

TEST_F(Audio, LateJoinersAndResumedClientsLearnTheAudioState) {
    start();
    auto t = connect(trainer_token);
    ASSERT_TRUE(t->next_of("welcome"));
    auto early = listener(1);
    auto welcome_before = connect(trainee_token(2))->next_of("welcome");
    ASSERT_TRUE(welcome_before);
    EXPECT_TRUE((*welcome_before)["audio"].is_null());
    t->send_json(audio_start(12000));
    auto on = early->next_of("audio_state");
    ASSERT_TRUE(on);
    EXPECT_EQ((*on)["bitrate"], 12000);
    const std::uint64_t seen = (*on)["seq"];
    early->drop();
    t->send_json({{"type", "audio_stop"}});
    ASSERT_TRUE(t->next_of("audio_state"));
    auto resumed = connect(trainee_token(1), seen);
    auto w = resumed->next_of("welcome");
    ASSERT_TRUE(w);
    EXPECT_EQ((*w)["resumed"], true);
    auto off = resumed->next_of("audio_state");
    ASSERT_TRUE(off) << "the missed audio_state is replayed";
    EXPECT_EQ((*off)["on"], false);
    t->send_json(audio_start());
    ASSERT_TRUE(t->next_of("audio_state"));
    auto late = connect(trainee_token(3))->next_of("welcome");
    ASSERT_TRUE(late);
    EXPECT_EQ((*late)["audio"]["on"], true);
    EXPECT_EQ((*late)["audio"]["bitrate"], 16000);
    EXPECT_EQ((*late)["audio"]["speaker"]["name"], "Pelatih Live");
}

// A crash while the trainer speaks: after the restart audio is still on, the trainer still
// holds the floor, and audio_seq continues past every seq a listener heard, marked as a
// discontinuity, never stamped before what was heard.
TEST_F(Audio, AKillWhileSpeakingResumesAudioStateAndContinuesPastEverySeqHeard) {
    auto t = trainer_speaking();
    auto s = listener(7);
    // In real time: a burst of more than a second would be dropped for the listener (as it
    // should: the droppable lane keeps the present).
    auto speak = [&](int from, int to) {
        const auto began = std::chrono::steady_clock::now();
        for (int i = from; i < to; ++i) {
            send_packet(*t, i);
            std::this_thread::sleep_until(began + audio_frame * (i - from + 1));
        }
    };
    speak(0, 30);
    auto before = read_records(*s, 30, std::chrono::seconds(5));
    ASSERT_EQ(before.size(), 30u);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // one journal flush
    speak(30, 40);                                                 // heard, perhaps not yet stored
    before = read_records(*s, 40, std::chrono::seconds(5));
    ASSERT_EQ(before.size(), 40u);
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    s.reset();
    t.reset();
    w.launch();
    auto t2 = connect(trainer_token);
    auto tw = t2->next_of("welcome");
    ASSERT_TRUE(tw);
    EXPECT_EQ((*tw)["audio"]["on"], true);
    EXPECT_EQ((*tw)["audio"]["speaker"]["name"], "Pelatih Live");
    auto s2 = listener(7);
    send_packet(*t2, 40);
    auto after = read_records(*s2, 1, std::chrono::seconds(5));
    ASSERT_EQ(after.size(), 1u);
    EXPECT_GT(after[0].seq, before.back().seq);
    EXPECT_EQ(after[0].flags, audio::flag_discontinuity);
    // Never before what listeners heard, stored or not.
    EXPECT_GE(after[0].at_ms, before.back().at_ms + before.back().duration_ms);
}

// The timeline and the audio count from the same moment to the millisecond: a slide shown right
// after a known packet sits at that packet's end in the recording (the Ogg file's time is the
// stamps' time: silences are filled; events are never stamped before the audio sent before them).
TEST_F(Audio, ASlideShownAtAKnownAudioMomentLinesUpWithinFiftyMilliseconds) {
    auto t = trainer_speaking();
    auto s = listener(3);
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < 75; ++i) {
        send_packet(*t, i);
        if (i == 40) t->send_json({{"type", "show_slide"}, {"index", 2}});
        std::this_thread::sleep_until(began + audio_frame * (i + 1));
    }
    auto heard = read_records(*s, 75, std::chrono::seconds(5));
    ASSERT_EQ(heard.size(), 75u);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // one journal flush
    ASSERT_EQ(trainer->post(world::session_path(session) + "/end", json::object()).status, 200);
    json events;
    for (int i = 0; i < 40 && events.empty(); ++i) {
        auto rec = trainer->get(world::session_path(session) + "/recording").json();
        for (const auto& e : rec["events"])
            if (e["type"] == "slide" && e["index"] == 2) events.push_back(e);
        if (events.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(events.size(), 1u);
    // The slide was sent right after packet 40 and before packet 41: listeners got it after
    // packet 40, so the recording places it no earlier than packet 40's end (even when the
    // packets came in a burst and their stamps ran ahead of the clock), and within 50 ms of it.
    const auto slide_at = events[0]["at_ms"].get<std::int64_t>();
    const auto packet_start = static_cast<std::int64_t>(heard[40].at_ms);
    const auto packet_end = packet_start + heard[40].duration_ms;
    EXPECT_GE(slide_at, packet_end) << "slide at " << slide_at << " ms, packet 40 spans "
                                    << packet_start << "-" << packet_end << " ms";
    EXPECT_LE(slide_at - packet_end, 50) << "slide at " << slide_at << " ms, packet 40 spans "
                                         << packet_start << "-" << packet_end << " ms";
}
