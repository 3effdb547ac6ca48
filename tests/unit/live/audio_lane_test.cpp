#include "server/live/audio_lane.hpp"

#include <gtest/gtest.h>

#include "protocol/audio.hpp"
#include "server/live/audio_queue.hpp"

using namespace daring::server;
using daring::protocol::json;

namespace {

const audio_speaker rina{1, "Rina", true};
const audio_speaker siti{2, "Siti", false};
const audio_speaker budi{3, "Budi", false};

audio_lane started() {
    audio_lane lane;
    lane.start({}, rina);
    return lane;
}

}  // namespace

TEST(AudioLane, OnlyTheSpeakerIsAdmittedAndOnlyWhileAudioIsOn) {
    audio_lane lane;
    audio_lane::stamp st;
    EXPECT_EQ(lane.admit(1, 40, 0, st), audio_lane::verdict::audio_off);
    lane.start({}, rina);
    EXPECT_EQ(lane.admit(2, 40, 0, st), audio_lane::verdict::not_speaker);
    EXPECT_EQ(lane.admit(1, 40, 0, st), audio_lane::verdict::accepted);
    lane.stop();
    EXPECT_EQ(lane.admit(1, 40, 40, st), audio_lane::verdict::audio_off);
    EXPECT_FALSE(lane.speaker());
    EXPECT_EQ(lane.state_json()["on"], false);
    EXPECT_TRUE(lane.state_json()["codec"].is_null());
}

TEST(AudioLane, TheFloorGoesToATraineeAndBackToTheTrainer) {
    auto lane = started();
    audio_lane::stamp st;
    lane.give(siti, rina);
    EXPECT_EQ(lane.speaker()->user_id, 2);
    EXPECT_EQ(lane.admit(1, 40, 0, st), audio_lane::verdict::not_speaker);  // the rina listens
    EXPECT_EQ(lane.admit(2, 40, 0, st), audio_lane::verdict::accepted);
    EXPECT_EQ(lane.state_json()["speaker"], (json{{"user_id", 2}, {"name", "Siti"}}));
    lane.take(rina);
    EXPECT_EQ(lane.speaker()->user_id, 1);
    EXPECT_EQ(lane.admit(2, 40, 40, st), audio_lane::verdict::not_speaker);
}

TEST(AudioLane, ATraineesFloorEndsWithTheirLastSocketButATrainersDoesNot) {
    auto lane = started();
    EXPECT_FALSE(lane.user_left(1));  // the rina keeps it across a reconnect
    EXPECT_EQ(lane.speaker()->user_id, 1);
    lane.give(siti, rina);
    EXPECT_FALSE(lane.user_left(3));  // someone else left
    EXPECT_TRUE(lane.user_left(2));
    EXPECT_EQ(lane.speaker()->user_id, 1);
    EXPECT_EQ(lane.speaker()->name, "Rina");
}

TEST(AudioLane, StampsIncreaseNeverOverlapAndMarkEveryDiscontinuity) {
    auto lane = started();
    audio_lane::stamp a, b, c, d, e;
    ASSERT_EQ(lane.admit(1, 40, 1000, a), audio_lane::verdict::accepted);
    ASSERT_EQ(lane.admit(1, 40, 1010, b), audio_lane::verdict::accepted);  // a burst
    ASSERT_EQ(lane.admit(1, 40, 1200, c), audio_lane::verdict::accepted);
    EXPECT_EQ(a.flags, daring::protocol::audio::flag_discontinuity);  // audio started
    EXPECT_EQ(b.flags, 0);
    EXPECT_EQ(b.at_ms, 1040u);  // after the previous packet, not on top of it
    EXPECT_EQ(c.at_ms, 1200u);
    EXPECT_EQ(b.seq, a.seq + 1);
    EXPECT_EQ(c.seq, b.seq + 1);
    lane.give(budi, rina);
    ASSERT_EQ(lane.admit(3, 40, 1300, d), audio_lane::verdict::accepted);
    EXPECT_EQ(d.flags, daring::protocol::audio::flag_discontinuity);  // a new speaker
    ASSERT_EQ(lane.admit(3, 40, 1340, e), audio_lane::verdict::accepted);
    EXPECT_EQ(e.flags, 0);
}

TEST(AudioLane, RefusesAudioFasterThanRealTimeBeyondTheBurstAllowance) {
    auto lane = started();
    audio_lane::stamp st;
    int accepted = 0;
    for (int i = 0; i < 200; ++i)
        if (lane.admit(1, 40, 0, st) == audio_lane::verdict::accepted) ++accepted;
    EXPECT_EQ(accepted, audio_burst_ms / 40);
    EXPECT_EQ(lane.admit(1, 40, 0, st), audio_lane::verdict::too_fast);
    EXPECT_EQ(lane.admit(1, 40, 40, st), audio_lane::verdict::accepted);  // real time refills
}

