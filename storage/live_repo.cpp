#include "storage/live_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

void append_events(connection& c, const std::vector<timeline_event>& events) {
    SQLite::Statement q(c.db,
                        "INSERT OR IGNORE INTO session_events(session_id, seq, at_ms, type, body, "
                        "staff_body) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& e : events) {
        q.reset();
        q.bind(1, e.session_id);
        q.bind(2, static_cast<std::int64_t>(e.seq));
        q.bind(3, e.at_ms);
        q.bind(4, e.type);
        if (e.body)
            q.bind(5, *e.body);
        else
            q.bind(5);
        if (e.staff_body)
            q.bind(6, *e.staff_body);
        else
            q.bind(6);
        q.exec();
    }
}

std::vector<timeline_event> session_events(connection& c, std::int64_t session_id,
                                           const std::vector<std::string>& types) {
    std::string sql =
        "SELECT seq, at_ms, type, body, staff_body FROM session_events WHERE session_id = ?";
    if (!types.empty()) {
        sql += " AND type IN (";
        for (std::size_t i = 0; i < types.size(); ++i) sql += i ? ", ?" : "?";
        sql += ")";
    }
    sql += " ORDER BY seq";
    SQLite::Statement q(c.db, sql);
    q.bind(1, session_id);
    for (std::size_t i = 0; i < types.size(); ++i) q.bind(static_cast<int>(i + 2), types[i]);
    std::vector<timeline_event> out;
    while (q.executeStep()) {
        timeline_event e;
        e.session_id = session_id;
        e.seq = static_cast<std::uint64_t>(q.getColumn(0).getInt64());
        e.at_ms = q.getColumn(1).getInt64();
        e.type = q.getColumn(2).getString();
        if (!q.getColumn(3).isNull()) e.body = q.getColumn(3).getString();
        if (!q.getColumn(4).isNull()) e.staff_body = q.getColumn(4).getString();
        out.push_back(std::move(e));
    }
    return out;
}

void save_live_state(connection& c, std::int64_t session_id, const live_state& s,
                     protocol::unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO live_state(session_id, slide, last_seq, updated_at) VALUES "
        "(?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET slide = excluded.slide, "
        "last_seq = MAX(last_seq, excluded.last_seq), updated_at = "
        "excluded.updated_at");
    q.bind(1, session_id);
    q.bind(2, s.slide);
    q.bind(3, static_cast<std::int64_t>(s.last_seq));
    q.bind(4, static_cast<std::int64_t>(now));
    q.exec();
}

std::optional<live_state> find_live_state(connection& c, std::int64_t session_id) {
    SQLite::Statement q(c.db, "SELECT slide, last_seq FROM live_state WHERE session_id = ?");
    q.bind(1, session_id);
    if (!q.executeStep()) return std::nullopt;
    return live_state{q.getColumn(0).getInt(),
                      static_cast<std::uint64_t>(q.getColumn(1).getInt64())};
}

}  // namespace daring::storage
