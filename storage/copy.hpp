#pragma once
// An office's SQLite database copied into an empty PostgreSQL database (daring migrate): every
// table, in an order its foreign keys allow, in one PostgreSQL transaction, then checked row by
// row. No engine type appears here.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace daring::storage {

struct copy_progress {
    std::string table;
    std::int64_t done = 0;   // rows of this table copied so far
    std::int64_t total = 0;  // rows the table holds
};

struct copied_table {
    std::string name;
    std::int64_t rows = 0;
};

// Throws std::runtime_error saying why when the source is not at the latest schema, the target
// is not empty, or the check finds a difference (then nothing was committed).
std::vector<copied_table> copy_sqlite_to_postgresql(
    const std::string& sqlite_path, const std::string& postgresql_uri,
    const std::function<void(const copy_progress&)>& progress);

}  // namespace daring::storage
