#pragma once
// Private to storage/: the SQLite connection behind the opaque `connection`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace daring::storage {

class connection {
  public:
    connection(const std::string& path, int flags) : db(path, flags) {}
    SQLite::Database db;
};

// A nullable integer column.
inline std::optional<std::int64_t> opt_int(const SQLite::Column& col) {
    if (col.isNull()) return std::nullopt;
    return col.getInt64();
}

// Runs `sql` and translates constraint failures into conflict_error / constraint_error.
[[noreturn]] void rethrow_constraint(const SQLite::Exception& e, const std::string& field,
                                     const std::string& message);

}  // namespace daring::storage
