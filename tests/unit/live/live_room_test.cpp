#include "server/live/live_room.hpp"

#include <gtest/gtest.h>

#include "protocol/audio.hpp"
#include "tests/support/fake_participant.hpp"

using namespace daring::server;
using daring::protocol::json;
using daring::protocol::role;
using daring::test::fake_participant;

namespace {

room_info three_slides() {
    return {7,
            "Sesi 1",
            daring::protocol::delivery_mode::online,
            {{"Pembukaan", "Selamat datang"}, {"Materi", "Isi"}, {"Penutup", "Terima kasih"}}};
}

const live_member trainer{1, "Rina Kartika", role::trainer};
live_member trainee(std::int64_t id) {
    return {id, "Peserta " + std::to_string(id), role::trainee};
}

}  // namespace

// A fresh room as most tests of this suite start from, first seq 1000.
class LiveRoom : public ::testing::Test {
  protected:
    live_room room{three_slides(), 1000};
};

TEST_F(LiveRoom, WelcomesANewcomerWithACompleteSnapshot) {
    auto t = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    const auto& w = t->received.front();
    EXPECT_EQ(w["type"], "welcome");
    EXPECT_EQ(w["session_id"], 7);
    EXPECT_EQ(w["role"], "trainer");
    EXPECT_EQ(w["status"], "live");
    EXPECT_EQ(w["mode"], "online");
    EXPECT_EQ(w["slide"]["index"], 0);
    EXPECT_EQ(w["slide"]["title"], "Pembukaan");
    EXPECT_EQ(w["slide"]["count"], 3);
    EXPECT_TRUE(w["quiz"].is_null());
    EXPECT_EQ(w["online"], 1);
    EXPECT_EQ(w["resumed"], false);
    EXPECT_TRUE(w.contains("participants"));
}

TEST_F(LiveRoom, BroadcastsSlidesInOrderWithIncreasingSeqAndOneSharedBuffer) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    auto b = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.join(b, trainee(3), std::nullopt, 0);
    room.receive(t.get(), R"({"type":"show_slide","index":1,"id":"s1"})", 0);
    room.receive(t.get(), R"({"type":"show_slide","index":2})", 0);
    auto slides = a->of_type("slide");
    ASSERT_EQ(slides.size(), 2u);
    EXPECT_EQ(slides[0]["index"], 1);
    EXPECT_EQ(slides[1]["index"], 2);
    EXPECT_LT(slides[0]["seq"].get<std::uint64_t>(), slides[1]["seq"].get<std::uint64_t>());
    // The same serialised buffer went to every trainee.
    auto slide_ptr = [](const fake_participant& p, int index) {
        for (std::size_t i = 0; i < p.received.size(); ++i)
            if (p.received[i]["type"] == "slide" && p.received[i]["index"] == index)
                return p.raw[i].get();
        return static_cast<const std::string*>(nullptr);
    };
    EXPECT_EQ(slide_ptr(*a, 1), slide_ptr(*b, 1));
    EXPECT_EQ(t->of_type("ack").front()["id"], "s1");
    EXPECT_EQ(room.current_slide(), 2);
}

TEST_F(LiveRoom, ResumeReplaysExactlyTheMissedEvents) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.receive(t.get(), R"({"type":"show_slide","index":1})", 0);
    const auto seen = a->of_type("slide").back()["seq"].get<std::uint64_t>();
    room.leave(a.get(), 0);
    room.receive(t.get(), R"({"type":"show_slide","index":2})", 0);
    room.receive(t.get(), R"({"type":"chat","text":"Ada pertanyaan?"})", 0);
    auto back = std::make_shared<fake_participant>();
    room.join(back, trainee(2), seen, 0);
    ASSERT_GE(back->received.size(), 3u);
    EXPECT_EQ(back->received[0]["resumed"], true);
    EXPECT_EQ(back->received[1]["type"], "slide");
    EXPECT_EQ(back->received[1]["index"], 2);
    EXPECT_EQ(back->received[2]["type"], "chat");
    for (std::size_t i = 1; i < back->received.size(); ++i) {
        if (back->received[i]["type"] == "attendance") continue;  // personal, not an event
        EXPECT_GT(back->received[i]["seq"].get<std::uint64_t>(), seen);
    }
}

TEST(LiveRoomRing, GivesAFreshSnapshotWhenTheRingNoLongerReaches) {
    room_limits small;
    small.ring_capacity = 2;
    live_room room(three_slides(), 1000, small);
    auto t = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    const auto before = room.seq();
    for (int i = 0; i < 5; ++i) room.receive(t.get(), R"({"type":"show_slide","index":1})", 0);
    auto late = std::make_shared<fake_participant>();
    room.join(late, trainee(5), before, 0);
    EXPECT_EQ(late->received[0]["resumed"], false);
    EXPECT_EQ(late->of_type("slide").size(), 0u);  // no replay, the snapshot is enough
    EXPECT_EQ(late->received[0]["slide"]["index"], 1);
    // A seq from another room (or before a restart) is never "resumed".
    auto stranger = std::make_shared<fake_participant>();
    room.join(stranger, trainee(6), room.seq() + 100, 0);
    EXPECT_EQ(stranger->received[0]["resumed"], false);
}

TEST(LiveRoomRing, ResumeAtTheBoundaryOfTheRing) {
    room_limits small;
    small.ring_capacity = 3;
    live_room room(three_slides(), 1000, small);
    auto t = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    for (int i = 0; i < 6; ++i) room.receive(t.get(), R"({"type":"show_slide","index":2})", 0);
    // The ring holds the last 3 seqs: resuming from just before the oldest works, one earlier does
    // not.
    const auto newest = room.seq();
    auto edge = std::make_shared<fake_participant>();
    room.join(edge, trainee(2), newest - 3, 0);
    EXPECT_EQ(edge->received[0]["resumed"], true);
    EXPECT_EQ(edge->of_type("slide").size(), 3u);
    auto beyond = std::make_shared<fake_participant>();
    room.join(beyond, trainee(3), newest - 4, 0);
    EXPECT_EQ(beyond->received[0]["resumed"], false);
    auto current = std::make_shared<fake_participant>();
    room.join(current, trainee(4), newest, 0);
    EXPECT_EQ(current->received[0]["resumed"], true);
    EXPECT_TRUE(current->of_type("slide").empty());
}

TEST_F(LiveRoom, RefusesTrainerMessagesFromTraineesAndKeepsThemConnected) {
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 0);
    for (auto text : {R"({"type":"show_slide","index":1,"id":7})", R"({"type":"end_session"})",
                      R"({"type":"mute","user_id":3})", R"({"type":"delete_chat","seq":1})"}) {
        EXPECT_EQ(room.receive(a.get(), text, 0), live_room::outcome::none);
    }
    auto errors = a->of_type("error");
    ASSERT_EQ(errors.size(), 4u);
    for (const auto& e : errors) EXPECT_EQ(e["code"], "forbidden");
    EXPECT_EQ(errors[0]["id"], 7);
    EXPECT_EQ(a->closed_code, 0);
    EXPECT_EQ(room.current_slide(), 0);
}

