#pragma once
// Private to storage/: the SQLite connection behind the opaque `connection`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <string>

namespace daring::storage {

class connection {
  public:
    connection(const std::string& path, int flags) : db(path, flags) {}
    SQLite::Database db;
};

// Runs `sql` and translates constraint failures into conflict_error / constraint_error.
[[noreturn]] void rethrow_constraint(const SQLite::Exception& e, const std::string& field,
                                     const std::string& message);

}  // namespace daring::storage
