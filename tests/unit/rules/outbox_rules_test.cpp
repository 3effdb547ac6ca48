// When the outbox tries again: exponential backoff, jitter, Retry-After, the last attempt.
#include "server/rules/outbox_rules.hpp"

#include <gtest/gtest.h>

using daring::server::next_retry_delay;
using daring::server::retry_policy;
using daring::server::whatsapp_answer_summary;

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

TEST(OutboxRules, AProvidersAnswerReadsAsItsStatusCodeMessageAndDetails) {
    EXPECT_EQ(whatsapp_answer_summary(
                  200, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.HBg1"}]})"),
              "HTTP 200, message wamid.HBg1");
    EXPECT_EQ(
        whatsapp_answer_summary(
            400, R"({"error":{"message":"(#131030) Recipient phone number not in allowed list",)"
                 R"("type":"OAuthException","code":131030,"error_data":{"messaging_product":)"
                 R"("whatsapp","details":"Add recipient phone number to recipient list"}}})"),
        "HTTP 400, #131030: (#131030) Recipient phone number not in allowed list. Add "
        "recipient phone number to recipient list");
    EXPECT_EQ(whatsapp_answer_summary(401, R"({"error":{"message":"Invalid OAuth access token"}})"),
              "HTTP 401, Invalid OAuth access token");
}

TEST(OutboxRules, AnAnswerWithoutKnownFieldsIsKeptAsItCameWithinTheLimit) {
    EXPECT_EQ(whatsapp_answer_summary(502, "<html>Bad gateway</html>"),
              "HTTP 502 <html>Bad gateway</html>");
    EXPECT_EQ(whatsapp_answer_summary(500, R"({"error":"flat"})"), R"(HTTP 500 {"error":"flat"})");
    EXPECT_EQ(whatsapp_answer_summary(503, ""), "HTTP 503");
    EXPECT_EQ(whatsapp_answer_summary(500, std::string(2000, 'x'), 40).size(), 40U);
    EXPECT_EQ(whatsapp_answer_summary(400, R"({"error":{"message":)"),
              R"(HTTP 400 {"error":{"message":)");
}
