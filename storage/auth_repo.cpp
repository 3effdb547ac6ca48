#include "storage/auth_repo.hpp"

#include "storage/connection.hpp"
#include "storage/users_repo.hpp"

namespace daring::storage {

void insert_auth_session(connection& c, const std::string& token_hash, std::int64_t user_id,
                         const std::string& csrf_token, protocol::unix_seconds now) {
    statement q(c,
                "INSERT INTO auth_sessions (token_hash, user_id, csrf_token, created_at, "
                "last_seen_at) VALUES (?,?,?,?,?)");
    q.bind(1, token_hash);
    q.bind(2, static_cast<std::int64_t>(user_id));
    q.bind(3, csrf_token);
    q.bind(4, static_cast<std::int64_t>(now));
    q.bind(5, static_cast<std::int64_t>(now));
    q.exec();
}

std::optional<auth_session> find_auth_session(connection& c, const std::string& token_hash) {
    statement q(c,
                "SELECT user_id, csrf_token, created_at, last_seen_at FROM auth_sessions "
                "WHERE token_hash = ?");
    q.bind(1, token_hash);
    if (!q.step()) return std::nullopt;
    auto user = find_user(c, q.column(0).as_int64());
    if (!user || !user->active()) return std::nullopt;  // deactivated: no session counts
    return auth_session{token_hash, std::move(*user), q.column(1).as_text(), q.column(2).as_int64(),
                        q.column(3).as_int64()};
}

void touch_auth_session(connection& c, const std::string& token_hash, protocol::unix_seconds now) {
    statement q(c, "UPDATE auth_sessions SET last_seen_at = ? WHERE token_hash = ?");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, token_hash);
    q.exec();
}

void delete_auth_session(connection& c, const std::string& token_hash) {
    statement q(c, "DELETE FROM auth_sessions WHERE token_hash = ?");
    q.bind(1, token_hash);
    q.exec();
}

int delete_user_auth_sessions(connection& c, std::int64_t user_id, const std::string& keep) {
    statement q(c, "DELETE FROM auth_sessions WHERE user_id = ? AND token_hash != ?");
    q.bind(1, user_id);
    q.bind(2, keep);
    return q.exec();
}

int delete_expired_auth_sessions(connection& c, protocol::unix_seconds idle_before,
                                 protocol::unix_seconds created_before) {
    statement q(c, "DELETE FROM auth_sessions WHERE last_seen_at < ? OR created_at < ?");
    q.bind(1, static_cast<std::int64_t>(idle_before));
    q.bind(2, static_cast<std::int64_t>(created_before));
    return q.exec();
}

}  // namespace daring::storage