TEST_F(LiveRoom, AnswersBadMessagesWithCodesAndClosesRepeatedAbuseWith1008) {
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 0);
    room.receive(a.get(), "not json", 0);
    room.receive(a.get(), R"({"type":"teleport"})", 0);
    room.receive(a.get(), R"({"type":"chat"})", 0);
    room.receive(a.get(), std::string(70 * 1024, ' '), 0);
    auto errors = a->of_type("error");
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0]["code"], "malformed_json");
    EXPECT_EQ(errors[1]["code"], "unknown_type");
    EXPECT_EQ(errors[2]["code"], "missing_field");
    EXPECT_EQ(errors[3]["code"], "message_too_large");
    EXPECT_EQ(a->closed_code, 0);
    for (int i = 0; i < 46; ++i) room.receive(a.get(), "{", 1);
    EXPECT_EQ(a->closed_code, close_policy);
}

TEST_F(LiveRoom, ForgivesOldMistakesOutsideTheAbuseWindow) {
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 0);
    for (int i = 0; i < 49; ++i) room.receive(a.get(), "{", 0);
    for (int i = 0; i < 10; ++i) room.receive(a.get(), "{", 20);
    EXPECT_EQ(a->closed_code, 0);
}

TEST_F(LiveRoom, ShowsPresenceNamesOnlyToTrainers) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 100);
    room.join(a, trainee(2), std::nullopt, 100);
    room.tick(110);
    auto staff_view = t->of_type("presence").back();
    auto trainee_view = a->of_type("presence").back();
    EXPECT_EQ(staff_view["online"], 2);
    EXPECT_EQ(trainee_view["online"], 2);
    ASSERT_EQ(staff_view["participants"].size(), 2u);
    for (const auto& p : staff_view["participants"])
        EXPECT_EQ(p["staff"], p["user_id"] == 1);  // the trainer is marked
    EXPECT_FALSE(trainee_view.contains("participants"));
    EXPECT_FALSE(a->received[0].contains("participants"));  // nor in the trainee's welcome
    EXPECT_EQ(staff_view["seq"], trainee_view["seq"]);
}

TEST_F(LiveRoom, CoalescesPresenceWhenManyJoinAtOnce) {
    auto t = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 100);
    std::vector<std::shared_ptr<fake_participant>> crowd;
    for (int i = 0; i < 200; ++i) {
        crowd.push_back(std::make_shared<fake_participant>());
        room.join(crowd.back(), trainee(100 + i), std::nullopt, 100);
    }
    room.tick(101);
    room.tick(103);
    EXPECT_LE(t->of_type("presence").size(), 2u);
    EXPECT_EQ(t->of_type("presence").back()["online"], 201);
}

TEST_F(LiveRoom, HandsGoToTrainersAndTheRaiserIsAcked) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    auto b = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.join(b, trainee(3), std::nullopt, 0);
    room.receive(a.get(), R"({"type":"hand","up":true,"id":"h1"})", 0);
    ASSERT_EQ(t->of_type("hand").size(), 1u);
    EXPECT_EQ(t->of_type("hand")[0]["user_id"], 2);
    EXPECT_TRUE(b->of_type("hand").empty());
    EXPECT_EQ(a->of_type("ack").back()["id"], "h1");
}

TEST_F(LiveRoom, RateLimitsChatAndLetsTrainersDeleteAndMute) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    for (int i = 0; i < 6; ++i) room.receive(a.get(), R"({"type":"chat","text":"halo"})", 0);
    EXPECT_EQ(t->of_type("chat").size(), 5u);
    EXPECT_EQ(a->of_type("error").back()["code"], "rate_limited");
    const auto first = t->of_type("chat").front()["seq"].get<std::uint64_t>();
    room.receive(t.get(), R"({"type":"delete_chat","seq":)" + std::to_string(first) + "}", 0);
    EXPECT_EQ(a->of_type("chat_deleted").back()["chat_seq"], first);
    room.receive(t.get(), R"({"type":"mute","user_id":2})", 0);
    EXPECT_EQ(a->of_type("muted").back()["user_id"], 2);
    room.receive(a.get(), R"({"type":"chat","text":"masih bisa?"})", 30);
    EXPECT_EQ(a->of_type("error").back()["code"], "muted");
    std::string long_text(600, 'x');
    room.receive(t.get(), R"({"type":"chat","text":")" + long_text + "\"}", 30);
    EXPECT_EQ(t->of_type("error").back()["field"], "text");
    auto late = std::make_shared<fake_participant>();
    room.join(late, trainee(3), std::nullopt, 30);
    EXPECT_EQ(late->received[0]["chat"].size(), 4u);  // 5 sent, 1 deleted
}

TEST_F(LiveRoom, ASlowConsumerIsEvictedWithoutStallingTheOthers) {
    auto t = std::make_shared<fake_participant>();
    auto fast = std::make_shared<fake_participant>();
    auto slow = std::make_shared<fake_participant>(3);
    slow->stalled = true;
    room.join(t, trainer, std::nullopt, 0);
    room.join(fast, trainee(2), std::nullopt, 0);
    room.join(slow, trainee(3), std::nullopt, 0);
    for (int i = 0; i < 10; ++i) room.receive(t.get(), R"({"type":"show_slide","index":1})", 0);
    EXPECT_EQ(slow->closed_code, close_slow_consumer);
    EXPECT_EQ(fast->of_type("slide").size(), 10u);
    room.leave(slow.get(), 0);
    EXPECT_EQ(room.connections(), 2u);
}

TEST_F(LiveRoom, EndingBroadcastsSessionEndedAndClosesEveryone) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    EXPECT_EQ(room.receive(t.get(), R"({"type":"end_session","id":"e"})", 0),
              live_room::outcome::end_requested);
    room.end(close_normal, 0);
    EXPECT_EQ(a->of_type("session_ended").size(), 1u);
    EXPECT_EQ(a->closed_code, close_normal);
    EXPECT_TRUE(room.ended());
}

TEST_F(LiveRoom, AnnouncesModeChanges) {
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 0);
    room.change_mode(daring::protocol::delivery_mode::hybrid, "ruang kelas dibuka kembali");
    EXPECT_EQ(a->of_type("mode_changed").back()["mode"], "hybrid");
}

TEST_F(LiveRoom, RefusesASlideIndexBeyondTheDeck) {
    auto t = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.receive(t.get(), R"({"type":"show_slide","index":3})", 0);
    EXPECT_EQ(t->of_type("error").back()["code"], "invalid_field");
    EXPECT_EQ(room.current_slide(), 0);
}

