#pragma once
// Consistent copies of the database while the server runs (SQLite's online backup API), each
// checked with PRAGMA integrity_check before it counts.
#include <cstdint>
#include <string>

namespace daring::storage {

struct backup_result {
    std::uint64_t bytes = 0;
    std::string integrity;  // "ok", or what integrity_check found
};

// Copies `db_path` to `to` (written as `to`.part, checked, then renamed into place). The copy is
// the database as it was when the backup began: one read transaction, which in WAL mode never
// blocks writers. Throws std::runtime_error (the copy is removed) when it cannot be made or
// fails the check.
backup_result backup_database(const std::string& db_path, const std::string& to);

}  // namespace daring::storage
