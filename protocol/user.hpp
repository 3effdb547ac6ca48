#pragma once
// Accounts: roles, the user record and its profile, validation of new users and CSV imports.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/error.hpp"
#include "protocol/json_text.hpp"
#include "protocol/time_format.hpp"

namespace daring::protocol {

enum class role { admin, trainer, trainee };
std::optional<role> parse_role(std::string_view text);
std::string_view to_string(role r);

inline constexpr std::size_t password_min_length = 8;
inline constexpr std::size_t password_max_length = 128;
inline constexpr std::size_t username_max_length = 64;
inline constexpr std::size_t full_name_max_length = 200;
// Rows in one POST /users/import.
inline constexpr std::size_t user_import_row_limit = 2000;

struct user_profile {
    std::string nik;  // Nomor Induk Kependudukan: exactly 16 digits, or empty
    std::string phone;
    std::string business_name;
    std::string business_sector;
    std::string region_code;
};

struct user {
    std::int64_t id = 0;
    std::string username;
    std::string full_name;
    role user_role = role::trainee;
    user_profile profile;
    unix_seconds created_at = 0;
};

struct new_user {
    std::string username;
    std::string password;
    std::string full_name;
    role user_role = role::trainee;
    user_profile profile;
};

struct login_request {
    std::string username;
    std::string password;
};

struct user_import_row {
    int line = 0;  // line in the CSV text
    new_user user;
};

// Validates POST /api/v1/users bodies; errors name the field.
result<new_user> parse_new_user(const json& body);
result<login_request> parse_login_request(const json& body);
// A CSV with a header row of new-user field names. All rows or none: the error lists every
// bad line (duplicate usernames within the file included).
result<std::vector<user_import_row>> parse_user_import(std::string_view csv_text);

json to_json(const user& u);
// The short form used in login answers: {id, username, full_name, role}.
json to_summary_json(const user& u);

}  // namespace daring::protocol