TEST_F(LiveRoom, DeferredDeliveryHoldsABurstUntilTheFlushThenSendsItInOrder) {
    room.set_deferred_delivery(true);
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.flush();
    const auto before = a->received.size();
    for (int i : {1, 2, 0})
        room.receive(t.get(), R"({"type":"show_slide","index":)" + std::to_string(i) + "}", 0);
    EXPECT_EQ(a->received.size(), before);  // nothing yet
    EXPECT_TRUE(room.has_pending());
    room.flush();
    auto slides = a->of_type("slide");
    ASSERT_EQ(slides.size(), 3u);
    EXPECT_EQ(slides[0]["index"], 1);
    EXPECT_EQ(slides[2]["index"], 0);
    // A newcomer during a pending burst gets it through the snapshot, not twice.
    room.receive(t.get(), R"({"type":"show_slide","index":1})", 0);
    auto late = std::make_shared<fake_participant>();
    room.join(late, trainee(3), std::nullopt, 0);
    room.flush();
    EXPECT_EQ(late->received[0]["slide"]["index"], 1);
    EXPECT_TRUE(late->of_type("slide").empty());
    EXPECT_EQ(a->of_type("slide").size(), 4u);
}

namespace {

// Records what a room writes about presence, as the database would hold it.
class fake_sink : public presence_sink {
  public:
    struct interval {
        std::int64_t user_id = 0;
        bool visible = true;
        std::int64_t started_at = 0;
        std::int64_t last_seen = 0;
        std::optional<std::int64_t> ended_at;
    };
    std::int64_t open(std::int64_t session_id, std::int64_t user_id, bool visible,
                      daring::protocol::unix_seconds at) override {
        EXPECT_EQ(session_id, 7);
        intervals.push_back({user_id, visible, at, at, std::nullopt});
        return static_cast<std::int64_t>(intervals.size());
    }
    void seen(std::int64_t id, daring::protocol::unix_seconds at) override {
        intervals.at(id - 1).last_seen = at;
    }
    void close(std::int64_t id, daring::protocol::unix_seconds at) override {
        auto& i = intervals.at(id - 1);
        EXPECT_FALSE(i.ended_at) << "closed twice";
        i.ended_at = at;
    }
    void flush() override {}
    std::vector<interval> intervals;
};

room_info timed_room() {
    auto info = three_slides();
    info.window = {0, 3600};
    info.thresholds = {75, 15 * 60};
    return info;
}

}  // namespace

// A fresh room as most tests of this suite start from, first seq 1000.
class LiveRoomPresence : public ::testing::Test {
  protected:
    live_room room{timed_room(), 1000};
};

TEST_F(LiveRoomPresence, IntervalsFollowJoinHeartbeatsVisibilityAndLeave) {
    fake_sink sink;
    room.set_presence_sink(&sink);
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 100);
    room.receive(a.get(), R"({"type":"heartbeat","visible":true})", 120);
    room.receive(a.get(), R"({"type":"hand","up":true})", 130);  // any message counts
    room.receive(a.get(), R"({"type":"heartbeat","visible":false})", 140);
    room.receive(a.get(), R"({"type":"heartbeat","visible":false})", 160);
    room.receive(a.get(), R"({"type":"heartbeat","visible":true})", 200);
    room.leave(a.get(), 230);
    ASSERT_EQ(sink.intervals.size(), 3u);
    EXPECT_EQ(sink.intervals[0].visible, true);
    EXPECT_EQ(sink.intervals[0].started_at, 100);
    EXPECT_EQ(sink.intervals[0].last_seen, 130);
    EXPECT_EQ(sink.intervals[0].ended_at, 140);
    EXPECT_EQ(sink.intervals[1].visible, false);
    EXPECT_EQ(sink.intervals[1].started_at, 140);
    EXPECT_EQ(sink.intervals[1].last_seen, 160);
    EXPECT_EQ(sink.intervals[1].ended_at, 200);
    EXPECT_EQ(sink.intervals[2].visible, true);
    EXPECT_EQ(sink.intervals[2].ended_at, 230);
    // 40 s + 30 s shown, 60 s hidden.
    const auto view = room.attendance_of(2, 230);
    EXPECT_EQ(view.presence.seconds_present, 70);
    EXPECT_EQ(view.presence.seconds_away, 60);
    EXPECT_EQ(view.presence.first_join, 100);
}

TEST(LiveRoomPresenceWithLimits, ASilentConnectionEndsAtItsLastMessage) {
    room_limits limits;
    limits.presence_stale_after = 60;
    live_room room(timed_room(), 1000, limits);
    fake_sink sink;
    room.set_presence_sink(&sink);
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 100);
    room.receive(a.get(), R"({"type":"heartbeat"})", 120);
    room.leave(a.get(), 500);  // noticed long after it went quiet
    EXPECT_EQ(sink.intervals.at(0).ended_at, 120);
    auto b = std::make_shared<fake_participant>();
    room.join(b, trainee(3), std::nullopt, 100);
    room.receive(b.get(), R"({"type":"heartbeat"})", 120);
    room.leave(b.get(), 150);  // within the grace: ends when it left
    EXPECT_EQ(sink.intervals.at(1).ended_at, 150);
}

TEST_F(LiveRoomPresence, ReconnectsMergeWithPriorPresenceAndStaffAreNotTracked) {
    fake_sink sink;
    room.set_presence_sink(&sink);
    auto t = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    EXPECT_TRUE(sink.intervals.empty());
    prior_attendance prior;
    prior.visible = {{0, 1000}};  // before a restart
    auto a1 = std::make_shared<fake_participant>();
    auto a2 = std::make_shared<fake_participant>();
    room.join(a1, trainee(2), std::nullopt, 900, prior);
    room.join(a2, trainee(2), std::nullopt, 950, prior);  // a second tab: prior is not added twice
    room.leave(a1.get(), 1200);
    // Union: [0,1000) + [900,1200) + [950, now=2800) -> [0, 2800).
    auto view = room.attendance_of(2, 2800);
    EXPECT_EQ(view.presence.seconds_present, 2800);
    EXPECT_EQ(view.status, attendance_status::present);  // 2800 >= 75% of 3600
    view = room.attendance_of(2, 2000);
    EXPECT_EQ(view.presence.seconds_present, 2000);
    EXPECT_EQ(view.status, attendance_status::partial);
    EXPECT_EQ(room.attendance_of(99, 2000).status, attendance_status::absent);
}

