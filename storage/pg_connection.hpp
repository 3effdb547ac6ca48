#pragma once
// Private to storage/: the PostgreSQL engine behind `connection` (libpqxx). Transactions are
// the writer's own BEGIN / SAVEPOINT / COMMIT statements on an autocommit session, as on SQLite.
// Statements are prepared once per connection; `?` and `:name` placeholders become `$n`.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/sql.hpp"

namespace daring::storage {

// SQL written for SQLite's placeholders in PostgreSQL's: "?" and ":name" become "$1", "$2"...
// (a name used twice is one parameter), outside quoted text and "::" casts.
struct pg_sql {
    std::string text;
    std::vector<std::string> names;  // names[i]: the name of $(i+1), "" for "?"
};
pg_sql to_pg_placeholders(const std::string& sql);

class pg_connection final : public connection {
  public:
    // `uri`: a libpq connection URI (postgresql://user@host/dbname); the password comes from
    // PGPASSWORD or ~/.pgpass. Throws sql_error(unavailable) when the server cannot be reached.
    explicit pg_connection(const std::string& uri);
    ~pg_connection() override;
    sql_dialect dialect() const override { return sql_dialect::postgresql; }
    void exec(const std::string& sql) override;
    std::unique_ptr<statement_impl> prepare(const std::string& sql) override;
    // BEGIN; when the connection was lost since its last use (the database restarted), one
    // retry on a new connection (a failed BEGIN started nothing).
    void begin() override;
    // The session's socket readable while no query runs (a termination notice or end of file):
    // reconnect now, with the same session settings.
    void revive_if_lost() override;
    std::int64_t last_insert_id() override;
    bool table_exists(const std::string& name) override;
    // A session setting kept across reconnections (libpqxx sets it again on the new session).
    void set_session(const std::string& name, const std::string& value);
    // The server's version as a number (150018 for 15.18).
    int server_version() const;

    struct state;

  private:
    // Runs `sql` (which must start nothing when it fails) up to three times while the failure is
    // a lost connection: libpqxx finds one only by using it, its next call drops the dead
    // connection (and fails), the one after connects anew.
    void exec_reconnecting(const std::string& sql);
    std::unique_ptr<state> s_;
};

// The text of a PostgreSQL value as the number it holds ('t'/'f' as 1/0, "12.0" as 12).
std::int64_t pg_int64(const char* text);

}  // namespace daring::storage
