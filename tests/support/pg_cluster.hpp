#pragma once
// A throwaway PostgreSQL cluster for tests: initdb and pg_ctl from Debian's `postgresql` in a
// temporary directory, run as an unprivileged user (PostgreSQL refuses root; as root the tests
// use `nobody`), listening on a unix socket and a free port, trusted locally. Stopped (and its
// files removed) at destruction, also when a test failed. Under
// CTest's fixture: with DARING_TEST_PG_DIR set (tests/support/pg-cluster started it) every
// test process shares that one cluster, which CTest stops after the suite.
#include <cstdint>
#include <memory>
#include <string>

namespace daring::test {

class pg_cluster {
  public:
    // A cluster of its own (a test that stops it makes its own).
    pg_cluster();
    // The running cluster in `running_dir` (the suite's), left running at destruction.
    static std::unique_ptr<pg_cluster> borrow(const std::string& running_dir, std::uint16_t port);
    ~pg_cluster();
    pg_cluster(const pg_cluster&) = delete;
    pg_cluster& operator=(const pg_cluster&) = delete;

    // A new empty database on the cluster; returns its libpq URI.
    std::string create_database(const std::string& name);
    // A new database with daring's schema already applied: a copy of a template that the first
    // caller on the cluster makes with `daring migrate --to` (callers in other processes wait for
    // it under a lock file), so a test's server starts without running every migration. Tests of
    // the migrations themselves take create_database().
    std::string create_migrated_database(const std::string& name);
    // The URI of database `name` (postgresql://daring@/name?host=<socket dir>&port=<port>).
    std::string uri(const std::string& name) const;
    // pg_ctl stop -m fast / start again (the data stays): for tests of a lost database.
    void stop();
    void start();
    std::uint16_t port() const { return port_; }

  private:
    pg_cluster(const std::string& running_dir, std::uint16_t port);
    void run_as_owner(const std::string& command) const;
    std::string dir_;
    std::uint16_t port_ = 0;
    bool running_ = false;
    bool borrowed_ = false;  // the suite's cluster (DARING_TEST_PG_DIR): left running
};

// The process-wide cluster of a test executable, started on first use and stopped at exit.
pg_cluster& shared_pg_cluster();

}  // namespace daring::test
