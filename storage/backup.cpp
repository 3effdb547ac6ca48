#include "storage/backup.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <stdexcept>

namespace daring::storage {

namespace fs = std::filesystem;

backup_result backup_database(const std::string& db_path, const std::string& to) {
    if (!fs::exists(db_path)) throw std::runtime_error("no database at " + db_path);
    const auto part = to + ".part";
    std::error_code ec;
    fs::remove(part, ec);
    backup_result out;
    try {
        {
            SQLite::Database source(db_path, SQLite::OPEN_READONLY);
            source.exec("PRAGMA busy_timeout = 5000");
            SQLite::Database copy(part, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            SQLite::Backup backup(copy, source);
            backup.executeStep(-1);  // every page in one step: one consistent snapshot
        }
        {
            SQLite::Database check(part, SQLite::OPEN_READWRITE);
            // The copy stands alone: no WAL beside it.
            check.exec("PRAGMA journal_mode = DELETE");
            out.integrity = check.execAndGet("PRAGMA integrity_check").getString();
        }
        if (out.integrity != "ok") throw std::runtime_error("integrity_check: " + out.integrity);
        fs::rename(part, to);
        out.bytes = fs::file_size(to);
    } catch (const std::exception& e) {
        fs::remove(part, ec);
        throw std::runtime_error("backup of " + db_path + " to " + to + " failed: " + e.what());
    }
    return out;
}

}  // namespace daring::storage
