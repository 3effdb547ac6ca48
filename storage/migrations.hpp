#pragma once
#include <functional>
#include <string>
#include <vector>

namespace daring::storage {

class connection;

struct migration {
    int version;
    std::string name;
    std::string sql;
    // Run after the SQL, in the same transaction, for changes SQL cannot express.
    std::function<void(connection&)> then = nullptr;
    // Run after the SQL on PostgreSQL only, where the translated schema needs more (e.g. the
    // rowid SQLite gives every table).
    std::string pg_extra;
};

// Every schema version, in order. Append only: a shipped migration never changes.
const std::vector<migration>& all_migrations();

// Applies each migration newer than the database's version, each in its own transaction.
// Idempotent. Returns the resulting version.
int apply_migrations(connection& c);
int current_schema_version(connection& c);

// A migration's SQLite schema text as PostgreSQL's: 64-bit integers, identity keys, BYTEA,
// DOUBLE PRECISION, no WITHOUT ROWID. The one place where the two schemas differ.
std::string pg_schema_sql(const std::string& sqlite_sql);

}  // namespace daring::storage
