#include "storage/attendance_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

namespace {

std::optional<std::int64_t> maybe_int(const SQLite::Column& col) {
    if (col.isNull()) return std::nullopt;
    return col.getInt64();
}

void bind_user_filter(SQLite::Statement& q, int index, const std::optional<std::int64_t>& user_id) {
    if (user_id)
        q.bind(index, *user_id);
    else
        q.bind(index);
}

}  // namespace

std::int64_t max_presence_id(connection& c) {
    return c.db.execAndGet("SELECT COALESCE(MAX(id), 0) FROM presence_intervals").getInt64();
}

void insert_presence(connection& c, const presence_row& row) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO presence_intervals(id, session_id, user_id, visible, started_at, last_seen, "
        "ended_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, row.id);
    q.bind(2, row.session_id);
    q.bind(3, row.user_id);
    q.bind(4, row.visible ? 1 : 0);
    q.bind(5, static_cast<std::int64_t>(row.started_at));
    q.bind(6, static_cast<std::int64_t>(row.last_seen));
    if (row.ended_at)
        q.bind(7, static_cast<std::int64_t>(*row.ended_at));
    else
        q.bind(7);
    q.exec();
}

void touch_presence(connection& c,
                    const std::vector<std::pair<std::int64_t, protocol::unix_seconds>>& seen) {
    SQLite::Statement q(c.db,
                        "UPDATE presence_intervals SET last_seen = MAX(last_seen, ?) WHERE id = ? "
                        "AND ended_at IS NULL");
    for (const auto& [id, at] : seen) {
        q.bind(1, static_cast<std::int64_t>(at));
        q.bind(2, id);
        q.exec();
        q.reset();
    }
}

void close_presence(connection& c, std::int64_t id, protocol::unix_seconds at) {
    SQLite::Statement q(c.db,
                        "UPDATE presence_intervals SET ended_at = MAX(started_at, ?), last_seen = "
                        "MAX(last_seen, ?) "
                        "WHERE id = ? AND ended_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, static_cast<std::int64_t>(at));
    q.bind(3, id);
    q.exec();
}

int close_dangling_presence(connection& c, std::int64_t up_to_id) {
    SQLite::Statement q(
        c.db,
        "UPDATE presence_intervals SET ended_at = last_seen WHERE ended_at IS NULL AND id <= ?");
    q.bind(1, up_to_id);
    return q.exec();
}

std::vector<presence_row> presence_of(connection& c, std::int64_t session_id,
                                      std::optional<std::int64_t> user_id) {
    SQLite::Statement q(c.db,
                        "SELECT id, session_id, user_id, visible, started_at, last_seen, ended_at "
                        "FROM presence_intervals "
                        "WHERE session_id = ? AND (?2 IS NULL OR user_id = ?2) ORDER BY id");
    q.bind(1, session_id);
    bind_user_filter(q, 2, user_id);
    std::vector<presence_row> out;
    while (q.executeStep()) {
        presence_row r;
        r.id = q.getColumn(0).getInt64();
        r.session_id = q.getColumn(1).getInt64();
        r.user_id = q.getColumn(2).getInt64();
        r.visible = q.getColumn(3).getInt() != 0;
        r.started_at = q.getColumn(4).getInt64();
        r.last_seen = q.getColumn(5).getInt64();
        r.ended_at = maybe_int(q.getColumn(6));
        out.push_back(r);
    }
    return out;
}

bool record_checkin(connection& c, std::int64_t session_id, std::int64_t user_id,
                    protocol::unix_seconds at) {
    SQLite::Statement q(c.db,
                        "INSERT OR IGNORE INTO checkins(session_id, user_id, at) VALUES (?, ?, ?)");
    q.bind(1, session_id);
    q.bind(2, user_id);
    q.bind(3, static_cast<std::int64_t>(at));
    return q.exec() > 0;
}

std::map<std::int64_t, protocol::unix_seconds> checkins_of(connection& c, std::int64_t session_id,
                                                           std::optional<std::int64_t> user_id) {
    SQLite::Statement q(
        c.db,
        "SELECT user_id, at FROM checkins WHERE session_id = ? AND (?2 IS NULL OR user_id = ?2)");
    q.bind(1, session_id);
    bind_user_filter(q, 2, user_id);
    std::map<std::int64_t, protocol::unix_seconds> out;
    while (q.executeStep()) out[q.getColumn(0).getInt64()] = q.getColumn(1).getInt64();
    return out;
}

std::int64_t insert_mark(connection& c, const mark_row& m) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO attendance_marks(session_id, user_id, status, reason, marked_by, marked_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, m.session_id);
    q.bind(2, m.user_id);
    q.bind(3, m.status);
    q.bind(4, m.reason);
    q.bind(5, m.marked_by);
    q.bind(6, static_cast<std::int64_t>(m.marked_at));
    q.exec();
    return c.db.getLastInsertRowid();
}

