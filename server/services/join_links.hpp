#pragma once
// One-tap join links in messages: a token bound to one user and one session, signed with a
// server secret (HMAC-SHA256), usable once (the API records its use) and only from a while
// before the session starts until it ends. A token carries no password and grants nothing but
// joining that session as that user.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/time_format.hpp"
#include "server/http/request_rules.hpp"

namespace daring::server {

// The server secret's name (storage::server_secret) and the link's path prefix.
inline constexpr const char* join_secret_name = "join_links";

struct join_claim {
    std::int64_t user_id = 0;
    std::int64_t session_id = 0;
};

// "<user>.<session>.<nonce>.<mac>"; `nonce` makes each message's link its own (the outbox id).
std::string make_join_token(const std::string& secret, std::int64_t user_id,
                            std::int64_t session_id, std::int64_t nonce);
// The claim of a well-formed token with a valid signature; nullopt otherwise.
std::optional<join_claim> read_join_token(const std::string& secret, std::string_view token);

// Whether `now` falls in the link's window: from `early_s` before the start until the end.
bool join_window_open(protocol::unix_seconds now, protocol::unix_seconds starts_at,
                      protocol::unix_seconds ends_at, protocol::unix_seconds early_s);

}  // namespace daring::server
