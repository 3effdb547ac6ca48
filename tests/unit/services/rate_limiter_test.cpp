#include "server/services/rate_limiter.hpp"

#include <gtest/gtest.h>

using daring::server::rate_limiter;

TEST(RateLimiter, RefusesTheSixthAttemptAfterFiveFailuresInTheWindow) {
    rate_limiter t;
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(t.retry_after("siti", "10.0.0.1", 1000 + i).has_value());
        t.record("siti", "10.0.0.1", 1000 + i);
    }
    auto wait = t.retry_after("siti", "10.0.0.1", 1010);
    ASSERT_TRUE(wait.has_value());
    EXPECT_EQ(*wait, 1000 + rate_limiter::window - 1010);
}

TEST(RateLimiter, LeavesOtherUsersAndAddressesAlone) {
    rate_limiter t;
    for (int i = 0; i < 5; ++i) t.record("siti", "10.0.0.1", 1000);
    EXPECT_TRUE(t.retry_after("siti", "10.0.0.1", 1001).has_value());
    EXPECT_FALSE(t.retry_after("siti", "10.0.0.2", 1001).has_value());
    EXPECT_FALSE(t.retry_after("budi", "10.0.0.1", 1001).has_value());
}

TEST(RateLimiter, ForgetsFailuresOnceTheyLeaveTheWindow) {
    rate_limiter t;
    for (int i = 0; i < 5; ++i) t.record("siti", "10.0.0.1", 1000);
    EXPECT_FALSE(t.retry_after("siti", "10.0.0.1", 1000 + rate_limiter::window).has_value());
}

TEST(RateLimiter, ASuccessClearsTheCount) {
    rate_limiter t;
    for (int i = 0; i < 4; ++i) t.record("siti", "10.0.0.1", 1000);
    t.forget("siti", "10.0.0.1");
    t.record("siti", "10.0.0.1", 1001);
    EXPECT_FALSE(t.retry_after("siti", "10.0.0.1", 1002).has_value());
}