TEST(AudioLane, ReservesSeqsAheadAndContinuesPastThemAfterARestart) {
    auto lane = started();
    auto first = lane.reservation_due();
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, audio_seq_reserve);
    EXPECT_FALSE(lane.reservation_due());
    audio_lane::stamp st;
    for (std::uint32_t i = 0; i < audio_seq_reserve; ++i) {
        lane.admit(1, 10, 10 * static_cast<std::int64_t>(i), st);
        if (auto next = lane.reservation_due()) {
            EXPECT_GT(*next, st.seq);
        }
    }
    auto durable = lane.durable_json();
    audio_lane rebuilt;
    rebuilt.restore(durable, *first, 99'000);
    ASSERT_TRUE(rebuilt.on());
    EXPECT_EQ(rebuilt.speaker()->user_id, 1);
    audio_lane::stamp after;
    ASSERT_EQ(rebuilt.admit(1, 40, 5000, after), audio_lane::verdict::accepted);
    EXPECT_EQ(after.seq, *first);     // never a seq handed out before the restart
    EXPECT_EQ(after.at_ms, 99'000u);  // and never a stamp before the last stored one
    EXPECT_EQ(after.flags, daring::protocol::audio::flag_discontinuity);
}

TEST(AudioLane, ARestartHandsATraineesFloorBackToItsGiver) {
    auto lane = started();
    lane.give(siti, rina);
    audio_lane rebuilt;
    rebuilt.restore(lane.durable_json(), 0, 0);
    ASSERT_TRUE(rebuilt.speaker());
    EXPECT_EQ(rebuilt.speaker()->user_id, 1);
    audio_lane off;
    off.restore(audio_lane().durable_json(), 0, 0);
    EXPECT_FALSE(off.on());
}

TEST(AudioQueue, DropsTheOldestBeyondOneSecondAndKeepsTheNewest) {
    audio_queue q;
    auto rec = [](int i) { return std::make_shared<const std::string>(std::to_string(i)); };
    std::size_t dropped = 0;
    for (int i = 0; i < 25; ++i) dropped += q.push(rec(i), 40);  // exactly 1 s
    EXPECT_EQ(dropped, 0u);
    EXPECT_EQ(q.queued_ms(), 1000u);
    dropped += q.push(rec(25), 40);
    EXPECT_EQ(dropped, 1u);
    EXPECT_EQ(q.size(), 25u);
    std::vector<shared_message> out;
    q.take(out);
    ASSERT_EQ(out.size(), 25u);
    EXPECT_EQ(*out.front(), "1");  // record 0 went
    EXPECT_EQ(*out.back(), "25");
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.queued_ms(), 0u);
    // A single record longer than the limit is still kept: the newest always stays.
    audio_queue small(100);
    small.push(rec(1), 120);
    EXPECT_EQ(small.size(), 1u);
    EXPECT_EQ(small.push(rec(2), 120), 1u);
    EXPECT_EQ(small.size(), 1u);
}

TEST(AudioLane, AfterARestartStampsStartPastAnythingListenersCouldHaveHeard) {
    // Before the crash: paced audio may run up to a burst ahead of real time, and the journal
    // may not have stored its last second. Real time at the crash: 20 s.
    auto lane = started();
    audio_lane::stamp st;
    std::int64_t last_heard = 0;
    for (int i = 0; i < 75; ++i) {  // 3 s of audio sent at once at 20 s: the whole burst
        ASSERT_EQ(lane.admit(1, 40, 20'000, st), audio_lane::verdict::accepted);
        last_heard = st.at_ms + 40;
    }
    EXPECT_EQ(last_heard, 23'000);
    // The journal kept packets up to 21 s; the process comes back 200 ms later.
    audio_lane rebuilt;
    rebuilt.restore(lane.durable_json(), st.seq + 1, 21'000);
    audio_lane::stamp after;
    ASSERT_EQ(rebuilt.admit(1, 40, 20'200, after), audio_lane::verdict::accepted);
    EXPECT_GE(static_cast<std::int64_t>(after.at_ms), last_heard);  // never back in time
    EXPECT_EQ(after.flags, daring::protocol::audio::flag_discontinuity);
    // From then on stamps follow the audio as before.
    audio_lane::stamp next;
    ASSERT_EQ(rebuilt.admit(1, 40, 20'240, next), audio_lane::verdict::accepted);
    EXPECT_EQ(next.at_ms, after.at_ms + 40);
}
