#include "server/net/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/server_process.hpp"

using namespace daring::server;
namespace fs = std::filesystem;

namespace {

struct web_fixture {
    daring::test::temp_dir dir;
    std::string root = dir.file("web");
    web_fixture() {
        fs::create_directories(root + "/js");
        std::ofstream(root + "/index.html") << "<!doctype html><p>hi</p>";
        std::ofstream(root + "/js/app.js") << "console.log(1)";
        std::ofstream(dir.file("secret.txt")) << "secret";
        fs::create_symlink(dir.file("secret.txt"), root + "/leak.txt");
    }
    http_response get(const std::string& path,
                      std::vector<std::pair<std::string, std::string>> h = {}) {
        http_request req;
        req.method = "GET";
        req.path = path;
        req.headers = std::move(h);
        return static_files(root).serve(req);
    }
};

}  // namespace

TEST(StaticFiles, ServesIndexWithSecurityHeaders) {
    web_fixture f;
    auto r = f.get("/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "<!doctype html><p>hi</p>");
    bool csp = false;
    for (auto& [n, v] : r.headers) {
        if (n == "Content-Security-Policy") {
            csp = true;
            EXPECT_NE(v.find("default-src 'self'"), std::string::npos);
            EXPECT_NE(v.find("object-src 'none'"), std::string::npos);
            EXPECT_NE(v.find("frame-ancestors 'none'"), std::string::npos);
        }
    }
    EXPECT_TRUE(csp);
}

TEST(StaticFiles, RefusesEveryWayOutOfTheRoot) {
    web_fixture f;
    for (const char* path :
         {"/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
          "/js/%2e%2e/%2e%2e/secret.txt", "/leak.txt", "/..%5csecret.txt", "/index.html%00.js"}) {
        auto r = f.get(path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(r.body.find("secret"), std::string::npos) << path;
    }
}

TEST(StaticFiles, AnswersNotModifiedForAMatchingEtag) {
    web_fixture f;
    auto first = f.get("/js/app.js");
    ASSERT_EQ(first.status, 200);
    std::string etag;
    for (auto& [n, v] : first.headers)
        if (n == "ETag") etag = v;
    ASSERT_FALSE(etag.empty());
    auto second = f.get("/js/app.js", {{"if-none-match", etag}});
    EXPECT_EQ(second.status, 304);
    EXPECT_TRUE(second.body.empty());
}

TEST(StaticFiles, PrefersAPrecompressedVariantWhenTheClientAcceptsGzip) {
    web_fixture f;
    std::ofstream(f.root + "/js/app.js.gz") << "GZ";
    auto r = f.get("/js/app.js", {{"accept-encoding", "gzip, br"}});
    EXPECT_EQ(r.body, "GZ");
    bool encoded = false;
    for (auto& [n, v] : r.headers) encoded |= (n == "Content-Encoding" && v == "gzip");
    EXPECT_TRUE(encoded);
    EXPECT_EQ(f.get("/js/app.js").body, "console.log(1)");
}

TEST(StaticFiles, GivesJavaScriptItsContentType) {
    EXPECT_EQ(content_type_for("a/b.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("x.svg"), "image/svg+xml");
}
