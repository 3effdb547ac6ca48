// docs/openapi.yaml stays true: every route the server answers is documented with its method.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "server/app/app.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::server;

TEST(OpenApi, DocumentsEveryRouteAndMethod) {
    daring::test::temp_dir dir;
    daring::storage::database db({dir.file("a.db"), 1});
    manual_clock clk(0);
    password_hasher hasher({1, 8u << 20});
    metrics stats;
    app application(db, clk, hasher, stats, app_options{dir.path(), {}});

    std::ifstream in(std::string(DARING_SOURCE_DIR) + "/docs/openapi.yaml");
    ASSERT_TRUE(in.good());
    std::map<std::string, std::set<std::string>> documented;
    std::string line, current;
    std::regex path_line(R"(^  (/\S*):\s*$)");
    std::regex method_line(R"(^    (get|post|patch|put|delete):)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, path_line)) {
            current = m[1];
        } else if (!current.empty() && std::regex_search(line, m, method_line)) {
            std::string method = m[1];
            for (auto& ch : method) ch = static_cast<char>(std::toupper(ch));
            documented[current].insert(method);
        }
    }
    ASSERT_FALSE(documented.empty());
    for (const auto& [method, pattern] : application.routes().list()) {
        const auto doc_path = std::regex_replace(pattern, std::regex(R"(\{(\w+):int\})"), "{$1}");
        ASSERT_TRUE(documented.contains(doc_path)) << doc_path << " is not in docs/openapi.yaml";
        EXPECT_TRUE(documented[doc_path].contains(method))
            << method << " " << doc_path << " is not documented";
    }
}
