#include "storage/notices_due_repo.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace daring::storage {

void mark_notices_due(connection& c, std::int64_t session_id, protocol::unix_seconds ended_at,
                      protocol::unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "INSERT OR IGNORE INTO session_notices_due(session_id, ended_at, marked_at) "
        "VALUES (?, ?, ?)");
    q.bind(1, session_id);
    q.bind(2, static_cast<std::int64_t>(ended_at));
    q.bind(3, static_cast<std::int64_t>(now));
    q.exec();
}

std::vector<std::int64_t> sessions_owing_notices(connection& c, std::size_t limit) {
    SQLite::Statement q(c.db,
                        "SELECT session_id FROM session_notices_due ORDER BY ended_at, session_id "
                        "LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<std::int64_t> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
    return out;
}

bool owes_notices(connection& c, std::int64_t session_id) {
    SQLite::Statement q(c.db, "SELECT 1 FROM session_notices_due WHERE session_id = ?");
    q.bind(1, session_id);
    return q.executeStep();
}

void clear_notices_due(connection& c, std::int64_t session_id) {
    SQLite::Statement q(c.db, "DELETE FROM session_notices_due WHERE session_id = ?");
    q.bind(1, session_id);
    q.exec();
}

}  // namespace daring::storage
