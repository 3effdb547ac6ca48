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
    for (std::sregex_iterator it(demo.banner().begin(), demo.banner().end(), login_line), end; it != end; ++it) {
        auto r = json_request(c, "POST", "/api/v1/auth/login", {{"username", (*it)[2]}, {"password", (*it)[3]}});
        EXPECT_EQ(r.status, 200) << (*it)[0];
        EXPECT_EQ(r.json()["user"]["role"], (*it)[1]);
        ++logins;
    }
    EXPECT_EQ(logins, 3) << demo.banner();
    auto page = c.request("GET", "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Daring"), std::string::npos);
}

TEST(Startup, ADatabaseWithoutAdminGetsOneWithARandomPasswordPrintedOnce) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    std::string password;
    {
        server_process first(server_launch{"serve", dir.file("a.db"), dir.file("web"), {}, {}, false});
        std::smatch m;
        ASSERT_TRUE(std::regex_search(first.banner(), m, std::regex(R"(created user 'admin' with password (\S+))")))
            << first.banner();
        password = m[1];
        http_client c(first.port());
        EXPECT_EQ(json_request(c, "POST", "/api/v1/auth/login", {{"username", "admin"}, {"password", password}}).status, 200);
    }
    server_process second(server_launch{"serve", dir.file("a.db"), dir.file("web"), {}, {}, false});
    EXPECT_EQ(second.banner().find("created user"), std::string::npos);
}

TEST(Startup, RefusesToStartOnABadListenAddressWithAClearMessage) {
    temp_dir dir;
    std::string cmd = std::string(DARING_BINARY_FOR_TESTS) + " serve --listen nonsense --db " + dir.file("x.db") + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    int status = ::pclose(p);
    EXPECT_NE(status, 0);
    EXPECT_NE(out.find("--listen must be HOST:PORT"), std::string::npos) << out;
}
