// The paged lists' queries, as the repositories run them, are index ranges: SQLite's plan names
// an index or the primary key for each, never a full scan of a growing table.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::storage;
using daring::test::temp_dir;

namespace {

std::string plan_of(database& db, const std::string& sql) {
    return db.read([&](connection& c) {
        daring::storage::statement q(c, "EXPLAIN QUERY PLAN " + sql);
        std::string plan;
        while (q.step()) plan += q.column(3).as_text() + "\n";
        return plan;
    });
}

// Each step either searches by an index or the key, or scans only through one.
void expect_indexed(const std::string& plan, const std::string& sql) {
    std::istringstream lines(plan);
    for (std::string line; std::getline(lines, line);) {
        const bool scan = line.starts_with("SCAN ");
        const bool indexed = line.find("USING") != std::string::npos;
        EXPECT_FALSE(scan && !indexed) << "a full scan in\n" << plan << "for " << sql;
    }
}

}  // namespace

TEST(QueryPlans, PagedListsAreIndexRanges) {
    temp_dir dir;
    database_options o;
    o.path = dir.file("plans.db");
    database db(o);
    const std::vector<std::string> queries = {
        "SELECT id FROM users WHERE id > 5 AND role = 'trainee' ORDER BY id LIMIT 51",
        "SELECT id FROM audit_log WHERE id < 900 ORDER BY id DESC LIMIT 201",
        "SELECT id FROM audit_log WHERE id < 900 AND actor_id = 3 ORDER BY id DESC LIMIT 201",
        "SELECT id FROM notifications WHERE user_id = 3 AND id < 99 ORDER BY id DESC LIMIT 51",
        "SELECT id FROM restrictions WHERE region_code = '62.71' AND (starts_on, id) > (1, 2) "
        "ORDER BY starts_on, id LIMIT 51",
        "SELECT user_id FROM enrollments WHERE training_id = 4 AND user_id > 7 ORDER BY user_id "
        "LIMIT 51",
        "SELECT t.id FROM trainings t WHERE t.id > 3 ORDER BY t.id LIMIT 51",
        "SELECT t.id FROM trainings t JOIN enrollments e ON e.training_id = t.id AND e.user_id = "
        "9 AND e.withdrawn_at IS NULL WHERE t.id > 3 ORDER BY t.id LIMIT 51",
        "SELECT d.id FROM delivery_decisions d JOIN training_sessions s ON s.id = d.session_id "
        "WHERE s.training_id = 2 AND d.id > 0 ORDER BY d.id LIMIT 51",
    };
    for (const auto& sql : queries) expect_indexed(plan_of(db, sql), sql);
}

// Every node's housekeeping runs these each minute over a table that only grows: they reach
// the few unfinished decks through the partial index, never a scan of every deck.
TEST(QueryPlans, TheMinutelyDeckHousekeepingUsesTheIndexOfUnfinishedDecks) {
    temp_dir dir;
    database_options o;
    o.path = dir.file("plans.db");
    database db(o);
    for (const std::string sql :
         {"UPDATE decks SET alive_at = 1 WHERE status = 'converting' AND node = 'kt-1'",
          "UPDATE decks SET status = 'failed' WHERE status = 'converting' AND "
          "COALESCE(alive_at, created_at) < 5",
          "UPDATE decks SET status = 'failed' WHERE status = 'converting' AND node = ''"}) {
        const auto plan = plan_of(db, sql);
        expect_indexed(plan, sql);
        EXPECT_NE(plan.find("decks_converting"), std::string::npos) << plan << "for " << sql;
    }
}
