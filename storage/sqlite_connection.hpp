#pragma once
// Private to storage/: the SQLite engine behind `connection` (the embedded default).
#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "storage/sql.hpp"

namespace daring::storage {

class sqlite_connection final : public connection {
  public:
    sqlite_connection(const std::string& path, int flags) : db(path, flags) {}
    sql_dialect dialect() const override { return sql_dialect::sqlite; }
    void exec(const std::string& sql) override;
    std::unique_ptr<statement_impl> prepare(const std::string& sql) override;
    void begin() override;
    std::int64_t last_insert_id() override { return db.getLastInsertRowid(); }
    bool table_exists(const std::string& name) override { return db.tableExists(name); }
    SQLite::Database db;
};

// SQLite's error as the seam's: its code says which kind.
[[noreturn]] void raise_sql_error(const SQLite::Exception& e);

}  // namespace daring::storage
