// The participation level's rules at their edges, and floor seconds from the floor's changes.
#include "server/rules/participation_rules.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

TEST(ParticipationRules, NothingDoneIsPassive) {
    EXPECT_EQ(level_of({}), participation_level::pasif);
    EXPECT_EQ(to_string(level_of({})), "pasif");
}

TEST(ParticipationRules, ThreeContributionsOfAnyKindAreActive) {
    EXPECT_EQ(level_of({.chat = 3}), participation_level::aktif);
    EXPECT_EQ(level_of({.chat = 1, .questions = 1, .poll_answers = 1}), participation_level::aktif);
    EXPECT_EQ(level_of({.hands = 2, .floor_seconds = floor_contribution_s}),
              participation_level::aktif);
    EXPECT_EQ(level_of({.chat = 2}), participation_level::cukup) << "two are moderate";
    EXPECT_EQ(level_of({.hands = 2, .floor_seconds = floor_contribution_s - 1}),
              participation_level::cukup)
        << "a short turn on the floor is not a contribution";
}

TEST(ParticipationRules, LightActionsAloneReachModerateNeverActive) {
    EXPECT_EQ(level_of({.votes = 2}), participation_level::pasif);
    EXPECT_EQ(level_of({.votes = 1, .reactions = 2}), participation_level::cukup);
    EXPECT_EQ(level_of({.votes = 50, .reactions = 500}), participation_level::cukup);
    EXPECT_EQ(to_string(participation_level::cukup), "cukup");
    EXPECT_EQ(to_string(participation_level::aktif), "aktif");
}

TEST(ParticipationRules, ContributionsCountTheFloorOnce) {
    EXPECT_EQ(contributions({.chat = 1,
                             .questions = 2,
                             .votes = 9,
                             .poll_answers = 1,
                             .hands = 1,
                             .floor_seconds = 600,
                             .reactions = 9}),
              6);
}

TEST(ParticipationRules, FloorSecondsAddEachTurnUntilTheNextChangeOrTheEnd) {
    const std::vector<floor_change> changes = {
        {1'000, 7},  // 7 speaks 1 s .. 11.5 s
        {11'500, std::nullopt},
        {20'000, 9},  // 9 speaks 20 s .. 50 s
        {50'000, 7},  // 7 again until the end at 60.9 s
    };
    auto s = floor_seconds(changes, 60'900);
    EXPECT_EQ(s[7], 21);  // 10.5 + 10.9 = 21.4
    EXPECT_EQ(s[9], 30);
    EXPECT_EQ(s.size(), 2u);
    EXPECT_TRUE(floor_seconds({}, 10'000).empty());
    // A change after the end (clock skew) adds nothing negative.
    EXPECT_EQ(floor_seconds({{5'000, 3}}, 4'000)[3], 0);
}
