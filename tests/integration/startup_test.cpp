// Starting the binary: the demo and its printed logins, the admin bootstrap.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

// The stored password hash of `username` (read as another process would).
std::string stored_hash(const std::string& db, const std::string& username) {
    auto c = open_test_database(db);
    daring::storage::statement q(*c, "SELECT password_hash FROM users WHERE username = ?");
    q.bind(1, username);
    return q.step() ? q.column(0).as_text() : "";
}

}  // namespace

// The demo as `./scripts/run` starts it: at the production password cost (other tests hash at
// the least cost, --test-cheap-passwords).
TEST(Startup, DemoPrintsLoginsThatWorkAndServesThePlaceholderPage) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    std::ofstream(dir.file("web/index.html")) << "<!doctype html><title>Daring</title>";
    server_launch launch{"demo", dir.file("demo.db"), dir.file("web"), {}, {}, false};
    launch.cheap_passwords = false;
    server_process demo(launch);
    std::regex login_line(R"((admin|trainer|trainee)\s+(\S+) / (\S+))");
    int logins = 0;
    http_client c(demo.port());
    for (std::sregex_iterator it(demo.banner().begin(), demo.banner().end(), login_line), end;
         it != end; ++it) {
        auto r = json_request(c, "POST", "/api/v1/auth/login",
                              {{"username", (*it)[2]}, {"password", (*it)[3]}});
        EXPECT_EQ(r.status, 200) << (*it)[0];
        EXPECT_EQ(r.json()["user"]["role"], (*it)[1]);
        ++logins;
    }
    EXPECT_EQ(logins, 3) << demo.banner();
    {
        // The demo's database is SQLite whatever engine the suite runs on.
        SQLite::Database db(dir.file("demo.db"), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT username, password_hash FROM users");
        int users = 0;
        while (q.executeStep()) {
            const std::string hash = q.getColumn(1).getString();
            EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,", 0), 0u)
                << q.getColumn(0).getString() << ": " << hash;
            ++users;
        }
        EXPECT_GE(users, 3);
    }
    auto page = c.request("GET", "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Daring"), std::string::npos);
}

TEST(Startup, DemoSeedsARealisticPlanWithAHistoricalPsbbThatMovedASessionOnline) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    server_process demo(server_launch{"demo", dir.file("demo.db"), dir.file("web"), {}, {}, false});
    http_client c(demo.port());
    std::smatch m;
    ASSERT_TRUE(std::regex_search(demo.banner(), m, std::regex(R"(admin\s+admin / (\S+))")));
    auto login = json_request(c, "POST", "/api/v1/auth/login",
                              {{"username", "admin"}, {"password", m[1].str()}});
    const std::vector<std::pair<std::string, std::string>> auth = {
        {"Authorization", "Bearer " + login.json()["token"].get<std::string>()}};

    auto regions = c.request("GET", "/api/v1/regions", auth).json();
    ASSERT_EQ(regions.size(), 15u);
    bool palangka = false;
    for (const auto& r : regions) {
        EXPECT_EQ(r["utc_offset_minutes"], 420);
        palangka |= r["code"] == "62.71" && r["name"] == "Kota Palangka Raya";
    }
    EXPECT_TRUE(palangka);
    auto funding = c.request("GET", "/api/v1/funding-sources", auth).json();
    ASSERT_EQ(funding.size(), 1u);
    EXPECT_EQ(funding[0]["kind"], "DAK");
    auto trainings = c.request("GET", "/api/v1/trainings", auth).json();
    ASSERT_EQ(trainings.size(), 3u);
    auto restrictions = c.request("GET", "/api/v1/regions/62.71/restrictions", auth).json();
    ASSERT_EQ(restrictions.size(), 1u);
    EXPECT_EQ(restrictions[0]["starts_on"].get<std::string>().substr(0, 4), "2020");
    EXPECT_NE(restrictions[0]["reference"].get<std::string>().find("data demo"), std::string::npos);
    int moved_online = 0;
    for (const auto& t : trainings) {
        auto decisions =
            c.request("GET",
                      "/api/v1/trainings/" + std::to_string(t["id"].get<int>()) + "/decisions",
                      auth)
                .json();
        for (const auto& d : decisions) {
            if (d["to"]["mode"] == "online" &&
                d["restriction_reference"] == restrictions[0]["reference"])
                ++moved_online;
        }
        auto detail =
            c.request("GET", "/api/v1/trainings/" + std::to_string(t["id"].get<int>()), auth)
                .json();
        EXPECT_FALSE(detail["sessions"].empty());
        EXPECT_FALSE(detail["trainers"].empty());
    }
    EXPECT_GE(moved_online, 1);
}

