#include "storage/attendance_repo.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "storage/connection.hpp"

namespace daring::storage {

namespace {

std::optional<std::int64_t> maybe_int(const field& col) {
    if (col.is_null()) return std::nullopt;
    return col.as_int64();
}

}  // namespace

std::int64_t max_presence_id(connection& c) {
    return c.scalar("SELECT COALESCE(MAX(id), 0) FROM presence_intervals");
}

void insert_presence(connection& c, const presence_row& row) {
    statement q(
        c,
        "INSERT INTO presence_intervals(id, session_id, user_id, visible, started_at, last_seen, "
        "ended_at, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
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
    if (row.node.empty())
        q.bind(8);
    else
        q.bind(8, row.node);
    q.exec();
}

namespace {

// PostgreSQL: every interval of a flush in one statement (a round trip per row made a 5,000-row
// flush 20x slower than SQLite's), the ids and times as two arrays.
void touch_presence_pg(connection& c,
                       const std::vector<std::pair<std::int64_t, protocol::unix_seconds>>& seen) {
    std::map<std::int64_t, protocol::unix_seconds> latest;  // one value per interval
    for (const auto& [id, at] : seen) {
        auto& v = latest[id];
        v = std::max(v, at);
    }
    std::string ids = "{", times = "{";
    for (const auto& [id, at] : latest) {
        if (ids.size() > 1) {
            ids += ',';
            times += ',';
        }
        ids += std::to_string(id);
        times += std::to_string(at);
    }
    ids += '}';
    times += '}';
    statement q(c,
                "UPDATE presence_intervals AS p SET last_seen = GREATEST(p.last_seen, v.seen) "
                "FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[])) AS v(id, seen) "
                "WHERE p.id = v.id AND p.ended_at IS NULL");
    q.bind(1, ids);
    q.bind(2, times);
    q.exec();
}

}  // namespace

void touch_presence(connection& c,
                    const std::vector<std::pair<std::int64_t, protocol::unix_seconds>>& seen) {
    if (seen.empty()) return;
    if (c.dialect() == sql_dialect::postgresql) return touch_presence_pg(c, seen);
    statement q(c,
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
    statement q(c,
                "UPDATE presence_intervals SET ended_at = MAX(started_at, ?), last_seen = "
                "MAX(last_seen, ?) "
                "WHERE id = ? AND ended_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, static_cast<std::int64_t>(at));
    q.bind(3, id);
    q.exec();
}

int close_dangling_presence(connection& c, std::int64_t up_to_id) {
    statement q(
        c, "UPDATE presence_intervals SET ended_at = last_seen WHERE ended_at IS NULL AND id <= ?");
    q.bind(1, up_to_id);
    return q.exec();
}

int close_open_presence_of(connection& c, std::int64_t session_id, const std::string& node) {
    statement q(c,
                "UPDATE presence_intervals SET ended_at = last_seen "
                "WHERE ended_at IS NULL AND session_id = ? AND node = ?");
    q.bind(1, session_id);
    q.bind(2, node);
    return q.exec();
}

int close_presence_of_ended_sessions(connection& c, protocol::unix_seconds ended_by) {
    statement q(c,
                "UPDATE presence_intervals SET ended_at = last_seen WHERE ended_at IS NULL AND "
                "session_id IN (SELECT id FROM training_sessions "
                "WHERE status = 'ended' AND ended_at <= ?)");
    q.bind(1, static_cast<std::int64_t>(ended_by));
    return q.exec();
}

int close_dangling_presence_of_node(connection& c, const std::string& node) {
    statement q(c,
                "UPDATE presence_intervals SET ended_at = last_seen "
                "WHERE ended_at IS NULL AND node = ?");
    q.bind(1, node);
    return q.exec();
}

namespace {

// The intervals of `scope` (of one user when given; ended ones only when `ended_only`), by id.
std::vector<presence_row> read_presence(connection& c, const session_scope& scope,
                                        std::optional<std::int64_t> user_id, bool ended_only) {
    statement q(c,
                "SELECT id, session_id, user_id, visible, started_at, last_seen, ended_at, "
                "COALESCE(node, '') FROM presence_intervals WHERE " +
                    in_scope(scope) + " AND (CAST(?2 AS BIGINT) IS NULL OR user_id = ?2)" +
                    (ended_only ? " AND ended_at IS NOT NULL" : "") + " ORDER BY id");
    q.bind(1, scope.id);
    bind_opt(q, 2, user_id);
    std::vector<presence_row> out;
    while (q.step()) {
        presence_row r;
        r.id = q.column(0).as_int64();
        r.session_id = q.column(1).as_int64();
        r.user_id = q.column(2).as_int64();
        r.visible = q.column(3).as_int() != 0;
        r.started_at = q.column(4).as_int64();
        r.last_seen = q.column(5).as_int64();
        r.ended_at = maybe_int(q.column(6));
        r.node = q.column(7).as_text();
        out.push_back(r);
    }
    return out;
}

}  // namespace

std::vector<presence_row> presence_in(connection& c, const session_scope& scope,
                                      std::optional<std::int64_t> user_id) {
    return read_presence(c, scope, user_id, false);
}

std::vector<presence_row> ended_presence_of(connection& c, std::int64_t session_id,
                                            std::int64_t user_id) {
    return read_presence(c, session_scope::of_session(session_id), user_id, true);
}

std::vector<presence_row> presence_of(connection& c, std::int64_t session_id,
                                      std::optional<std::int64_t> user_id) {
    return presence_in(c, session_scope::of_session(session_id), user_id);
}

bool record_checkin(connection& c, std::int64_t session_id, std::int64_t user_id,
                    protocol::unix_seconds at) {
    statement q(
        c, "INSERT INTO checkins(session_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    q.bind(1, session_id);
    q.bind(2, user_id);
    q.bind(3, static_cast<std::int64_t>(at));
    return q.exec() > 0;
}

per_session<std::map<std::int64_t, protocol::unix_seconds>> checkins_in(
    connection& c, const session_scope& scope, std::optional<std::int64_t> user_id) {
    statement q(c, "SELECT session_id, user_id, at FROM checkins WHERE " + in_scope(scope) +
                       " AND (CAST(?2 AS BIGINT) IS NULL OR user_id = ?2)");
    q.bind(1, scope.id);
    bind_opt(q, 2, user_id);
    per_session<std::map<std::int64_t, protocol::unix_seconds>> out;
    while (q.step()) out[q.column(0).as_int64()][q.column(1).as_int64()] = q.column(2).as_int64();
    return out;
}

std::map<std::int64_t, protocol::unix_seconds> checkins_of(connection& c, std::int64_t session_id,
                                                           std::optional<std::int64_t> user_id) {
    auto all = checkins_in(c, session_scope::of_session(session_id), user_id);
    return std::move(all[session_id]);
}

std::int64_t insert_mark(connection& c, const mark_row& m) {
    statement q(
        c,
        "INSERT INTO attendance_marks(session_id, user_id, status, reason, marked_by, marked_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, m.session_id);
    q.bind(2, m.user_id);
    q.bind(3, m.status);
    q.bind(4, m.reason);
    q.bind(5, m.marked_by);
    q.bind(6, static_cast<std::int64_t>(m.marked_at));
    q.exec();
    return c.last_insert_id();
}

std::vector<mark_row> marks_in(connection& c, const session_scope& scope,
                               std::optional<std::int64_t> user_id) {
    statement q(c,
                "SELECT m.id, m.session_id, m.user_id, m.status, m.reason, m.marked_by, "
                "u.full_name, m.marked_at "
                "FROM attendance_marks m JOIN users u ON u.id = m.marked_by WHERE " +
                    in_scope(scope, "m.session_id") +
                    " AND (CAST(?2 AS BIGINT) IS NULL OR m.user_id = ?2) ORDER BY m.id");
    q.bind(1, scope.id);
    bind_opt(q, 2, user_id);
    std::vector<mark_row> out;
    while (q.step()) {
        mark_row m;
        m.id = q.column(0).as_int64();
        m.session_id = q.column(1).as_int64();
        m.user_id = q.column(2).as_int64();
        m.status = q.column(3).as_text();
        m.reason = q.column(4).as_text();
        m.marked_by = q.column(5).as_int64();
        m.marked_by_name = q.column(6).as_text();
        m.marked_at = q.column(7).as_int64();
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<mark_row> marks_of(connection& c, std::int64_t session_id,
                               std::optional<std::int64_t> user_id) {
    return marks_in(c, session_scope::of_session(session_id), user_id);
}

std::vector<attendee_row> enrolled_trainees(connection& c, std::int64_t training_id) {
    statement q(c,
                "SELECT u.id, u.username, u.full_name, coalesce(u.nib, ''), coalesce(u.email, '') "
                "FROM enrollments e JOIN users u ON u.id = e.user_id "
                "WHERE e.training_id = ? AND e.withdrawn_at IS NULL ORDER BY u.id");
    q.bind(1, training_id);
    std::vector<attendee_row> out;
    while (q.step()) {
        out.push_back({q.column(0).as_int64(), q.column(1).as_text(), q.column(2).as_text(),
                       q.column(3).as_text(), q.column(4).as_text()});
    }
    return out;
}

std::optional<std::string> find_server_secret(connection& c, const std::string& name) {
    statement q(c, "SELECT value FROM server_secrets WHERE name = ?");
    q.bind(1, name);
    if (!q.step()) return std::nullopt;
    return q.column(0).as_text();
}

std::string server_secret(connection& c, const std::string& name, const std::string& candidate) {
    statement insert(
        c, "INSERT INTO server_secrets(name, value) VALUES (?, ?) ON CONFLICT DO NOTHING");
    insert.bind(1, name);
    insert.bind(2, candidate);
    insert.exec();
    statement q(c, "SELECT value FROM server_secrets WHERE name = ?");
    q.bind(1, name);
    q.step();
    return q.column(0).as_text();
}

// ---- replay progress

std::optional<protocol::replay_cursor> find_replay_cursor(connection& c, std::int64_t session_id,
                                                          std::int64_t user_id) {
    statement q(c,
                "SELECT position_ms, playing, reported_ms FROM replay_cursors WHERE "
                "session_id = ? AND user_id = ?");
    q.bind(1, session_id);
    q.bind(2, user_id);
    if (!q.step()) return std::nullopt;
    return protocol::replay_cursor{q.column(0).as_int64(), q.column(1).as_int() != 0,
                                   q.column(2).as_int64()};
}

void save_replay_cursor(connection& c, std::int64_t session_id, std::int64_t user_id,
                        const protocol::replay_cursor& cursor) {
    statement q(c,
                "INSERT INTO replay_cursors(session_id, user_id, position_ms, playing, "
                "reported_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, user_id) DO UPDATE "
                "SET position_ms = excluded.position_ms, playing = excluded.playing, "
                "reported_ms = excluded.reported_ms");
    q.bind(1, session_id);
    q.bind(2, user_id);
    q.bind(3, cursor.position_ms);
    q.bind(4, cursor.playing ? 1 : 0);
    q.bind(5, cursor.reported_ms);
    q.exec();
}

void replace_replay_ranges(connection& c, std::int64_t session_id, std::int64_t user_id,
                           const std::vector<protocol::play_range>& merged) {
    statement clear(c, "DELETE FROM replay_ranges WHERE session_id = ? AND user_id = ?");
    clear.bind(1, session_id);
    clear.bind(2, user_id);
    clear.exec();
    statement q(c,
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

per_session<std::map<std::int64_t, std::vector<protocol::play_range>>> replay_ranges_in(
    connection& c, const session_scope& scope, std::optional<std::int64_t> user_id) {
    statement q(c, "SELECT session_id, user_id, from_ms, to_ms FROM replay_ranges WHERE " +
                       in_scope(scope) +
                       " AND (CAST(?2 AS BIGINT) IS NULL OR user_id = ?2) "
                       "ORDER BY session_id, user_id, from_ms");
    q.bind(1, scope.id);
    bind_opt(q, 2, user_id);
    per_session<std::map<std::int64_t, std::vector<protocol::play_range>>> out;
    while (q.step()) {
        out[q.column(0).as_int64()][q.column(1).as_int64()].push_back(
            {q.column(2).as_int64(), q.column(3).as_int64()});
    }
    return out;
}

std::map<std::int64_t, std::vector<protocol::play_range>> replay_ranges_of(
    connection& c, std::int64_t session_id, std::optional<std::int64_t> user_id) {
    auto all = replay_ranges_in(c, session_scope::of_session(session_id), user_id);
    return std::move(all[session_id]);
}

// ---- recording privacy

std::vector<std::int64_t> hidden_chat_users(connection& c, std::int64_t session_id) {
    statement q(c, "SELECT user_id FROM recording_hidden_chat WHERE session_id = ?");
    q.bind(1, session_id);
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.column(0).as_int64());
    return out;
}

void set_chat_hidden(connection& c, std::int64_t session_id, std::int64_t user_id, bool hidden,
                     protocol::unix_seconds now) {
    statement q(c, hidden ? "INSERT INTO recording_hidden_chat(session_id, "
                            "user_id, hidden_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"
                          : "DELETE FROM recording_hidden_chat WHERE session_id = ?1 "
                            "AND user_id = ?2");
    q.bind(1, session_id);
    q.bind(2, user_id);
    if (hidden) q.bind(3, static_cast<std::int64_t>(now));
    q.exec();
}

}  // namespace daring::storage
