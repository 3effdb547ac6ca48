// When the outbox tries again: exponential backoff, jitter, Retry-After, the last attempt.
#include "server/rules/outbox_rules.hpp"

#include <gtest/gtest.h>

using daring::server::next_retry_delay;
using daring::server::retry_policy;

TEST(OutboxRules, BackoffDoublesWithinTheJitterBandUpToTheCap) {
    const retry_policy p{10, 30, 600, 86400};
    EXPECT_EQ(next_retry_delay(p, 1, 1.0), 30);
    EXPECT_EQ(next_retry_delay(p, 1, 0.0), 15);
    EXPECT_EQ(next_retry_delay(p, 2, 1.0), 60);
    EXPECT_EQ(next_retry_delay(p, 3, 1.0), 120);
    EXPECT_EQ(next_retry_delay(p, 3, 0.5), 90);
    EXPECT_EQ(next_retry_delay(p, 8, 1.0), 600);  // capped
    EXPECT_EQ(next_retry_delay(p, 9, 0.0), 300);
}

TEST(OutboxRules, ALongerRetryAfterWinsAndIsCapped) {
    const retry_policy p{6, 30, 3600, 7200};
    EXPECT_EQ(next_retry_delay(p, 1, 1.0, 120), 120);
    EXPECT_EQ(next_retry_delay(p, 1, 1.0, 5), 30);  // shorter than the backoff: the backoff
    EXPECT_EQ(next_retry_delay(p, 1, 1.0, 999999), 7200);
}

TEST(OutboxRules, NoDelayOnceTheAttemptsAreSpent) {
    const retry_policy p{3, 30, 3600, 86400};
    EXPECT_TRUE(next_retry_delay(p, 2, 0.3).has_value());
    EXPECT_FALSE(next_retry_delay(p, 3, 0.3).has_value());
    EXPECT_FALSE(next_retry_delay(p, 3, 0.3, 10).has_value());
}
