#pragma once
// The database engines a repository test runs on: SQLite in memory and PostgreSQL (a fresh
// database on the test executable's throwaway cluster), with the real migrations applied.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "storage/migrations.hpp"
#include "storage/pg_connection.hpp"
#include "storage/sqlite_connection.hpp"
#include "tests/support/pg_cluster.hpp"

namespace daring::test {

inline std::unique_ptr<storage::connection> open_engine(storage::sql_dialect dialect) {
    std::unique_ptr<storage::connection> c;
    if (dialect == storage::sql_dialect::sqlite) {
        c = std::make_unique<storage::sqlite_connection>(
            ":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        c->exec("PRAGMA foreign_keys = ON");
    } else {
        static int databases = 0;
        const auto name = "t" + std::to_string(getpid()) + "_" + std::to_string(++databases);
        c = std::make_unique<storage::pg_connection>(shared_pg_cluster().create_database(name));
    }
    storage::apply_migrations(*c);
    return c;
}

inline std::string engine_name(const ::testing::TestParamInfo<storage::sql_dialect>& info) {
    return info.param == storage::sql_dialect::sqlite ? "SQLite" : "PostgreSQL";
}

}  // namespace daring::test

// Runs the TEST_P tests of `fixture` on both engines.
#define DARING_ON_BOTH_ENGINES(fixture)                                                   \
    INSTANTIATE_TEST_SUITE_P(Engines, fixture,                                            \
                             ::testing::Values(daring::storage::sql_dialect::sqlite,      \
                                               daring::storage::sql_dialect::postgresql), \
                             daring::test::engine_name)
