// Replay progress: what counts as played between two reports, and the union of played ranges.
#include "server/rules/replay_rules.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

namespace {

constexpr std::int64_t hour_ms = 3'600'000;

replay_cursor playing_at(std::int64_t position_ms, std::int64_t reported_ms) {
    return {position_ms, true, reported_ms};
}

}  // namespace

TEST(ReplayRules, PlayingForwardCreditsTheAdvance) {
    auto r = played_range(playing_at(10'000, 1'000'000), {30'000, true}, 1'020'000, hour_ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->from_ms, 10'000);
    EXPECT_EQ(r->to_ms, 30'000);
}

TEST(ReplayRules, NothingWithoutAPlayingPreviousReport) {
    EXPECT_FALSE(played_range(std::nullopt, {30'000, true}, 1'020'000, hour_ms));
    replay_cursor paused{10'000, false, 1'000'000};
    EXPECT_FALSE(played_range(paused, {30'000, true}, 1'020'000, hour_ms));
}

TEST(ReplayRules, BackwardSeekCreditsNothing) {
    EXPECT_FALSE(played_range(playing_at(50'000, 1'000'000), {20'000, true}, 1'020'000, hour_ms));
}

TEST(ReplayRules, AdvanceIsBoundedByTheFastestSpeed) {
    // 20 s passed: at most 2x 20 s plus the slack may have been played, not a 10-minute jump.
    auto r = played_range(playing_at(0, 1'000'000), {600'000, true}, 1'020'000, hour_ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->to_ms, 40'000 + replay_slack_ms);
    // Played at 2x: the whole advance counts.
    auto fast = played_range(playing_at(0, 1'000'000), {40'000, false}, 1'020'000, hour_ms);
    ASSERT_TRUE(fast);
    EXPECT_EQ(fast->to_ms, 40'000);
}

TEST(ReplayRules, ClippedToTheRecording) {
    auto r =
        played_range(playing_at(hour_ms - 5'000, 0), {hour_ms + 15'000, true}, 20'000, hour_ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->to_ms, hour_ms);
    EXPECT_FALSE(
        played_range(playing_at(hour_ms + 1, 0), {hour_ms + 9'000, true}, 10'000, hour_ms));
}

TEST(ReplayRules, ReportsOutOfOrderInTimeCreditOnlyTheSlack) {
    auto r = played_range(playing_at(0, 2'000'000), {20'000, true}, 1'000'000, hour_ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->to_ms, replay_slack_ms);
}

TEST(ReplayRules, MergeJoinsOverlapsAndTouchingRanges) {
    auto m = merge_ranges({{50, 80}, {0, 10}, {10, 20}, {70, 100}, {30, 30}, {200, 250}});
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0].from_ms, 0);
    EXPECT_EQ(m[0].to_ms, 20);
    EXPECT_EQ(m[1].from_ms, 50);
    EXPECT_EQ(m[1].to_ms, 100);
    EXPECT_EQ(m[2].from_ms, 200);
    EXPECT_EQ(covered_ms(m), 20 + 50 + 50);
}

TEST(ReplayRules, ReplayingTheSamePartTwiceCountsOnce) {
    auto m = merge_ranges({{0, 60'000}, {0, 60'000}, {30'000, 90'000}});
    EXPECT_EQ(covered_ms(m), 90'000);
}
