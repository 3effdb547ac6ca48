// Starting the binary: the demo and its printed logins, the admin bootstrap.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::test;

TEST(Startup, DemoPrintsLoginsThatWorkAndServesThePlaceholderPage) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    std::ofstream(dir.file("web/index.html")) << "<!doctype html><title>Daring</title>";
    server_process demo(server_launch{"demo", dir.file("demo.db"), dir.file("web"), {}, {}, false});
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
