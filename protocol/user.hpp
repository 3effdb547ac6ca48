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
    std::string nib;  // Nomor Induk Berusaha (the business id): exactly 13 digits, or empty
    // Mobile and international numbers in E.164 ("+6281234567890"); landlines as written.
    std::string phone;
    std::string email;
    std::string business_name;
    std::string business_sector;
    std::string region_code;
    // Messages outside the app: "whatsapp", "email", "none", or empty for the default (WhatsApp
    // to a mobile number, else e-mail when known); and their language, "id" (default) or "en".
    std::string notify_channel;
    std::string language;
};

struct user {
    std::int64_t id = 0;
    std::string username;
    std::string full_name;
    role user_role = role::trainee;
    user_profile profile;
    unix_seconds created_at = 0;
    // Set by a password reset or a CSV import: every route but /me, logout and /me/password
    // answers 403 password_change_required until the user chose their own.
    bool must_change_password = false;
    std::optional<unix_seconds> deactivated_at;  // none: active
    bool active() const { return !deactivated_at; }
};

struct new_user {
    std::string username;
    std::string password;
    std::string full_name;
    role user_role = role::trainee;
    user_profile profile;
    bool must_change_password = false;
};

// PATCH /api/v1/users/{id}: each field present is changed; profile strings "" or null clear.
struct user_patch {
    std::optional<std::string> full_name;
    std::optional<std::string> nik, nib, phone, email, business_name, business_sector, region_code,
        notify_channel, language;
    std::optional<bool> active;
    // The names of the fields present, in the body's order, for the audit log.
    std::vector<std::string> fields;
};
result<user_patch> parse_user_patch(const json& body);
// The user with the patch's profile fields applied (not `active`).
user apply_patch(user u, const user_patch& p);

struct password_change {
    std::string current;
    std::string next;
};
// POST /api/v1/me/password {current, new}: the new one 8 to 128 characters, not the current.
result<password_change> parse_password_change(const json& body);

// A phone number as stored: Indonesian mobiles (08..., 628..., +628...) and numbers written with
// a country code become E.164 ("+" and 8 to 15 digits); landlines and local numbers are kept as
// written. nullopt when it is not a phone number (letters, too short or long).
std::optional<std::string> normalize_phone(std::string_view text);
// An Indonesian mobile number in E.164 (WhatsApp can reach it).
bool is_mobile_phone(std::string_view normalized);
bool valid_email(std::string_view text);

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
// A CSV with a header row of new-user field names (username, password, full_name, role, nik,
// nib, phone, email, business_name, business_sector, region_code). All rows or none: the error
// lists every bad line (duplicate usernames within the file included).
result<std::vector<user_import_row>> parse_user_import(std::string_view csv_text);

json to_json(const user& u);
// The short form used in login answers: {id, username, full_name, role}.
json to_summary_json(const user& u);

}  // namespace daring::protocol
