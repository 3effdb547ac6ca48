// Backups against the real binary: `daring backup` while the server runs, scheduled backups
// (made at start when due, one per --backup-every, the oldest beyond --backup-keep removed,
// reported in /metrics and /readyz), and /metrics behind --metrics-token.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <thread>

#include "tests/support/world_fixture.hpp"

using namespace daring::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::pair<int, std::string> run(const std::string& command) {
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::vector<std::string> backups_in(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        names.push_back(it->path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

class Backups : public world_fixture {
  protected:
    void SetUp() override { w.launch(); }
    // Relaunches on the test clock at `t` with scheduled backups, and waits (up to 10 s) until
    // the backup directory holds exactly `expected` (names in order).
    void relaunch_at(std::int64_t t, const std::vector<std::string>& expected) {
        if (server) server->stop(SIGTERM);
        w.set_clock(t);
        w.launch(
            {"--backup-dir", dir.file("backups"), "--backup-every", "1", "--backup-keep", "2"});
        for (int i = 0; i < 200 && backups_in(dir.file("backups")) != expected; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Waits (up to 10 s) until /metrics holds `line`; says whether it did.
    bool metrics_show(const std::string& line) {
        for (int i = 0; i < 200; ++i) {
            if (http->request("GET", "/metrics").body.find(line + "\n") != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
};

}  // namespace

TEST_F(Backups, TheCommandCopiesTheServedDatabaseAndChecksIt) {
    w.import_users({{"siti", "Siti"}});
    const auto copy = dir.file("copy.db");
    auto [code, out] = run(std::string(DARING_BINARY_FOR_TESTS) + " backup --db " +
                           dir.file("t.db") + " --to " + copy);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("integrity_check ok"), std::string::npos) << out;
    SQLite::Database read(copy, SQLite::OPEN_READONLY);
    EXPECT_EQ(read.execAndGet("SELECT COUNT(*) FROM users WHERE username = 'siti'").getInt(), 1);
    auto [no_to, why] =
        run(std::string(DARING_BINARY_FOR_TESTS) + " backup --db " + dir.file("t.db"));
    EXPECT_EQ(no_to, 2);
    EXPECT_NE(why.find("--to"), std::string::npos) << why;
    auto [missing, said] = run(std::string(DARING_BINARY_FOR_TESTS) + " backup --db " +
                               dir.file("none.db") + " --to " + dir.file("x.db"));
    EXPECT_EQ(missing, 1);
    EXPECT_NE(said.find("no database"), std::string::npos) << said;
}

TEST_F(Backups, ScheduledBackupsAreMadeWhenDueKeptToTheLimitAndReported) {
    const std::int64_t t0 = 1'780'000'000;  // 2026-05-28T20:26:40Z
    const std::string first = "daring-20260528T202640Z.db";
    const std::string second = "daring-20260528T222640Z.db";
    const std::string third = "daring-20260529T002640Z.db";
    relaunch_at(t0, {first});
    ASSERT_EQ(backups_in(dir.file("backups")), std::vector<std::string>{first});
    const auto metrics = http->request("GET", "/metrics").body;
    EXPECT_NE(metrics.find("daring_backup_last_timestamp_seconds 1780000000"), std::string::npos);
    auto ready = http->request("GET", "/readyz").json();
    EXPECT_EQ(ready["last_backup"]["at"], "2026-05-28T20:26:40Z");
    EXPECT_GT(ready["last_backup"]["bytes"].get<std::int64_t>(), 0);
    // Half an hour later the schedule looks, finds nothing due and says the next is due an hour
    // after the first; two hours later one is made; the oldest goes beyond two.
    relaunch_at(t0 + 1800, {first});
    EXPECT_TRUE(metrics_show("daring_backup_next_due_timestamp_seconds 1780003600"));
    EXPECT_EQ(backups_in(dir.file("backups")), std::vector<std::string>{first});
    relaunch_at(t0 + 7200, {first, second});
    ASSERT_EQ(backups_in(dir.file("backups")), (std::vector<std::string>{first, second}));
    relaunch_at(t0 + 14400, {second, third});
    const auto kept = backups_in(dir.file("backups"));
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0], second);
    EXPECT_EQ(kept[1], third);
    SQLite::Database newest(dir.file("backups") + "/" + kept[1], SQLite::OPEN_READONLY);
    EXPECT_EQ(newest.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST_F(Backups, MetricsNeedTheirTokenWhenOneIsSet) {
    server->stop(SIGTERM);
    w.launch({"--metrics-token", "rahasia-pemantauan-123"});
    EXPECT_EQ(http->request("GET", "/metrics").status, 401);
    EXPECT_EQ(
        http->request("GET", "/metrics", {{"Authorization", "Bearer salah-token-sekali"}}).status,
        401);
    auto ok =
        http->request("GET", "/metrics", {{"Authorization", "Bearer rahasia-pemantauan-123"}});
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("daring_backup_last_bytes"), std::string::npos);
}