TEST(LiveRoomPresenceWithLimits, TraineesGetTheirFigureEveryMinuteAndTrainersTheRoster) {
    room_limits limits;
    limits.attendance_interval = 60;
    limits.roster_interval = 10;
    live_room room(timed_room(), 1000, limits);
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    ASSERT_EQ(a->of_type("attendance").size(), 1u);  // right after the welcome
    for (int s = 1; s <= 125; ++s) room.tick(s);
    auto figures = a->of_type("attendance");
    ASSERT_EQ(figures.size(), 3u);  // at 0, 60, 120
    EXPECT_EQ(figures[1]["seconds_present"], 60);
    EXPECT_EQ(figures[2]["seconds_present"], 120);
    EXPECT_EQ(figures[2]["status"], "partial");
    EXPECT_TRUE(a->of_type("roster").empty());
    auto rosters = t->of_type("roster");
    ASSERT_GE(rosters.size(), 12u);
    const auto& last = rosters.back()["participants"];
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0]["user_id"], 2);
    EXPECT_EQ(last[0]["online"], true);
    EXPECT_EQ(last[0]["seconds_present"], 120);
    EXPECT_TRUE(t->of_type("attendance").empty());
}

// A trainee's connections that are due together get one figure, computed once (it reads every
// interval of the trainee; a load test's thousands of sockets on one account made it quadratic).
TEST(LiveRoomPresenceWithLimits, ATraineesConnectionsDueTogetherShareOneFigure) {
    room_limits limits;
    limits.attendance_interval = 60;
    live_room room(timed_room(), 1000, limits);
    std::vector<std::shared_ptr<fake_participant>> tabs;
    for (int i = 0; i < 3; ++i) {
        tabs.push_back(std::make_shared<fake_participant>());
        room.join(tabs.back(), trainee(2), std::nullopt, 0);
    }
    auto other = std::make_shared<fake_participant>();
    room.join(other, trainee(3), std::nullopt, 0);
    for (int s = 1; s <= 60; ++s) room.tick(s);
    const auto last_figure = [](const fake_participant& p) {
        for (auto it = p.raw.rbegin(); it != p.raw.rend(); ++it)
            if (it->get()->find("\"attendance\"") != std::string::npos) return it->get();
        return static_cast<const std::string*>(nullptr);
    };
    const auto* shared = last_figure(*tabs[0]);
    ASSERT_NE(shared, nullptr);
    EXPECT_EQ(tabs[0]->of_type("attendance").back()["seconds_present"], 60);
    for (const auto& tab : tabs) EXPECT_EQ(last_figure(*tab), shared) << "one buffer";
    EXPECT_NE(last_figure(*other), shared) << "each trainee their own figure";
    EXPECT_EQ(other->of_type("attendance").back()["seconds_present"], 60);
}

TEST_F(LiveRoomPresence, EndingTheSessionClosesEveryInterval) {
    fake_sink sink;
    room.set_presence_sink(&sink);
    auto a = std::make_shared<fake_participant>();
    auto b = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 10);
    room.join(b, trainee(3), std::nullopt, 20);
    room.receive(b.get(), R"({"type":"heartbeat"})", 40);
    room.end(close_normal, 50);
    ASSERT_EQ(sink.intervals.size(), 2u);
    EXPECT_EQ(sink.intervals[0].ended_at, 50);
    EXPECT_EQ(sink.intervals[1].ended_at, 50);
    room.leave(a.get(), 60);  // the socket's own close arrives later: nothing changes
    EXPECT_EQ(sink.intervals[0].ended_at, 50);
}

namespace {

// Records answers as the writer would and lets the test decide when each commit lands.
class fake_quiz_sink : public quiz_sink {
  public:
    struct recorded {
        std::int64_t run_id, user_id, question_id;
        json answer;
        std::string client_id;
        std::function<void(bool)> done;
    };
    void record(std::int64_t run_id, std::int64_t user_id, std::int64_t question_id,
                const json& answer, const std::string& client_id, daring::protocol::unix_seconds,
                std::function<void(bool)> done) override {
        answers.push_back({run_id, user_id, question_id, answer, client_id, std::move(done)});
    }
    void closed(std::int64_t quiz_id, std::int64_t run_id,
                daring::protocol::unix_seconds at) override {
        closed_quiz = quiz_id;
        closed_run = run_id;
        closed_at = at;
    }
    std::vector<recorded> answers;
    std::int64_t closed_quiz = 0, closed_run = 0, closed_at = 0;
};

daring::protocol::quiz two_questions() {
    daring::protocol::quiz q;
    q.id = 40;
    q.title = "Kuis pembukuan";
    q.kind = daring::protocol::quiz_kind::pre_test;
    q.questions.push_back(
        {401, daring::protocol::question_type::single, "Kas?", {"a", "b", "c"}, 1, 0, 2});
    q.questions.push_back(
        {402, daring::protocol::question_type::true_false, "Aset?", {}, true, 0, 1});
    return q;
}

std::string answer_msg(const std::string& id, std::int64_t quiz, std::int64_t question,
                       const std::string& value) {
    return R"({"type":"answer","id":")" + id + R"(","quiz_id":)" + std::to_string(quiz) +
           R"(,"question_id":)" + std::to_string(question) + R"(,"answer":)" + value + "}";
}

// A room with a trainer, two trainees and the quiz open (as the hub does after the lookup).
struct quiz_room {
    live_room room{timed_room(), 1000};
    fake_quiz_sink sink;
    std::shared_ptr<fake_participant> t = std::make_shared<fake_participant>();
    std::shared_ptr<fake_participant> a = std::make_shared<fake_participant>();
    std::shared_ptr<fake_participant> b = std::make_shared<fake_participant>();
    // Opened at 100 s for 60 s; the stored run closes at `stored_closes_at`.
    explicit quiz_room(daring::protocol::unix_seconds stored_closes_at = 160) {
        room.set_quiz_sink(&sink);
        room.join(t, trainer, std::nullopt, 0);
        room.join(a, trainee(2), std::nullopt, 0);
        room.join(b, trainee(3), std::nullopt, 0);
        EXPECT_EQ(
            room.receive(t.get(), R"({"type":"open_quiz","id":"o","quiz_id":40,"duration_s":60})",
                         100),
            live_room::outcome::quiz_requested);
        auto r = room.take_quiz_request();
        EXPECT_TRUE(r.has_value());
        EXPECT_EQ(r->quiz_id, 40);
        EXPECT_EQ(r->duration_s, 60);
        room.open_quiz(*r, two_questions(), 9, stored_closes_at);
        room.flush();
    }
    void commit_all() {
        for (auto& r : sink.answers)
            if (r.done) std::exchange(r.done, nullptr)(true);
    }
};

}  // namespace

// The quiz room above for every quiz test.
class LiveRoomQuiz : public ::testing::Test {
  protected:
    quiz_room q;
};

