// daring migrate: the seeded demo's SQLite database copied into an empty PostgreSQL database;
// a server on the copy answers every training's and session's reports exactly as the server on
// the original did, and a second migrate into the now full database is refused.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <regex>

#include "storage/migrations.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

// Every report of every training (and of each of its sessions), by path.
std::map<std::string, json> all_reports(http_client& c, const std::string& password) {
    auto login = json_request(c, "POST", "/api/v1/auth/login",
                              {{"username", "admin"}, {"password", password}});
    const std::vector<std::pair<std::string, std::string>> auth = {
        {"Authorization", "Bearer " + login.json()["token"].get<std::string>()}};
    std::map<std::string, json> out;
    const auto get = [&](const std::string& path) {
        const auto r = c.request("GET", path, auth);
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        out[path] = r.json();
        return out[path];
    };
    for (const auto& t : get("/api/v1/trainings")) {
        const auto id = std::to_string(t["id"].get<std::int64_t>());
        for (const char* report : {"attendance", "completion", "pre-post"})
            get("/api/v1/reports/trainings/" + id + "/" + report);
        const auto training = get("/api/v1/trainings/" + id);
        for (const auto& s : training["sessions"])
            get("/api/v1/reports/sessions/" + std::to_string(s["id"].get<std::int64_t>()) +
                "/attendance");
    }
    return out;
}

// The command's exit status and what it printed.
std::pair<int, std::string> run_capturing(const std::string& command) {
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return {-1, out};
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

int run(const std::string& command) {
    const int status = std::system((command + " > /dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(Migrate, TheSeededDemoCopiesToPostgresqlAndEveryReportIsIdentical) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    std::map<std::string, json> before;
    std::string password;
    {
        server_process demo(
            server_launch{"demo", dir.file("demo.db"), dir.file("web"), {}, {}, false});
        std::smatch m;
        ASSERT_TRUE(std::regex_search(demo.banner(), m, std::regex(R"(admin\s+admin / (\S+))")));
        password = m[1].str();
        http_client c(demo.port());
        before = all_reports(c, password);
        EXPECT_EQ(demo.stop(SIGTERM), 0);
    }
    ASSERT_GT(before.size(), 10u);
    const auto uri = shared_pg_cluster().create_database("migrated");
    const std::string migrate = std::string(DARING_BINARY_FOR_TESTS) + " migrate --from " +
                                dir.file("demo.db") + " --to '" + uri + "'";
    ASSERT_EQ(run(migrate), 0);
    EXPECT_EQ(run(migrate), 1) << "a second copy into a database with users must be refused";
    server_process copy(server_launch{
        "serve",
        uri,
        dir.file("web"),
        {"--recordings-dir", dir.file("recordings"), "--assets-dir", dir.file("assets")},
        {},
        false});
    http_client c(copy.port());
    const auto after = all_reports(c, password);
    ASSERT_EQ(after.size(), before.size());
    for (const auto& [path, report] : before) EXPECT_EQ(after.at(path), report) << path;
}

TEST(Migrate, RefusesAMissingFileAndANonPostgresqlTarget) {
    temp_dir dir;
    const std::string binary = DARING_BINARY_FOR_TESTS;
    EXPECT_EQ(run(binary + " migrate --from " + dir.file("none.db") + " --to " + dir.file("x.db")),
              2);
    EXPECT_EQ(run(binary + " migrate --from " + dir.file("none.db") + " --to '" +
                  shared_pg_cluster().create_database("untouched") + "'"),
              1);
}

TEST(Migrate, TheSchemaAloneIsBroughtUpToDateWithNoRowsAndAgainChangesNothing) {
    const std::string binary = DARING_BINARY_FOR_TESTS;
    const auto uri = shared_pg_cluster().create_database("schema_only");
    const auto latest = std::to_string(daring::storage::all_migrations().back().version);
    const auto first = run_capturing(binary + " migrate --to '" + uri + "'");
    EXPECT_EQ(first.first, 0) << first.second;
    EXPECT_NE(first.second.find("schema version " + latest), std::string::npos) << first.second;
    const auto again = run_capturing(binary + " migrate --to '" + uri + "'");
    EXPECT_EQ(again.first, 0) << again.second;
    EXPECT_NE(again.second.find("schema version " + latest), std::string::npos) << again.second;
    // No user and no secret was made: a server's first start on it makes the admin from
    // DARING_ADMIN_PASSWORD, who signs in.
    temp_dir dir;
    server_process server(
        uri, dir.path(),
        {"--recordings-dir", dir.file("recordings"), "--assets-dir", dir.file("assets")});
    http_client c(server.port());
    const auto login =
        json_request(c, "POST", "/api/v1/auth/login",
                     {{"username", "admin"}, {"password", server_process::admin_password}});
    EXPECT_EQ(login.status, 200) << login.body;
    // Without a PostgreSQL target it is refused with the usage.
    const auto bad = run_capturing(binary + " migrate --to " + dir.file("x.db"));
    EXPECT_EQ(bad.first, 2);
    EXPECT_NE(bad.second.find("migrate needs --to postgresql://"), std::string::npos) << bad.second;
}
