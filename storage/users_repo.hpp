#pragma once
// Users: create, find, list. Password hashes are produced by the server, stored as given.
#include <optional>
#include <string>
#include <vector>

#include "protocol/user.hpp"

namespace daring::storage {

class connection;

struct user_credentials {
    protocol::user user;
    std::string password_hash;
};

struct user_filter {
    std::optional<protocol::role> role;
    std::string query;  // substring of username or full name; empty for all
    int limit = 500;
    int offset = 0;
};

// Throws conflict_error (field "username") on a duplicate.
std::int64_t insert_user(connection& c, const protocol::new_user& u,
                         const std::string& password_hash, protocol::unix_seconds now);
std::optional<protocol::user> find_user(connection& c, std::int64_t id);
std::optional<user_credentials> find_credentials(connection& c, const std::string& username);
std::vector<protocol::user> list_users(connection& c, const user_filter& filter);
void update_password_hash(connection& c, std::int64_t user_id, const std::string& hash);
bool any_admin(connection& c);
bool username_exists(connection& c, const std::string& username);

}  // namespace daring::storage