TEST_F(LiveRoomQuiz, OnlyTrainersOpenAQuizAndTraineesNeverSeeTheAnswers) {
    q.room.receive(q.a.get(), R"({"type":"open_quiz","id":"x","quiz_id":40,"duration_s":60})", 100);
    EXPECT_EQ(q.a->of_type("error").back()["code"], "forbidden");
    const auto opened = q.a->of_type("quiz_opened");
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_EQ(opened[0]["duration_s"], 60);
    EXPECT_EQ(opened[0]["closes_at"], daring::protocol::format_rfc3339(160));
    for (const auto& question : opened[0]["questions"]) EXPECT_FALSE(question.contains("correct"));
    const auto staff = q.t->of_type("quiz_opened");
    ASSERT_EQ(staff.size(), 1u);
    EXPECT_EQ(staff[0]["questions"][0]["correct"], 1);
    EXPECT_EQ(q.t->of_type("ack").back()["id"], "o");
    // A second quiz while one is open is refused.
    q.room.receive(q.t.get(), R"({"type":"open_quiz","id":"o2","quiz_id":41,"duration_s":60})",
                   101);
    EXPECT_EQ(q.t->of_type("error").back()["code"], "quiz_already_open");
}

TEST_F(LiveRoomQuiz, AcksAnAnswerOnlyAfterTheCommitAndNotWhenItFailed) {
    q.room.receive(q.a.get(), answer_msg("a1", 40, 401, "2"), 110);
    q.room.flush();
    ASSERT_EQ(q.sink.answers.size(), 1u);
    EXPECT_EQ(q.sink.answers[0].run_id, 9);
    EXPECT_EQ(q.sink.answers[0].user_id, 2);
    EXPECT_EQ(q.sink.answers[0].answer, 2);
    EXPECT_TRUE(q.a->of_type("ack").empty()) << "acked before the commit";
    q.commit_all();
    ASSERT_EQ(q.a->of_type("ack").size(), 1u);
    EXPECT_EQ(q.a->of_type("ack")[0]["id"], "a1");
    q.room.receive(q.a.get(), answer_msg("a2", 40, 402, "true"), 111);
    std::exchange(q.sink.answers.back().done, nullptr)(false);
    EXPECT_EQ(q.a->of_type("error").back()["code"], "not_stored");
    EXPECT_EQ(q.a->of_type("ack").size(), 1u);
}

TEST_F(LiveRoomQuiz, RefusesAnswersThatDoNotFitWithCodes) {
    q.room.receive(q.a.get(), answer_msg("w1", 41, 401, "0"), 110);
    EXPECT_EQ(q.a->of_type("error").back()["code"], "wrong_quiz");
    q.room.receive(q.a.get(), answer_msg("w2", 40, 999, "0"), 110);
    EXPECT_EQ(q.a->of_type("error").back()["code"], "unknown_question");
    q.room.receive(q.a.get(), answer_msg("w3", 40, 401, "3"), 110);  // three options: 0..2
    EXPECT_EQ(q.a->of_type("error").back()["code"], "invalid_answer");
    q.room.receive(q.a.get(), answer_msg("w4", 40, 402, "\"ya\""), 110);
    EXPECT_EQ(q.a->of_type("error").back()["code"], "invalid_answer");
    EXPECT_TRUE(q.sink.answers.empty());
    EXPECT_EQ(q.a->closed_code, 0);
}

TEST_F(LiveRoomQuiz, TheLastAnswerCountsAndAResentIdIsNotAppliedTwice) {
    q.room.receive(q.a.get(), answer_msg("a1", 40, 401, "0"), 110);
    q.room.receive(q.a.get(), answer_msg("a2", 40, 401, "1"), 111);
    q.room.receive(q.a.get(), answer_msg("a1", 40, 401, "0"), 112);  // resent after a reconnect
    q.room.receive(q.b.get(), answer_msg("b1", 40, 401, "2"), 112);
    q.commit_all();
    EXPECT_EQ(q.a->of_type("ack").size(), 3u);  // the resend is acked again
    q.room.flush_tally();
    auto tally = q.t->of_type("quiz_tally");
    ASSERT_EQ(tally.size(), 1u);
    EXPECT_EQ(tally[0]["answered"], 2);
    EXPECT_EQ(tally[0]["counts"]["401"], json({0, 1, 1}));
    EXPECT_TRUE(q.a->of_type("quiz_tally").empty());
    q.room.flush_tally();  // nothing new: no second tally
    EXPECT_EQ(q.t->of_type("quiz_tally").size(), 1u);
    q.room.close_quiz(130);
    q.room.flush();
    EXPECT_EQ(q.sink.closed_quiz, 40);
    EXPECT_EQ(q.sink.closed_run, 9);
    EXPECT_EQ(q.sink.closed_at, 130);
    const auto closed = q.a->of_type("quiz_closed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0]["results"][0]["counts"], json({0, 1, 1}));
    EXPECT_FALSE(closed[0]["results"][0].contains("correct"));
    EXPECT_EQ(q.t->of_type("quiz_closed")[0]["results"][0]["share_correct"], 0.5);
    const auto mine = q.a->of_type("quiz_score");  // a: the last answer (1, right)
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0]["score"], 2.0);
    EXPECT_EQ(mine[0]["max_score"], 3);
    const auto theirs = q.b->of_type("quiz_score");  // b: 2, wrong
    ASSERT_EQ(theirs.size(), 1u);
    EXPECT_EQ(theirs[0]["score"], 0.0);
    EXPECT_EQ(theirs[0]["answered"], true);
    EXPECT_TRUE(q.t->of_type("quiz_score").empty());
}

TEST_F(LiveRoomQuiz, ClosesByItselfWhenTheTimeRunsOutAndRefusesLateAnswers) {
    q.room.receive(q.a.get(), answer_msg("a1", 40, 401, "1"), 110);
    q.room.tick(159);
    EXPECT_TRUE(q.room.quiz_open());
    q.room.tick(160);
    EXPECT_FALSE(q.room.quiz_open());
    q.room.flush();
    EXPECT_EQ(q.b->of_type("quiz_closed").size(), 1u);
    EXPECT_EQ(q.b->of_type("quiz_score")[0]["answered"], false);
    q.room.receive(q.b.get(), answer_msg("late", 40, 401, "1"), 161);
    EXPECT_EQ(q.b->of_type("error").back()["code"], "quiz_closed");
    EXPECT_EQ(q.sink.answers.size(), 1u);
}

// The run was stored a second after the request (a busy database): the room closes the quiz
// when the stored run says, the moment a restarted server would restore, and tells it so.
TEST(LiveRoomQuizStored, ClosesWhenTheStoredRunSaysAndAnnouncesThatMoment) {
    quiz_room late(161);
    const auto opened = late.a->of_type("quiz_opened");
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_EQ(opened[0]["closes_at"], daring::protocol::format_rfc3339(161));
    late.room.tick(160);
    EXPECT_TRUE(late.room.quiz_open());
    late.room.tick(161);
    EXPECT_FALSE(late.room.quiz_open());
}

