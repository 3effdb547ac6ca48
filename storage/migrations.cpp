#include "storage/migrations.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

const std::vector<migration>& all_migrations() {
    static const std::vector<migration> list = {
        {1, "accounts",
         R"sql(
CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,
  password_hash   TEXT NOT NULL,
  full_name       TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('admin','trainer','trainee')),
  nik             TEXT,
  phone           TEXT,
  business_name   TEXT,
  business_sector TEXT,
  region_code     TEXT,
  created_at      INTEGER NOT NULL
);
CREATE INDEX users_role ON users(role);

CREATE TABLE auth_sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);

CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY,
  actor_id INTEGER REFERENCES users(id),
  action   TEXT NOT NULL,
  target   TEXT NOT NULL,
  detail   TEXT NOT NULL DEFAULT '{}',
  at       INTEGER NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
)sql"},
    };
    return list;
}

int current_schema_version(connection& c) {
    if (!c.db.tableExists("schema_migrations")) return 0;
    return c.db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
}

int apply_migrations(connection& c) {
    c.db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
        "NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))");
    int version = current_schema_version(c);
    for (const auto& m : all_migrations()) {
        if (m.version <= version) continue;
        SQLite::Transaction txn(c.db);
        c.db.exec(m.sql);
        SQLite::Statement record(c.db, "INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
        record.bind(1, m.version);
        record.bind(2, m.name);
        record.exec();
        txn.commit();
        version = m.version;
    }
    return version;
}

}  // namespace daring::storage