std::vector<mark_row> marks_of(connection& c, std::int64_t session_id,
                               std::optional<std::int64_t> user_id) {
    SQLite::Statement q(c.db,
                        "SELECT m.id, m.session_id, m.user_id, m.status, m.reason, m.marked_by, "
                        "u.full_name, m.marked_at "
                        "FROM attendance_marks m JOIN users u ON u.id = m.marked_by "
                        "WHERE m.session_id = ? AND (?2 IS NULL OR m.user_id = ?2) ORDER BY m.id");
    q.bind(1, session_id);
    bind_user_filter(q, 2, user_id);
    std::vector<mark_row> out;
    while (q.executeStep()) {
        mark_row m;
        m.id = q.getColumn(0).getInt64();
        m.session_id = q.getColumn(1).getInt64();
        m.user_id = q.getColumn(2).getInt64();
        m.status = q.getColumn(3).getString();
        m.reason = q.getColumn(4).getString();
        m.marked_by = q.getColumn(5).getInt64();
        m.marked_by_name = q.getColumn(6).getString();
        m.marked_at = q.getColumn(7).getInt64();
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<attendee_row> enrolled_trainees(connection& c, std::int64_t training_id) {
    SQLite::Statement q(
        c.db,
        "SELECT u.id, u.username, u.full_name, coalesce(u.nib, ''), coalesce(u.email, '') "
        "FROM enrollments e JOIN users u ON u.id = e.user_id "
        "WHERE e.training_id = ? AND e.withdrawn_at IS NULL ORDER BY u.id");
    q.bind(1, training_id);
    std::vector<attendee_row> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                       q.getColumn(2).getString(), q.getColumn(3).getString(),
                       q.getColumn(4).getString()});
    }
    return out;
}

std::optional<std::string> find_server_secret(connection& c, const std::string& name) {
    SQLite::Statement q(c.db, "SELECT value FROM server_secrets WHERE name = ?");
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
}

std::string server_secret(connection& c, const std::string& name, const std::string& candidate) {
    SQLite::Statement insert(c.db,
                             "INSERT OR IGNORE INTO server_secrets(name, value) VALUES (?, ?)");
    insert.bind(1, name);
    insert.bind(2, candidate);
    insert.exec();
    SQLite::Statement q(c.db, "SELECT value FROM server_secrets WHERE name = ?");
    q.bind(1, name);
    q.executeStep();
    return q.getColumn(0).getString();
}

// ---- replay progress

std::optional<protocol::replay_cursor> find_replay_cursor(connection& c, std::int64_t session_id,
                                                          std::int64_t user_id) {
    SQLite::Statement q(c.db,
                        "SELECT position_ms, playing, reported_ms FROM replay_cursors WHERE "
                        "session_id = ? AND user_id = ?");
    q.bind(1, session_id);
    q.bind(2, user_id);
    if (!q.executeStep()) return std::nullopt;
    return protocol::replay_cursor{q.getColumn(0).getInt64(), q.getColumn(1).getInt() != 0,
                                   q.getColumn(2).getInt64()};
}

void save_replay_cursor(connection& c, std::int64_t session_id, std::int64_t user_id,
                        const protocol::replay_cursor& cursor) {
    SQLite::Statement q(c.db,
                        "INSERT OR REPLACE INTO replay_cursors(session_id, user_id, position_ms, "
                        "playing, reported_ms) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, session_id);
    q.bind(2, user_id);
    q.bind(3, cursor.position_ms);
    q.bind(4, cursor.playing ? 1 : 0);
    q.bind(5, cursor.reported_ms);
    q.exec();
}

void replace_replay_ranges(connection& c, std::int64_t session_id, std::int64_t user_id,
                           const std::vector<protocol::play_range>& merged) {
    SQLite::Statement clear(c.db, "DELETE FROM replay_ranges WHERE session_id = ? AND user_id = ?");
    clear.bind(1, session_id);
    clear.bind(2, user_id);
    clear.exec();
    SQLite::Statement q(c.db,
                        "INSERT INTO replay_ranges(session_id, user_id, from_ms, to_ms) VALUES "
                        "(?, ?, ?, ?)");
    for (const auto& r : merged) {
        q.bind(1, session_id);
        q.bind(2, user_id);
        q.bind(3, r.from_ms);
        q.bind(4, r.to_ms);
        q.exec();
        q.reset();
    }
}

std::map<std::int64_t, std::vector<protocol::play_range>> replay_ranges_of(
    connection& c, std::int64_t session_id, std::optional<std::int64_t> user_id) {
    SQLite::Statement q(c.db,
                        "SELECT user_id, from_ms, to_ms FROM replay_ranges WHERE session_id = ? "
                        "AND (?2 IS NULL OR user_id = ?2) ORDER BY user_id, from_ms");
    q.bind(1, session_id);
    bind_user_filter(q, 2, user_id);
    std::map<std::int64_t, std::vector<protocol::play_range>> out;
    while (q.executeStep()) {
        out[q.getColumn(0).getInt64()].push_back(
            {q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
    }
    return out;
}

// ---- recording privacy

std::vector<std::int64_t> hidden_chat_users(connection& c, std::int64_t session_id) {
    SQLite::Statement q(c.db, "SELECT user_id FROM recording_hidden_chat WHERE session_id = ?");
    q.bind(1, session_id);
    std::vector<std::int64_t> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
    return out;
}

void set_chat_hidden(connection& c, std::int64_t session_id, std::int64_t user_id, bool hidden,
                     protocol::unix_seconds now) {
    SQLite::Statement q(c.db, hidden ? "INSERT OR IGNORE INTO recording_hidden_chat(session_id, "
                                       "user_id, hidden_at) VALUES (?1, ?2, ?3)"
                                     : "DELETE FROM recording_hidden_chat WHERE session_id = ?1 "
                                       "AND user_id = ?2");
    q.bind(1, session_id);
    q.bind(2, user_id);
    if (hidden) q.bind(3, static_cast<std::int64_t>(now));
    q.exec();
}

}  // namespace daring::storage
