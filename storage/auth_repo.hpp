#pragma once
// Login sessions: stored by the SHA-256 of the bearer token, never the token itself.
#include <optional>
#include <string>
#include <vector>

#include "protocol/user.hpp"

namespace daring::storage {

class connection;

struct auth_session {
    std::string token_hash;
    protocol::user user;
    std::string csrf_token;
    protocol::unix_seconds created_at = 0;
    protocol::unix_seconds last_seen_at = 0;
};

void insert_auth_session(connection& c, const std::string& token_hash, std::int64_t user_id,
                         const std::string& csrf_token, protocol::unix_seconds now);
std::optional<auth_session> find_auth_session(connection& c, const std::string& token_hash);
void touch_auth_session(connection& c, const std::string& token_hash, protocol::unix_seconds now);
void delete_auth_session(connection& c, const std::string& token_hash);
// Ends every login session of a user but `keep` (a token hash; empty: all). Returns how many.
int delete_user_auth_sessions(connection& c, std::int64_t user_id, const std::string& keep = {});
// Removes sessions idle since `idle_before` or created before `created_before`.
int delete_expired_auth_sessions(connection& c, protocol::unix_seconds idle_before,
                                 protocol::unix_seconds created_before);

}  // namespace daring::storage
