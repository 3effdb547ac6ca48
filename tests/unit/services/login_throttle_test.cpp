#include "server/services/login_throttle.hpp"

#include <gtest/gtest.h>

using daring::server::login_throttle;

TEST(LoginThrottle, RefusesTheSixthAttemptAfterFiveFailuresInTheWindow) {
    login_throttle t;
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(t.retry_after("siti", "10.0.0.1", 1000 + i).has_value());
        t.record_failure("siti", "10.0.0.1", 1000 + i);
    }
    auto wait = t.retry_after("siti", "10.0.0.1", 1010);
    ASSERT_TRUE(wait.has_value());
    EXPECT_EQ(*wait, 1000 + login_throttle::window - 1010);
}

TEST(LoginThrottle, LeavesOtherUsersAndAddressesAlone) {
    login_throttle t;
    for (int i = 0; i < 5; ++i) t.record_failure("siti", "10.0.0.1", 1000);
    EXPECT_TRUE(t.retry_after("siti", "10.0.0.1", 1001).has_value());
    EXPECT_FALSE(t.retry_after("siti", "10.0.0.2", 1001).has_value());
    EXPECT_FALSE(t.retry_after("budi", "10.0.0.1", 1001).has_value());
}

TEST(LoginThrottle, ForgetsFailuresOnceTheyLeaveTheWindow) {
    login_throttle t;
    for (int i = 0; i < 5; ++i) t.record_failure("siti", "10.0.0.1", 1000);
    EXPECT_FALSE(t.retry_after("siti", "10.0.0.1", 1000 + login_throttle::window).has_value());
}

TEST(LoginThrottle, ASuccessClearsTheCount) {
    login_throttle t;
    for (int i = 0; i < 4; ++i) t.record_failure("siti", "10.0.0.1", 1000);
    t.record_success("siti", "10.0.0.1");
    t.record_failure("siti", "10.0.0.1", 1001);
    EXPECT_FALSE(t.retry_after("siti", "10.0.0.1", 1002).has_value());
}