TEST_F(LiveRoomQuiz, AReconnectingTraineeSeesTheOpenQuizWithTheirAnswers) {
    q.room.receive(q.a.get(), answer_msg("a1", 40, 401, "1"), 110);
    q.room.leave(q.a.get(), 115);
    auto again = std::make_shared<fake_participant>();
    q.room.join(again, trainee(2), std::nullopt, 120);
    const auto& w = again->received.at(0);
    ASSERT_EQ(w["type"], "welcome");
    EXPECT_EQ(w["quiz"]["quiz_id"], 40);
    EXPECT_EQ(w["quiz"]["your_answers"], json({{"401", 1}}));
    for (const auto& question : w["quiz"]["questions"]) EXPECT_FALSE(question.contains("correct"));
}

TEST_F(LiveRoomPresence, AMarkOrCheckInDuringTheSessionCountsAtOnce) {
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 0);
    room.tick(60);
    EXPECT_EQ(a->of_type("attendance").back()["status"], "partial");
    room.update_evidence(2, std::nullopt, manual_mark::excused, 70);
    EXPECT_EQ(a->of_type("attendance").back()["status"], "excused");
    room.update_evidence(2, std::nullopt, manual_mark::present, 80);
    EXPECT_EQ(a->of_type("attendance").back()["status"], "present");
    // Someone the room has not seen yet: their evidence comes from the database when they join.
    room.update_evidence(3, 100, std::nullopt, 90);
    EXPECT_EQ(room.attendance_of(3, 90).status, attendance_status::absent);
    auto b = std::make_shared<fake_participant>();
    prior_attendance prior;
    prior.checked_in_at = 100;
    room.join(b, trainee(3), std::nullopt, 120, prior);
    EXPECT_EQ(room.attendance_of(3, 130).status, attendance_status::present);
    // A check-in while in the room.
    auto c = std::make_shared<fake_participant>();
    room.join(c, trainee(4), std::nullopt, 130);
    room.update_evidence(4, 140, std::nullopt, 140);
    EXPECT_EQ(c->of_type("attendance").back()["status"], "present");
}