namespace {

// The 2020 training's reports and certificates as a demo server gives them to its admin.
struct demo_history {
    json completion, attendance, pre_post, outbox;
    std::vector<std::string> codes;  // certificate verification codes, by trainee
    std::string banner;
};

demo_history read_demo_history(const temp_dir& dir, const std::string& name) {
    server_process demo(server_launch{"demo", dir.file(name), dir.file("web"), {}, {}, false});
    http_client c(demo.port());
    std::smatch m;
    demo_history out;
    out.banner = demo.banner();
    if (!std::regex_search(out.banner, m, std::regex(R"(admin\s+admin / (\S+))"))) return out;
    auto login = json_request(c, "POST", "/api/v1/auth/login",
                              {{"username", "admin"}, {"password", m[1].str()}});
    const std::vector<std::pair<std::string, std::string>> auth = {
        {"Authorization", "Bearer " + login.json()["token"].get<std::string>()}};
    auto get = [&](const std::string& path) { return c.request("GET", path, auth).json(); };
    out.completion = get("/api/v1/reports/trainings/1/completion");
    out.attendance = get("/api/v1/reports/trainings/1/attendance");
    out.pre_post = get("/api/v1/reports/trainings/1/pre-post");
    out.outbox = get("/api/v1/outbox/summary");
    for (const auto& row : out.completion["rows"]) {
        if (!row["completed"].get<bool>()) continue;
        auto cert = c.request("GET",
                              "/api/v1/trainings/1/certificates/" +
                                  std::to_string(row["user_id"].get<int>()) + "?format=json",
                              auth);
        if (cert.status == 200) out.codes.push_back(cert.json()["code"]);
    }
    // Each code verifies publicly, without a login.
    for (const auto& code : out.codes) {
        if (c.request("GET", "/api/v1/certificates/" + code).status != 200) out.codes.clear();
    }
    return out;
}

}  // namespace

// The demo's 2020 training happened: check-ins, dropped and rejoined connections, late and
// partial trainees, marks with remarks, pre/post answers, completions and issued certificates;
// and every run seeds the same history.
TEST(Startup, DemoSeedsTheYear2020AsItHappenedTheSameOnEveryRun) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    const auto first = read_demo_history(dir, "one.db");
    ASSERT_NE(first.completion.find("rows"), first.completion.end()) << first.banner;
    EXPECT_NE(first.banner.find("seeded in "), std::string::npos);
    const auto& head = first.completion;
    EXPECT_TRUE(head["finished"].get<bool>());
    EXPECT_EQ(head["sessions_held"], 3);
    EXPECT_EQ(head["trainees"], 15);
    const int completed = head["completed"];
    EXPECT_GE(completed, 5);
    EXPECT_LT(completed, 15);
    std::set<std::string> reasons, statuses;
    for (const auto& r : head["rows"]) {
        if (!r["completed"].get<bool>()) reasons.insert(r["reason"].get<std::string>());
    }
    EXPECT_EQ(reasons, (std::set<std::string>{"attendance_below_minimum", "post_test_below_pass",
                                              "post_test_not_taken"}));
    int online_seconds = 0;
    for (const auto& r : first.attendance["rows"]) {
        for (const auto& cell : r["sessions"]) {
            statuses.insert(cell["status"].get<std::string>());
            online_seconds += cell["seconds_present"].get<int>();
        }
    }
    EXPECT_EQ(statuses, (std::set<std::string>{"present", "late", "partial", "absent", "excused"}));
    EXPECT_GT(online_seconds, 10 * 3 * 3600);  // most of 15 trainees, two 3-hour online sessions
    EXPECT_EQ(first.pre_post["trainees_with_both"], 13);
    EXPECT_GT(first.pre_post["mean_gain"].get<double>(), 25.0);
    EXPECT_EQ(first.codes.size(), static_cast<std::size_t>(completed));
    // The seeded notices stay in the app; none waits to go out as a message.
    for (const auto& [channel, states] : first.outbox["counts"].items())
        for (const auto& [state, n] : states.items()) EXPECT_EQ(n, 0) << channel << " " << state;

    const auto second = read_demo_history(dir, "two.db");
    EXPECT_EQ(second.completion, first.completion);
    EXPECT_EQ(second.attendance, first.attendance);
    EXPECT_EQ(second.pre_post, first.pre_post);
    EXPECT_EQ(second.codes, first.codes);
}

