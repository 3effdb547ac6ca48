#include "server/rules/attendance_rules.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

namespace {
const time_span session{1000, 1000 + 7200};  // two hours
const attendance_thresholds defaults;
attendance_evidence present_for(std::vector<time_span> visible,
                                std::vector<time_span> hidden = {}) {
    return {summarize_presence(visible, hidden, session), std::nullopt, std::nullopt};
}
}  // namespace

TEST(AttendanceRules, MergesOverlappingReconnectsIntoOneAttendee) {
    // Two tabs overlapping, then a reconnect after a drop.
    EXPECT_EQ(union_seconds({{1000, 2000}, {1500, 2500}, {3000, 3600}}, session), 1500 + 600);
}

TEST(AttendanceRules, ClipsToTheSessionWindow) {
    EXPECT_EQ(union_seconds({{0, 1600}, {8000, 9000}}, session), 600 + 200);
    EXPECT_EQ(union_seconds({{0, 500}}, session), 0);
    EXPECT_EQ(union_seconds({{2000, 1900}}, session), 0);  // empty span
}

TEST(AttendanceRules, CountsHiddenTimeAsAwayAndNotAsPresent) {
    auto s = summarize_presence({{1000, 4000}}, {{4000, 5000}}, session);
    EXPECT_EQ(s.seconds_present, 3000);
    EXPECT_EQ(s.seconds_away, 1000);
    // Hidden on one device while visible on another is present, not away.
    auto both = summarize_presence({{1000, 4000}}, {{3000, 5000}}, session);
    EXPECT_EQ(both.seconds_present, 3000);
    EXPECT_EQ(both.seconds_away, 1000);
}

TEST(AttendanceRules, PresentAtSeventyFivePercentAndPartialBelow) {
    EXPECT_EQ(decide_attendance(present_for({{1000, 1000 + 5400}}), session, defaults),
              attendance_status::present);
    EXPECT_EQ(decide_attendance(present_for({{1000, 1000 + 5399}}), session, defaults),
              attendance_status::partial);
    EXPECT_EQ(decide_attendance(present_for({}), session, defaults), attendance_status::absent);
}

TEST(AttendanceRules, LateWhenTheFirstJoinIsMoreThanFifteenMinutesAfterTheStart) {
    EXPECT_EQ(decide_attendance(present_for({{1000 + 900, 8200}}), session, defaults),
              attendance_status::present);
    EXPECT_EQ(decide_attendance(present_for({{1000 + 901, 8200}}), session, defaults),
              attendance_status::late);
}

TEST(AttendanceRules, ACheckInOrAPresentMarkMakesPresentAndMarksDecideOverEverything) {
    attendance_evidence checked{{}, 1000 + 60, std::nullopt};
    EXPECT_EQ(decide_attendance(checked, session, defaults), attendance_status::present);
    checked.checked_in_at = 1000 + 1200;
    EXPECT_EQ(decide_attendance(checked, session, defaults), attendance_status::late);
    auto online = present_for({{1000, 8200}});
    online.mark = manual_mark::excused;
    EXPECT_EQ(decide_attendance(online, session, defaults), attendance_status::excused);
    online.mark = manual_mark::absent;
    EXPECT_EQ(decide_attendance(online, session, defaults), attendance_status::absent);
    attendance_evidence nothing{{}, std::nullopt, manual_mark::present};
    EXPECT_EQ(decide_attendance(nothing, session, defaults), attendance_status::present);
}

TEST(AttendanceRules, UsesTheThresholdsItIsGivenSoASnapshotKeepsHistory) {
    auto e = present_for({{1000, 1000 + 4000}});  // 55%
    EXPECT_EQ(decide_attendance(e, session, defaults), attendance_status::partial);
    attendance_thresholds lenient{50, 15 * 60};
    EXPECT_EQ(decide_attendance(e, session, lenient), attendance_status::present);
}

TEST(AttendanceRules, RateIsAttendedOverHeld) {
    EXPECT_DOUBLE_EQ(attendance_rate_pct(4, 5), 80.0);
    EXPECT_DOUBLE_EQ(attendance_rate_pct(0, 0), 0.0);
    EXPECT_TRUE(counts_as_attended(attendance_status::late));
    EXPECT_FALSE(counts_as_attended(attendance_status::partial));
}

TEST(AttendanceRules, SessionsStillNeededToReachTheMinimum) {
    using daring::server::sessions_still_needed;
    // Missed the first of 6 at 80%: 0 of 1 held, 5 to come, 4.8 of 6 needed -> all 5.
    EXPECT_EQ(sessions_still_needed(0, 1, 5, 80), 5);
    // Missed 1 of 1 at 50% with 3 to come: 2 of the 3.
    EXPECT_EQ(sessions_still_needed(0, 1, 3, 50), 2);
    // 10 sessions in all at 75%: attended 3 of 4, 6 to come -> 7.5 -> 8 in all, 5 more.
    EXPECT_EQ(sessions_still_needed(3, 4, 6, 75), 5);
    // Already safe whatever comes.
    EXPECT_EQ(sessions_still_needed(8, 8, 2, 80), 0);
    // Out of reach: 0 of 2 held, 1 to come at 80%.
    EXPECT_EQ(sessions_still_needed(0, 2, 1, 80), std::nullopt);
    EXPECT_EQ(sessions_still_needed(0, 1, 0, 80), std::nullopt);
    // Exactly on the minimum counts.
    EXPECT_EQ(sessions_still_needed(1, 2, 2, 75), 2);
}
