#include "storage/users_repo.hpp"

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace daring::storage {

namespace {

const char* const user_columns =
    "id, username, full_name, role, nik, phone, business_name, business_sector, region_code, "
    "created_at, email, nib, must_change_password, deactivated_at, notify_channel, language";
constexpr int user_column_count = 16;

std::string text_or_empty(const field& col) {
    return col.is_null() ? std::string{} : col.as_text();
}

protocol::user read_user(statement& q) {
    protocol::user u;
    u.id = q.column(0).as_int64();
    u.username = q.column(1).as_text();
    u.full_name = q.column(2).as_text();
    u.user_role = protocol::parse_role(q.column(3).as_text()).value_or(protocol::role::trainee);
    u.profile.nik = text_or_empty(q.column(4));
    u.profile.phone = text_or_empty(q.column(5));
    u.profile.business_name = text_or_empty(q.column(6));
    u.profile.business_sector = text_or_empty(q.column(7));
    u.profile.region_code = text_or_empty(q.column(8));
    u.created_at = q.column(9).as_int64();
    u.profile.email = text_or_empty(q.column(10));
    u.profile.nib = text_or_empty(q.column(11));
    u.must_change_password = q.column(12).as_int() != 0;
    if (!q.column(13).is_null()) u.deactivated_at = q.column(13).as_int64();
    u.profile.notify_channel = text_or_empty(q.column(14));
    u.profile.language = text_or_empty(q.column(15));
    return u;
}

void bind_optional(statement& q, int index, const std::string& value) {
    if (value.empty())
        q.bind(index);
    else
        q.bind(index, value);
}

}  // namespace

std::int64_t insert_user(connection& c, const protocol::new_user& u,
                         const std::string& password_hash, protocol::unix_seconds now) {
    statement q(c,
                "INSERT INTO users (username, password_hash, full_name, role, nik, phone, "
                "business_name, business_sector, region_code, created_at, email, nib, "
                "must_change_password, notify_channel, language) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, u.username);
    q.bind(2, password_hash);
    q.bind(3, u.full_name);
    q.bind(4, std::string(protocol::to_string(u.user_role)));
    bind_optional(q, 5, u.profile.nik);
    bind_optional(q, 6, u.profile.phone);
    bind_optional(q, 7, u.profile.business_name);
    bind_optional(q, 8, u.profile.business_sector);
    bind_optional(q, 9, u.profile.region_code);
    q.bind(10, static_cast<std::int64_t>(now));
    bind_optional(q, 11, u.profile.email);
    bind_optional(q, 12, u.profile.nib);
    q.bind(13, u.must_change_password ? 1 : 0);
    bind_optional(q, 14, u.profile.notify_channel);
    q.bind(15, u.profile.language.empty() ? std::string("id") : u.profile.language);
    try {
        q.exec();
    } catch (const sql_error& e) {
        rethrow_constraint(e, "username", "username '" + u.username + "' is already taken");
    }
    return c.last_insert_id();
}

std::optional<protocol::user> find_user(connection& c, std::int64_t id) {
    statement q(c, std::string("SELECT ") + user_columns + " FROM users WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.step()) return std::nullopt;
    return read_user(q);
}

std::optional<user_credentials> find_credentials(connection& c, const std::string& username) {
    statement q(
        c, std::string("SELECT ") + user_columns + ", password_hash FROM users WHERE username = ?");
    q.bind(1, username);
    if (!q.step()) return std::nullopt;
    user_credentials out{read_user(q), q.column(user_column_count).as_text()};
    return out;
}

std::vector<protocol::user> list_users(connection& c, const user_filter& filter,
                                       const page_request& page) {
    std::string sql = std::string("SELECT ") + user_columns + " FROM users WHERE id > :after";
    if (filter.role) sql += " AND role = :role";
    if (!filter.query.empty())
        sql +=
            " AND (instr(lower(username), lower(:q)) > 0 OR instr(lower(full_name), lower(:q)) > "
            "0 OR nik = :q OR nib = :q OR instr(phone, :q) > 0 OR instr(lower(email), lower(:q)) "
            "> 0)";
    sql += " ORDER BY id LIMIT :limit";
    statement q(c, sql);
    q.bind(":after", page.after.empty() ? std::int64_t{0} : page.after.front());
    if (filter.role) q.bind(":role", std::string(protocol::to_string(*filter.role)));
    if (!filter.query.empty()) q.bind(":q", filter.query);
    q.bind(":limit", static_cast<std::int64_t>(page.limit + 1));
    std::vector<protocol::user> out;
    while (q.step()) out.push_back(read_user(q));
    return out;
}

void update_profile(connection& c, const protocol::user& u) {
    statement q(c,
                "UPDATE users SET full_name = ?, nik = ?, nib = ?, phone = ?, email = ?, "
                "business_name = ?, business_sector = ?, region_code = ?, "
                "notify_channel = ?, language = ? WHERE id = ?");
    q.bind(1, u.full_name);
    bind_optional(q, 2, u.profile.nik);
    bind_optional(q, 3, u.profile.nib);
    bind_optional(q, 4, u.profile.phone);
    bind_optional(q, 5, u.profile.email);
    bind_optional(q, 6, u.profile.business_name);
    bind_optional(q, 7, u.profile.business_sector);
    bind_optional(q, 8, u.profile.region_code);
    bind_optional(q, 9, u.profile.notify_channel);
    q.bind(10, u.profile.language.empty() ? std::string("id") : u.profile.language);
    q.bind(11, static_cast<std::int64_t>(u.id));
    q.exec();
}

void set_deactivated(connection& c, std::int64_t user_id,
                     std::optional<protocol::unix_seconds> at) {
    statement q(c, "UPDATE users SET deactivated_at = ? WHERE id = ?");
    if (at)
        q.bind(1, static_cast<std::int64_t>(*at));
    else
        q.bind(1);
    q.bind(2, static_cast<std::int64_t>(user_id));
    q.exec();
}

void set_password(connection& c, std::int64_t user_id, const std::string& hash, bool must_change,
                  protocol::unix_seconds now) {
    statement q(c,
                "UPDATE users SET password_hash = ?, must_change_password = ?, "
                "password_changed_at = ? WHERE id = ?");
    q.bind(1, hash);
    q.bind(2, must_change ? 1 : 0);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, static_cast<std::int64_t>(user_id));
    q.exec();
}

std::optional<std::string> password_hash_of(connection& c, std::int64_t user_id) {
    statement q(c, "SELECT password_hash FROM users WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(user_id));
    if (!q.step()) return std::nullopt;
    return q.column(0).as_text();
}

void update_password_hash(connection& c, std::int64_t user_id, const std::string& hash) {
    statement q(c, "UPDATE users SET password_hash = ? WHERE id = ?");
    q.bind(1, hash);
    q.bind(2, static_cast<std::int64_t>(user_id));
    q.exec();
}

bool any_admin(connection& c) {
    return c.scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'") != 0;
}

bool username_exists(connection& c, const std::string& username) {
    statement q(c, "SELECT 1 FROM users WHERE username = ?");
    q.bind(1, username);
    return q.step();
}

}  // namespace daring::storage
