// Backups while the database is written: the copy is consistent (integrity_check) and holds
// every write acknowledged before the backup began. And the migration that normalised phones.
#include "storage/backup.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::storage;
using daring::test::temp_dir;

TEST(Backup, ACopyTakenWhileAHundredWritersCommitHoldsEveryAcknowledgedWrite) {
    temp_dir dir;
    database_options o;
    o.path = dir.file("live.db");
    database db(o);
    db.write([](connection& c) {
        c.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, writer INTEGER, body TEXT)");
    });
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::set<std::int64_t> acknowledged;
    std::vector<std::thread> writers;
    for (int w = 0; w < 100; ++w) {
        writers.emplace_back([&, w] {
            for (std::int64_t k = 0; !stop; ++k) {
                const std::int64_t id = w * 1'000'000 + k;
                db.write([&](connection& c) {
                    daring::storage::statement q(c, "INSERT INTO probe VALUES (?, ?, ?)");
                    q.bind(1, id);
                    q.bind(2, w);
                    q.bind(3, std::string(200, 'x'));
                    q.exec();
                });
                std::lock_guard lock(mutex);
                acknowledged.insert(id);
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::set<std::int64_t> before;
    {
        std::lock_guard lock(mutex);
        before = acknowledged;
    }
    const auto copy = dir.file("copy.db");
    const auto made = backup_database(o.path, copy);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
    for (auto& t : writers) t.join();
    EXPECT_EQ(made.integrity, "ok");
    EXPECT_EQ(made.bytes, std::filesystem::file_size(copy));
    EXPECT_FALSE(std::filesystem::exists(copy + ".part"));
    ASSERT_GT(before.size(), 100u);
    SQLite::Database read(copy, SQLite::OPEN_READONLY);
    EXPECT_EQ(read.execAndGet("PRAGMA integrity_check").getString(), "ok");
    std::set<std::int64_t> kept;
    SQLite::Statement q(read, "SELECT id FROM probe");
    while (q.executeStep()) kept.insert(q.getColumn(0).getInt64());
    std::size_t missing = 0;
    for (auto id : before) missing += !kept.contains(id);
    EXPECT_EQ(missing, 0u) << "of " << before.size() << " acknowledged before the backup";
    EXPECT_LT(kept.size(), acknowledged.size());  // the writers went on during the backup
}

TEST(Backup, RefusesAMissingDatabaseAndLeavesNoPartialFile) {
    temp_dir dir;
    EXPECT_THROW(backup_database(dir.file("none.db"), dir.file("copy.db")), std::runtime_error);
    EXPECT_FALSE(std::filesystem::exists(dir.file("copy.db")));
    EXPECT_FALSE(std::filesystem::exists(dir.file("copy.db.part")));
}

TEST(Migrations, StoredMobilePhonesBecomeE164AndOthersStay) {
    temp_dir dir;
    database_options o;
    o.path = dir.file("a.db");
    database db(o);
    db.write([](connection& c) {
        c.exec(
            "INSERT INTO users (username, password_hash, full_name, role, phone, created_at) "
            "VALUES ('a', 'h', 'A', 'trainee', '0812-3456-7890', 1), "
            "('b', 'h', 'B', 'trainee', '(0536) 322-1234', 1), "
            "('c', 'h', 'C', 'trainee', 'tanya pak RT', 1)");
        const auto& accounts = all_migrations().at(10);
        ASSERT_EQ(accounts.version, 11);
        accounts.then(c);  // what the migration ran on rows stored before it
    });
    auto phones = db.read([](connection& c) {
        std::vector<std::string> out;
        daring::storage::statement q(c, "SELECT phone FROM users ORDER BY username");
        while (q.step()) out.push_back(q.column(0).as_text());
        return out;
    });
    EXPECT_EQ(phones,
              (std::vector<std::string>{"+6281234567890", "(0536) 322-1234", "tanya pak RT"}));
}