TEST(Startup, ADatabaseWithoutAdminGetsOneWithARandomPasswordPrintedOnce) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    std::string password;
    {
        server_process first(
            server_launch{"serve", dir.file("a.db"), dir.file("web"), {}, {}, false});
        std::smatch m;
        ASSERT_TRUE(std::regex_search(first.banner(), m,
                                      std::regex(R"(created user 'admin' with password (\S+))")))
            << first.banner();
        password = m[1];
        http_client c(first.port());
        EXPECT_EQ(json_request(c, "POST", "/api/v1/auth/login",
                               {{"username", "admin"}, {"password", password}})
                      .status,
                  200);
    }
    server_process second(server_launch{"serve", dir.file("a.db"), dir.file("web"), {}, {}, false});
    EXPECT_EQ(second.banner().find("created user"), std::string::npos);
}

// A password hashed under the suite's switch for cheap hashes is hashed again at the production
// cost by the first server without it that signs its user in.
TEST(Startup, PasswordsHashedCheaplyForTestsAreRehashedAtTheNormalCostAtTheNextSignIn) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    { server_process cheap(dir.file("a.db"), dir.file("web")); }
    const auto before = stored_hash(dir.file("a.db"), "admin");
    EXPECT_EQ(before.rfind("$argon2id$v=19$m=64,t=1,", 0), 0u) << before;
    server_launch launch{"serve", dir.file("a.db"), dir.file("web"), {}, {}, true};
    launch.cheap_passwords = false;
    server_process normal(launch);
    http_client c(normal.port());
    EXPECT_EQ(json_request(c, "POST", "/api/v1/auth/login",
                           {{"username", "admin"}, {"password", server_process::admin_password}})
                  .status,
              200);
    std::string after;
    for (int i = 0; i < 50; ++i) {  // the rehash is written after the answer
        after = stored_hash(dir.file("a.db"), "admin");
        if (after != before) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(after.rfind("$argon2id$v=19$m=19456,t=2,", 0), 0u) << after;
}

TEST(Startup, RefusesToStartOnABadListenAddressWithAClearMessage) {
    temp_dir dir;
    std::string cmd = std::string(DARING_BINARY_FOR_TESTS) + " serve --listen nonsense --db " +
                      dir.file("x.db") + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    int status = ::pclose(p);
    EXPECT_NE(status, 0);
    EXPECT_NE(out.find("--listen must be HOST:PORT"), std::string::npos) << out;
}

// A failure after logging started reaches a non-terminal stderr (a service's journal) before
// the process exits, though the log is buffered.
TEST(Startup, AStartupFailureIsLoggedBeforeTheExit) {
    temp_dir dir;
    std::string cmd = "DARING_ADMIN_PASSWORD=short " + std::string(DARING_BINARY_FOR_TESTS) +
                      " serve --listen 127.0.0.1:0 --db " + dir.file("x.db") + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    int status = ::pclose(p);
    EXPECT_NE(status, 0);
    EXPECT_NE(out.find("critical DARING_ADMIN_PASSWORD must be 8 to 128 characters"),
              std::string::npos)
        << out;
}
