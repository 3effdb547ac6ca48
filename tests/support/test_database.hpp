#pragma once
// The database of a test's server, opened as another process would (to seed rows or to check
// what a killed server stored): the SQLite file, or the PostgreSQL database that stands for it
// under DARING_TEST_ENGINE=postgresql (server_process.hpp, test_database()).
#include <memory>
#include <string>

#include "storage/database.hpp"
#include "storage/pg_connection.hpp"
#include "storage/sqlite_connection.hpp"
#include "tests/support/server_process.hpp"

namespace daring::test {

inline std::unique_ptr<storage::connection> open_test_database(const std::string& path) {
    const auto where = test_database(path);
    if (storage::is_postgresql_uri(where)) return std::make_unique<storage::pg_connection>(where);
    auto c = std::make_unique<storage::sqlite_connection>(path, SQLite::OPEN_READWRITE);
    c->exec("PRAGMA busy_timeout = 5000");
    return c;
}

// After a kill: SQLite's integrity_check ("ok" when sound; opening replays the WAL as a restart
// would); on PostgreSQL, which recovers by itself, that the schema is readable ("ok").
inline std::string integrity_of(storage::connection& c) {
    if (c.dialect() == storage::sql_dialect::postgresql)
        return c.scalar("SELECT COUNT(*) FROM schema_migrations") > 0 ? "ok" : "no schema";
    storage::statement q(c, "PRAGMA integrity_check");
    return q.step() ? q.column(0).as_text() : "no answer";
}

}  // namespace daring::test