TEST_F(LiveRoom, RefusesBinaryMessagesAsNotFromTheSpeakerAndNeverReadsThemAsText) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.receive_binary(t.get(), R"({"type":"show_slide","index":2})", 0, 0);
    room.receive_binary(a.get(), R"({"type":"show_slide","index":2})", 0, 0);
    EXPECT_EQ(room.current_slide(), 0);  // the JSON inside was not obeyed
    auto errors = t->of_type("error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]["code"], "audio_off");  // the trainer could speak once audio is on
    errors = a->of_type("error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]["code"], "not_speaker");
    EXPECT_TRUE(t->of_type("slide").empty());
}

namespace {

class fake_journal : public journal_sink {
  public:
    void event(std::int64_t session_id, std::uint64_t seq, std::string type, shared_message all,
               shared_message staff, std::int64_t audio_heard_ms) override {
        EXPECT_EQ(session_id, 7);
        events.push_back({seq, std::move(type), all != nullptr, staff != nullptr, audio_heard_ms});
    }
    void slide_shown(std::int64_t, int slide) override { slides.push_back(slide); }
    void audio_packet(std::int64_t, std::uint32_t seq, std::uint32_t at_ms, std::uint16_t,
                      std::uint8_t flags, std::string_view) override {
        audio.push_back({seq, at_ms, flags});
    }
    void audio_changed(std::int64_t, const json& state, std::uint32_t reserved) override {
        audio_states.push_back(state);
        audio_reserved = reserved;
    }
    void pointer(std::int64_t, const std::string& message, std::int64_t audio_heard_ms) override {
        pointers.push_back(json::parse(message));
        pointers_heard.push_back(audio_heard_ms);
    }
    std::vector<json> pointers;
    std::vector<std::int64_t> pointers_heard;
    struct audio_entry {
        std::uint32_t seq, at_ms;
        std::uint8_t flags;
    };
    std::vector<audio_entry> audio;
    std::vector<json> audio_states;
    std::uint32_t audio_reserved = 0;
    struct entry {
        std::uint64_t seq;
        std::string type;
        bool for_all, for_staff;
        std::int64_t audio_heard_ms;
    };
    std::vector<entry> events;
    std::vector<int> slides;
};

}  // namespace

TEST(LiveRoomJournal, JournalsEveryBroadcastAndTheSlideShown) {
    fake_journal journal;
    live_room room(three_slides(), 1000);
    room.set_journal(&journal);
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.receive(t.get(), R"({"type":"show_slide","index":1})", 0);
    room.receive(a.get(), R"({"type":"chat","text":"halo"})", 0);
    room.receive(a.get(), R"({"type":"hand","up":true})", 0);
    ASSERT_EQ(journal.events.size(), 3u);
    EXPECT_EQ(journal.events[0].type, "slide");
    EXPECT_EQ(journal.events[1].type, "chat");
    EXPECT_EQ(journal.events[2].type, "hand");
    EXPECT_FALSE(journal.events[2].for_all);  // hands are for staff only
    EXPECT_TRUE(journal.events[2].for_staff);
    EXPECT_EQ(journal.events[0].seq + 1, journal.events[1].seq);
    EXPECT_EQ(journal.slides, std::vector<int>{1});
}

TEST(LiveRoomRecovery, ARestoredRoomShowsItsSlideChatAndOpenQuiz) {
    live_recovery r;
    r.slide = 2;
    r.chat = {{1500, json{{"type", "chat"}, {"seq", 1500}, {"text", "tetap"}}}};
    live_recovery::open_quiz q;
    q.def.id = 9;
    q.def.title = "Cek";
    q.def.kind = daring::protocol::quiz_kind::practice;
    daring::protocol::question question;
    question.id = 90;
    question.type = daring::protocol::question_type::true_false;
    question.correct = true;
    q.def.questions.push_back(question);
    q.run_id = 4;
    q.closes_at = 5000;
    q.answers[2][90] = true;
    r.quiz = q;
    live_room room(three_slides(), 2000);
    room.restore(r);
    auto a = std::make_shared<fake_participant>();
    room.join(a, trainee(2), std::nullopt, 100);
    const auto& w = a->received.front();
    EXPECT_EQ(w["slide"]["index"], 2);
    ASSERT_EQ(w["chat"].size(), 1u);
    EXPECT_EQ(w["chat"][0]["text"], "tetap");
    ASSERT_FALSE(w["quiz"].is_null());
    EXPECT_EQ(w["quiz"]["quiz_id"], 9);
    EXPECT_EQ(w["quiz"]["your_answers"]["90"], true);
    EXPECT_GT(w["seq"].get<std::uint64_t>(), 1500u);
}

namespace {

std::string packet_message(std::uint16_t duration_ms, std::string_view opus) {
    return daring::protocol::audio::speaker_message(duration_ms, opus);
}

const char* const audio_start_16k =
    R"({"type":"audio_start","codec":"opus","sample_rate":48000,"channels":1,"frame_ms":40,"bitrate":16000})";

}  // namespace

TEST(LiveRoomAudioFanOut, FansPacketsOutToListenersButNeverBackToTheSpeaker) {
    room_info info = three_slides();
    info.started_at = 0;
    live_room room(info, 1000);
    fake_journal journal;
    room.set_journal(&journal);
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    auto b = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.receive(t.get(), audio_start_16k, 10);
    room.join(b, trainee(3), std::nullopt, 10);
    // audio_state is an event for those present and part of the newcomer's welcome.
    auto state = a->of_type("audio_state");
    ASSERT_EQ(state.size(), 1u);
    EXPECT_EQ(state[0]["on"], true);
    EXPECT_EQ(state[0]["bitrate"], 16000);
    EXPECT_EQ(state[0]["speaker"]["user_id"], 1);
    EXPECT_TRUE(state[0].contains("seq"));
    const auto& welcome = b->received.front();
    EXPECT_EQ(welcome["audio"]["on"], true);
    EXPECT_EQ(welcome["audio"]["codec"], "opus");
    EXPECT_FALSE(welcome["audio"].contains("seq"));

    for (int i = 0; i < 3; ++i)
        room.receive_binary(t.get(), packet_message(40, "pkt" + std::to_string(i)), 10,
                            10'000 + 40 * i);
    EXPECT_TRUE(t->audio.empty());
    ASSERT_EQ(a->audio.size(), 3u);
    ASSERT_EQ(b->audio.size(), 3u);
    EXPECT_EQ(a->audio[0], b->audio[0]);  // one shared record for every listener
    auto records = daring::protocol::audio::parse_records(*a->audio[0] + *a->audio[1]);
    ASSERT_TRUE(records);
    EXPECT_EQ((*records)[0].packet, "pkt0");
    EXPECT_EQ((*records)[0].flags, daring::protocol::audio::flag_discontinuity);
    EXPECT_EQ((*records)[1].seq, (*records)[0].seq + 1);
    EXPECT_EQ((*records)[0].at_ms, 10'000u);  // ms since the session started
    EXPECT_GT((*records)[1].at_ms, (*records)[0].at_ms);
    ASSERT_EQ(journal.audio.size(), 3u);
    EXPECT_EQ(journal.audio[2].seq, (*records)[0].seq + 2);
    EXPECT_GT(journal.audio_reserved, journal.audio[2].seq);
    EXPECT_EQ(journal.audio_states.back()["on"], true);
}

// A fresh room as most tests of this suite start from, first seq 1000.
class LiveRoomAudio : public ::testing::Test {
  protected:
    live_room room{three_slides(), 1000};
};

TEST_F(LiveRoomAudio, TheDataSaverStopsAudioAtOnceAndResumesWithTheNextPacket) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.receive(t.get(), audio_start_16k, 0);
    room.receive_binary(t.get(), packet_message(40, "one"), 0, 0);
    room.receive(a.get(), R"({"type":"audio_subscribe","on":false,"id":"s1"})", 0);
    EXPECT_EQ(a->audio_discards, 1);  // what was queued goes too
    EXPECT_EQ(a->of_type("ack").back()["id"], "s1");
    room.receive_binary(t.get(), packet_message(40, "two"), 0, 40);
    EXPECT_EQ(a->audio.size(), 1u);
    room.receive(a.get(), R"({"type":"audio_subscribe","on":true})", 0);
    room.receive_binary(t.get(), packet_message(40, "three"), 0, 80);
    ASSERT_EQ(a->audio.size(), 2u);
    EXPECT_EQ(daring::protocol::audio::parse_records(*a->audio[1])->front().packet, "three");
}

TEST_F(LiveRoomAudio, TheFloorIsGivenUsedTakenBackAndRefusedForOthers) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    auto b = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.join(b, trainee(3), std::nullopt, 0);
    room.receive(t.get(), R"({"type":"give_floor","user_id":2,"id":1})", 0);
    EXPECT_EQ(t->of_type("error").back()["code"], "audio_off");
    room.receive(t.get(), audio_start_16k, 0);
    for (const char* who : {R"({"type":"give_floor","user_id":99,"id":2})",    // not here
                            R"({"type":"give_floor","user_id":1,"id":3})"}) {  // not a trainee
        room.receive(t.get(), who, 0);
        auto err = t->of_type("error").back();
        EXPECT_EQ(err["code"], "invalid_field") << who;
        EXPECT_EQ(err["field"], "user_id") << who;
    }
    room.receive(a.get(), R"({"type":"give_floor","user_id":3})", 0);
    EXPECT_EQ(a->of_type("error").back()["code"], "forbidden");  // a trainee cannot give it

    room.receive(a.get(), R"({"type":"hand","up":true})", 0);
    room.receive(t.get(), R"({"type":"give_floor","user_id":2,"id":4})", 0);
    EXPECT_EQ(t->of_type("ack").back()["id"], 4);
    EXPECT_EQ(b->of_type("audio_state").back()["speaker"]["user_id"], 2);
    EXPECT_EQ(t->of_type("hand").back()["up"], false);  // the question is being asked
    room.receive_binary(a.get(), packet_message(40, "question"), 0, 0);
    room.receive_binary(t.get(), packet_message(40, "trainer"), 0, 40);
    room.receive_binary(b.get(), packet_message(40, "other"), 0, 40);
    EXPECT_TRUE(a->audio.empty());  // never its own audio back
    ASSERT_EQ(t->audio.size(), 1u);
    ASSERT_EQ(b->audio.size(), 1u);
    EXPECT_EQ(t->of_type("error").back()["code"], "not_speaker");
    EXPECT_EQ(b->of_type("error").back()["code"], "not_speaker");

    room.receive(t.get(), R"({"type":"take_floor"})", 0);
    EXPECT_EQ(b->of_type("audio_state").back()["speaker"]["user_id"], 1);
    room.receive_binary(a.get(), packet_message(40, "late"), 0, 80);
    EXPECT_EQ(a->of_type("error").back()["code"], "not_speaker");

    // Given again, the floor ends when the trainee's last socket closes.
    room.receive(t.get(), R"({"type":"give_floor","user_id":3})", 0);
    room.leave(b.get(), 1);
    EXPECT_EQ(a->of_type("audio_state").back()["speaker"]["user_id"], 1);
    room.receive(t.get(), R"({"type":"audio_stop"})", 0);
    EXPECT_EQ(a->of_type("audio_state").back()["on"], false);
    EXPECT_TRUE(a->of_type("audio_state").back()["speaker"].is_null());
}

TEST_F(LiveRoomAudio, RefusesMalformedPacketsWithTheFieldAndClosesRepeatedAbuse) {
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    room.join(t, trainer, std::nullopt, 0);
    room.join(a, trainee(2), std::nullopt, 0);
    room.receive(t.get(), audio_start_16k, 0);
    room.receive_binary(t.get(), packet_message(5, "x"), 0, 0);
    auto err = t->of_type("error").back();
    EXPECT_EQ(err["code"], "bad_audio");
    EXPECT_EQ(err["field"], "duration_ms");
    room.receive_binary(t.get(), packet_message(40, std::string(1276, 'x')), 0, 0);
    EXPECT_EQ(t->of_type("error").back()["field"], "packet");
    EXPECT_TRUE(a->audio.empty());
    EXPECT_EQ(t->closed_code, 0);
    for (int i = 0; i < 60 && a->closed_code == 0; ++i)
        room.receive_binary(a.get(), packet_message(40, "x"), 0, 0);
    EXPECT_EQ(a->closed_code, close_policy);
}

TEST(LiveRoomAudioRecovery, ARebuiltRoomResumesAudioPastEverySeqHeardBefore) {
    live_room first(three_slides(), 1000);
    fake_journal journal;
    first.set_journal(&journal);
    auto t = std::make_shared<fake_participant>();
    auto a = std::make_shared<fake_participant>();
    first.join(t, trainer, std::nullopt, 0);
    first.join(a, trainee(2), std::nullopt, 0);
    first.receive(t.get(), audio_start_16k, 0);
    first.receive_binary(t.get(), packet_message(40, "before"), 0, 0);
    const auto heard = daring::protocol::audio::parse_records(*a->audio.back())->back();

    live_recovery r;
    r.audio = journal.audio_states.back();
    r.audio_next_seq = journal.audio_reserved;  // as the restart finds it stored
    r.audio_last_end_ms = heard.at_ms + heard.duration_ms;
    live_room again(three_slides(), 2000);
    again.restore(r);
    auto t2 = std::make_shared<fake_participant>();
    auto a2 = std::make_shared<fake_participant>();
    again.join(t2, trainer, std::nullopt, 0);
    again.join(a2, trainee(2), std::nullopt, 0);
    EXPECT_EQ(a2->received.front()["audio"]["on"], true);
    again.receive_binary(t2.get(), packet_message(40, "after"), 0, 0);
    ASSERT_EQ(a2->audio.size(), 1u);
    const auto after = daring::protocol::audio::parse_records(*a2->audio[0])->front();
    EXPECT_GT(after.seq, heard.seq);
    EXPECT_GE(after.at_ms, heard.at_ms + heard.duration_ms);
    EXPECT_EQ(after.flags, daring::protocol::audio::flag_discontinuity);
}

// A room whose session started at 1,000 s, with a journal, the trainer and a trainee in it at
// 1,010 s (audio not started).
class LiveRoomAudioClock : public ::testing::Test {
  protected:
    void SetUp() override {
        info.session_id = 7;
        info.started_at = 1000;
        room = std::make_unique<live_room>(info, 1000);
        room->set_journal(&journal);
        room->join(t, trainer, std::nullopt, 1010);
        room->join(a, trainee(2), std::nullopt, 1010);
    }
    room_info info = three_slides();
    fake_journal journal;
    std::unique_ptr<live_room> room;
    std::shared_ptr<fake_participant> t = std::make_shared<fake_participant>();
    std::shared_ptr<fake_participant> a = std::make_shared<fake_participant>();
};

TEST_F(LiveRoomAudioClock, StampsCountFromTheSessionStartToTheMillisecond) {
    // The first packet arrives at wall 1,010.750 s (10.750 s in), though the second counter
    // reads 1,010: the stamp keeps the 750 ms.
    room->receive(t.get(), audio_start_16k, 1010);
    room->receive_binary(t.get(), packet_message(40, "a"), 1010, 555'000, 1'010'750);
    room->receive_binary(t.get(), packet_message(40, "b"), 1010, 555'040, 1'010'790);
    ASSERT_EQ(a->audio.size(), 2u);
    auto records = daring::protocol::audio::parse_records(*a->audio[0] + *a->audio[1]);
    ASSERT_TRUE(records);
    EXPECT_EQ((*records)[0].at_ms, 10'750u);
    EXPECT_EQ((*records)[1].at_ms, 10'790u);
}

TEST_F(LiveRoomAudioClock, AnEventAfterABurstOfAudioIsJournaledNoEarlierThanTheAudioBeforeIt) {
    // Before any audio an event carries no audio moment; then three 40 ms packets arrive in one
    // burst at 10.750 s in: listeners were sent audio up to 10.870 s, and a slide and a pointer
    // sent right after them are journaled as no earlier than that.
    room->receive(t.get(), R"({"type":"show_slide","index":1})", 1010);
    ASSERT_FALSE(journal.events.empty());
    EXPECT_EQ(journal.events.back().audio_heard_ms, 0);
    room->receive(t.get(), audio_start_16k, 1010);
    for (const char* payload : {"a", "b", "c"})
        room->receive_binary(t.get(), packet_message(40, payload), 1010, 555'000, 1'010'750);
    room->receive(t.get(), R"({"type":"show_slide","index":2})", 1010);
    ASSERT_EQ(journal.events.back().type, "slide");
    EXPECT_EQ(journal.events.back().audio_heard_ms, 1'010'870);
    room->receive(t.get(), R"({"type":"pointer","x":0.5,"y":0.5})", 1010, 555'000);
    ASSERT_EQ(journal.pointers_heard.size(), 1u);
    EXPECT_EQ(journal.pointers_heard.back(), 1'010'870);
    ASSERT_EQ(journal.audio.size(), 3u);
    EXPECT_EQ(journal.audio.back().at_ms, 10'830u);
}

TEST_F(LiveRoomAudioClock, NothingIsJournaledAfterTheEndNotEvenTheFloorOfATraineeWhoLeaves) {
    // The trainee still holds the floor when the session ends; their socket closes with the
    // room. The timeline ends with session_ended: the floor ends with the session, not after it.
    room->receive(t.get(), audio_start_16k, 1010);
    room->receive(t.get(), R"({"type":"give_floor","user_id":2})", 1010);
    ASSERT_EQ(journal.audio_states.back()["speaker"]["user_id"], 2);
    const auto states = journal.audio_states.size();
    room->end(close_normal, 1020);
    room->leave(a.get(), 1020);
    room->leave(t.get(), 1020);
    ASSERT_FALSE(journal.events.empty());
    EXPECT_EQ(journal.events.back().type, "session_ended");
    EXPECT_EQ(journal.audio_states.size(), states);
    EXPECT_EQ(t->of_type("audio_state").back()["speaker"]["user_id"], 2);
}
