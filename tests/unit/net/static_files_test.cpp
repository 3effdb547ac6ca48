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

std::string header_of(const http_response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return {};
}

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

TEST(StaticFiles, HoldsTheWebRootInMemoryAndRereadsItOnlyWhenAFileChanged) {
    web_fixture f;
    static_files files(f.root);
    EXPECT_TRUE(files.is_cached("/"));
    EXPECT_TRUE(files.is_cached("/index.html"));
    EXPECT_TRUE(files.is_cached("/js/app.js"));
    EXPECT_FALSE(files.is_cached("/leak.txt"));  // its real path leaves the root
    EXPECT_FALSE(files.is_cached("/nothing.js"));
    EXPECT_FALSE(files.refresh());  // nothing changed

    std::ofstream(f.root + "/js/app.js") << "console.log('changed, and longer')";
    http_request req;
    req.method = "GET";
    req.path = "/js/app.js";
    EXPECT_EQ(files.serve(req).body, "console.log(1)");  // memory until the refresh
    EXPECT_TRUE(files.refresh());
    auto r = files.serve(req);
    EXPECT_EQ(r.body, "console.log('changed, and longer')");
    EXPECT_EQ(header_of(r, "Content-Type"), "text/javascript; charset=utf-8");
    // The ETag is the disk path's, so a client's copy stays valid across both paths.
    EXPECT_EQ(header_of(r, "ETag"), header_of(f.get("/js/app.js"), "ETag"));
}

TEST(StaticFiles, ServesFilesBeyondTheCacheLimitFromDisk) {
    web_fixture f;
    std::string big(static_cache_file_limit + 1, 'x');
    std::ofstream(f.root + "/big.txt") << big;
    static_files files(f.root);
    EXPECT_FALSE(files.is_cached("/big.txt"));
    http_request req;
    req.method = "GET";
    req.path = "/big.txt";
    auto r = files.serve(req);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), big.size());
}
