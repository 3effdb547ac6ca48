// RFC 9112 sections 3 and 6: what a request head must keep, as a table.
#include "server/http/request_rules.hpp"

#include <gtest/gtest.h>

#include "server/http/http_types.hpp"

using namespace daring::server;

namespace {

struct head_case {
    const char* what;
    const char* method;
    const char* target;
    unsigned version;
    std::vector<std::string> fields;
    bool accepted;
};

const head_case cases[] = {
    {"origin-form with Host", "GET", "/healthz", 11, {"host"}, true},
    {"origin-form with a query", "GET", "/api/v1/users?q=ani", 11, {"host"}, true},
    {"absolute-form", "GET", "http://127.0.0.1:8080/healthz", 11, {"host"}, true},
    {"absolute-form, scheme in capitals", "GET", "HTTPS://daring.example/x", 11, {"host"}, true},
    {"absolute-form without a path", "GET", "http://daring.example", 11, {"host"}, true},
    {"a target without its slash", "GET", "healthz", 11, {"host"}, false},
    {"authority-form (CONNECT)", "CONNECT", "daring.example:443", 11, {"host"}, false},
    {"asterisk-form with OPTIONS", "OPTIONS", "*", 11, {"host"}, true},
    {"asterisk-form with GET", "GET", "*", 11, {"host"}, false},
    {"absolute-form with user info", "GET", "http://user@daring.example/", 11, {"host"}, false},
    {"another scheme", "GET", "ftp://daring.example/", 11, {"host"}, false},
    {"HTTP/1.1 without Host", "GET", "/healthz", 11, {}, false},
    {"HTTP/1.0 without Host", "GET", "/healthz", 10, {}, true},
    {"two Host fields", "GET", "/healthz", 11, {"host", "host"}, false},
    {"two Host fields in HTTP/1.0", "GET", "/healthz", 10, {"host", "host"}, false},
    {"two Authorization fields",
     "GET",
     "/api/v1/me",
     11,
     {"host", "authorization", "authorization"},
     false},
    {"two Content-Length fields",
     "POST",
     "/x",
     11,
     {"host", "content-length", "content-length"},
     false},
    {"two Content-Type fields", "POST", "/x", 11, {"host", "content-type", "content-type"}, false},
    {"Transfer-Encoding with Content-Length",
     "POST",
     "/x",
     11,
     {"host", "transfer-encoding", "content-length"},
     false},
    {"Transfer-Encoding alone", "POST", "/x", 11, {"host", "transfer-encoding"}, true},
};

}  // namespace

TEST(RequestRules, AcceptOrRefuseEveryCaseOfTheTable) {
    for (const auto& c : cases) {
        request_head head{c.method, c.target, c.version, c.fields};
        auto problem = check_request_head(head);
        EXPECT_EQ(!problem.has_value(), c.accepted) << c.what;
        if (problem) {
            EXPECT_EQ(problem->code, "bad_request") << c.what;
        }
    }
}

TEST(RequestRules, ReduceAbsoluteFormToOriginForm) {
    EXPECT_EQ(origin_form("/a?b=1"), "/a?b=1");
    EXPECT_EQ(origin_form("http://h:1/a/b?c"), "/a/b?c");
    EXPECT_EQ(origin_form("https://h"), "/");
    EXPECT_EQ(origin_form("http://h?x=1"), "/?x=1");
    EXPECT_FALSE(origin_form("h/a"));
    EXPECT_FALSE(origin_form("http:///a"));
    EXPECT_FALSE(origin_form("http://h#f"));
}

TEST(DefaultHeaders, GoOnEveryResponseWithoutOverridingItsOwn) {
    auto json = json_response(200, {{"a", 1}});
    add_default_headers(json, false, 31536000);
    auto value = [](const http_response& r, const std::string& name) {
        for (const auto& [n, v] : r.headers)
            if (n == name) return v;
        return std::string();
    };
    EXPECT_EQ(value(json, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(value(json, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(value(json, "Cache-Control"), "no-store");
    EXPECT_EQ(value(json, "Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
    EXPECT_EQ(value(json, "Strict-Transport-Security"), "");  // not under plain HTTP

    http_response page;
    page.set_header("Content-Type", "text/html; charset=utf-8");
    page.set_header("Cache-Control", "no-cache");
    add_default_headers(page, true, 600);
    EXPECT_EQ(value(page, "Cache-Control"), "no-cache");    // its own kept
    EXPECT_EQ(value(page, "Content-Security-Policy"), "");  // pages bring their own
    EXPECT_EQ(value(page, "Strict-Transport-Security"), "max-age=600");

    http_response no_hsts;
    add_default_headers(no_hsts, true, 0);
    EXPECT_EQ(value(no_hsts, "Strict-Transport-Security"), "");
}

TEST(HttpRequest, ArrivalIsNowLessTheTimeSinceItWasRead) {
    daring::server::http_request req;
    const auto steady = std::chrono::steady_clock::now();
    EXPECT_EQ(req.arrived_ms(50'000, steady), 50'000);  // never stamped: now
    req.received_at = steady - std::chrono::milliseconds(3'250);
    EXPECT_EQ(req.arrived_ms(50'000, steady), 46'750);  // waited 3.25 s for a worker
    req.received_at = steady + std::chrono::milliseconds(10);
    EXPECT_EQ(req.arrived_ms(50'000, steady), 50'000);  // never in the future
}

TEST(LoggablePath, AJoinLinksTokenNeverReachesTheAccessLog) {
    EXPECT_EQ(loggable_path("/j/12.34.56.abcdef"), "/j/[token]");
    EXPECT_EQ(loggable_path("/j/"), "/j/[token]");
    EXPECT_EQ(loggable_path("/api/v1/me"), "/api/v1/me");
    EXPECT_EQ(loggable_path("/jx/abc"), "/jx/abc");
}
