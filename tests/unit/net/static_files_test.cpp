#include "server/net/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/net/web_shell.hpp"
#include "server/util/tokens.hpp"
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

// The shell names every script by its content's version, through an import map the CSP allows;
// a versioned URL may be kept for a year, a stale or bare one is revalidated.
TEST(StaticFiles, ServesTheShellWithVersionedAssetsKeptAsImmutable) {
    web_fixture f;
    std::ofstream(f.root + "/index.html")
        << "<head><link rel=\"stylesheet\" href=\"/style.css\">"
           "<script type=\"module\" src=\"/js/app.js\"></script></head>";
    std::ofstream(f.root + "/style.css") << "p{}";
    static_files files(f.root);
    const auto version = asset_version_of("console.log(1)");
    http_request req;
    req.method = "GET";
    req.path = "/";
    auto shell = files.serve(req);
    ASSERT_EQ(shell.status, 200);
    EXPECT_EQ(header_of(shell, "Cache-Control"), "no-cache");
    EXPECT_NE(shell.body.find("src=\"/js/app.js?v=" + version + "\""), std::string::npos);
    EXPECT_NE(shell.body.find("href=\"/style.css?v=" + asset_version_of("p{}") + "\""),
              std::string::npos);
    const auto map_at = shell.body.find("<script type=\"importmap\">");
    ASSERT_NE(map_at, std::string::npos);
    EXPECT_LT(map_at, shell.body.find("<script type=\"module\""));
    const auto map_begin = map_at + std::string_view("<script type=\"importmap\">").size();
    const auto map = shell.body.substr(map_begin, shell.body.find("</script>", map_at) - map_begin);
    EXPECT_NE(map.find("\"/js/app.js\":\"/js/app.js?v=" + version + "\""), std::string::npos);
    EXPECT_NE(header_of(shell, "Content-Security-Policy")
                  .find("'sha256-" + daring::server::sha256_base64(map) + "'"),
              std::string::npos);
    req.headers = {{"accept-encoding", "gzip"}};
    EXPECT_EQ(header_of(files.serve(req), "Content-Encoding"), "gzip");  // compressed here

    req = {};
    req.method = "GET";
    req.path = "/js/app.js";
    req.query = "v=" + version;
    EXPECT_EQ(header_of(files.serve(req), "Cache-Control"), "public, max-age=31536000, immutable");
    req.query = "v=0000000000000000";
    EXPECT_EQ(header_of(files.serve(req), "Cache-Control"), "no-cache");
    req.query.clear();
    EXPECT_EQ(header_of(files.serve(req), "Cache-Control"), "no-cache");

    // A changed script gets a new version in the shell.
    std::ofstream(f.root + "/js/app.js") << "console.log(2)";
    ASSERT_TRUE(files.refresh());
    req = {};
    req.method = "GET";
    req.path = "/index.html";
    EXPECT_NE(files.serve(req).body.find("/js/app.js?v=" + asset_version_of("console.log(2)")),
              std::string::npos);
}
