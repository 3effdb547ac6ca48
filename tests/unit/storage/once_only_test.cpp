// Once-only work between nodes sharing one PostgreSQL database: the lock of a piece of work is
// held by one transaction at a time, never waited for, and free again at COMMIT or ROLLBACK.
#include "storage/once_only.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/connection.hpp"
#include "storage/pg_connection.hpp"
#include "storage/sqlite_connection.hpp"
#include "tests/support/pg_cluster.hpp"

using namespace daring::storage;

namespace {

// Two connections to one new database: two nodes.
struct two_nodes {
    two_nodes() {
        static int made = 0;
        const auto uri = daring::test::shared_pg_cluster().create_database(
            "once_" + std::to_string(::getpid()) + "_" + std::to_string(++made));
        a = std::make_unique<pg_connection>(uri);
        b = std::make_unique<pg_connection>(uri);
    }
    std::unique_ptr<connection> a, b;
};

}  // namespace

TEST(OnceOnly, OneTransactionHoldsAWorksLockTheOtherNodeSkipsWithoutWaiting) {
    two_nodes n;
    n.a->begin();
    ASSERT_TRUE(take_once_only(*n.a, once_only::reminders));
    EXPECT_TRUE(take_once_only(*n.a, once_only::reminders)) << "the holder may take it again";
    n.b->begin();
    EXPECT_FALSE(take_once_only(*n.b, once_only::reminders));
    EXPECT_TRUE(take_once_only(*n.b, once_only::recording_retention)) << "other work is free";
    n.a->exec("COMMIT");
    EXPECT_TRUE(take_once_only(*n.b, once_only::reminders)) << "free once the holder committed";
    n.b->exec("ROLLBACK");
    n.a->begin();
    EXPECT_TRUE(take_once_only(*n.a, once_only::recording_retention))
        << "free once the holder rolled back";
    n.a->exec("COMMIT");
}

TEST(OnceOnly, ANodeAloneOnSqliteAlwaysTakesIt) {
    sqlite_connection c(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    c.begin();
    EXPECT_TRUE(take_once_only(c, once_only::reminders));
    EXPECT_TRUE(take_once_only(c, once_only::recording_retention));
    c.exec("COMMIT");
}

TEST(OnceOnly, EachWorkHasItsOwnKeyApartFromTheMigrationsLock) {
    EXPECT_NE(once_only_key(once_only::reminders), once_only_key(once_only::recording_retention));
    EXPECT_NE(once_only_key(once_only::reminders), 7270001);
    EXPECT_NE(once_only_key(once_only::recording_retention), 7270001);
}
