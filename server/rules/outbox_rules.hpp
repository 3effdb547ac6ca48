#pragma once
// When the outbox tries a message again: exponential backoff with jitter, a provider's
// Retry-After honoured, a bounded number of attempts. Pure: the caller passes the jitter.
#include <optional>
#include <string>
#include <string_view>

#include "protocol/time_format.hpp"

namespace daring::server {

struct retry_policy {
    int max_attempts = 6;                 // including the first
    protocol::unix_seconds base_s = 30;   // the delay after the first failure, before jitter
    protocol::unix_seconds cap_s = 3600;  // no backoff delay grows past this
    protocol::unix_seconds max_retry_after_s = 86400;  // a provider asking for longer is capped
};

// The delay before the next attempt after `attempts_made` attempts (>= 1) failed, or nullopt
// when no attempt is left. Backoff: base * 2^(attempts_made - 1), capped, scaled by
// 0.5 + jitter / 2 (jitter in [0, 1]); a longer Retry-After wins.
std::optional<protocol::unix_seconds> next_retry_delay(
    const retry_policy& p, int attempts_made, double jitter,
    std::optional<protocol::unix_seconds> retry_after = std::nullopt);

// What the outbox page shows of a WhatsApp Cloud API answer, at most `limit` characters: "HTTP
// 200, message wamid..." for an accepted message; for a refusal the status, the provider's
// code and message and its details ("HTTP 400, #131030: Recipient phone number not in allowed
// list. ..."); any other body as it came. Never throws on a malformed body.
std::string whatsapp_answer_summary(long status, std::string_view body, std::size_t limit = 500);

}  // namespace daring::server
