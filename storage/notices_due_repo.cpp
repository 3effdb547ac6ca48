#include "storage/notices_due_repo.hpp"

namespace daring::storage {

void mark_notices_due(connection& c, std::int64_t session_id, protocol::unix_seconds ended_at,
                      protocol::unix_seconds now) {
    statement q(c,
                "INSERT INTO session_notices_due(session_id, ended_at, marked_at) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    q.bind(1, session_id);
    q.bind(2, static_cast<std::int64_t>(ended_at));
    q.bind(3, static_cast<std::int64_t>(now));
    q.exec();
}

std::vector<std::int64_t> sessions_owing_notices(connection& c, std::size_t limit) {
    statement q(c,
                "SELECT session_id FROM session_notices_due ORDER BY ended_at, session_id "
                "LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.column(0).as_int64());
    return out;
}

bool owes_notices(connection& c, std::int64_t session_id) {
    statement q(c, "SELECT 1 FROM session_notices_due WHERE session_id = ?");
    q.bind(1, session_id);
    return q.step();
}

void clear_notices_due(connection& c, std::int64_t session_id) {
    statement q(c, "DELETE FROM session_notices_due WHERE session_id = ?");
    q.bind(1, session_id);
    q.exec();
}

}  // namespace daring::storage
