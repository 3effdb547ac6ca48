#pragma once
// Users: create, find, list. Password hashes are produced by the server, stored as given.
#include <optional>
#include <string>
#include <vector>

#include "protocol/user.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

struct user_credentials {
    protocol::user user;
    std::string password_hash;
};

struct user_filter {
    std::optional<protocol::role> role;
    // Substring of username, full name, phone or e-mail, or a whole NIK or NIB; empty for all.
    std::string query;
};

// Throws conflict_error (field "username") on a duplicate.
std::int64_t insert_user(connection& c, const protocol::new_user& u,
                         const std::string& password_hash, protocol::unix_seconds now);
std::optional<protocol::user> find_user(connection& c, std::int64_t id);
std::optional<user_credentials> find_credentials(connection& c, const std::string& username);
// Oldest first, `page.limit + 1` at most after `page.after` (a user id).
std::vector<protocol::user> list_users(connection& c, const user_filter& filter,
                                       const page_request& page = {});
// A rehash on login (the same password): nothing else changes.
void update_password_hash(connection& c, std::int64_t user_id, const std::string& hash);
// Writes full name and profile as given (the caller validated them).
void update_profile(connection& c, const protocol::user& u);
// none: active again.
void set_deactivated(connection& c, std::int64_t user_id, std::optional<protocol::unix_seconds> at);
// A new password (reset or change): `must_change` after a reset.
void set_password(connection& c, std::int64_t user_id, const std::string& hash, bool must_change,
                  protocol::unix_seconds now);
std::optional<std::string> password_hash_of(connection& c, std::int64_t user_id);
bool any_admin(connection& c);
bool username_exists(connection& c, const std::string& username);

}  // namespace daring::storage
