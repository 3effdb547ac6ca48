#pragma once
// The durable mark that a session's after-session notices are owed (written with the end, in
// the same transaction; removed once they are written). A crash between the two leaves the mark,
// and the next pass fills it in: nothing owed is lost.
#include <cstdint>
#include <vector>

#include "protocol/time_format.hpp"
#include "storage/connection.hpp"

namespace daring::storage {

// Marks the session (idempotent: a second mark keeps the first).
void mark_notices_due(connection& c, std::int64_t session_id, protocol::unix_seconds ended_at,
                      protocol::unix_seconds now);
// Sessions owing notices, oldest end first, at most `limit`.
std::vector<std::int64_t> sessions_owing_notices(connection& c, std::size_t limit);
// Whether the session still owes them (another pass may have written them meanwhile).
bool owes_notices(connection& c, std::int64_t session_id);
void clear_notices_due(connection& c, std::int64_t session_id);

}  // namespace daring::storage
