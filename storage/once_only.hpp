#pragma once
// Work that must run once however many nodes share the database (reminders, the recordings'
// retention sweep). Inside a write job, a node takes the work's lock for the job's transaction;
// a node that does not get it skips the round (another node is doing it, and the next round
// sees what that node committed).
#include <cstdint>

namespace daring::storage {

class connection;

enum class once_only : std::int64_t {
    reminders = 1,
    recording_retention = 2,
};

// PostgreSQL: a transaction-scoped advisory lock (pg_try_advisory_xact_lock), released at
// COMMIT or ROLLBACK; never waits. SQLite: one node writes, so always true.
bool take_once_only(connection& c, once_only work);

// The advisory lock key of `work` (beside migrations' own key, 7270001).
std::int64_t once_only_key(once_only work);

}  // namespace daring::storage
