// The real `daring` binary on an ephemeral port, driven over real sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

class Http : public ::testing::Test {
  protected:
    void SetUp() override {
        std::filesystem::create_directories(dir.file("web"));
        std::ofstream(dir.file("web/index.html")) << "<!doctype html><title>Daring</title>";
        std::ofstream(dir.file("secret.txt")) << "top secret";
        server = std::make_unique<server_process>(dir.file("t.db"), dir.file("web"));
        client = std::make_unique<http_client>(server->port());
    }

    std::string login(const std::string& user, const std::string& password) {
        auto r = json_request(*client, "POST", "/api/v1/auth/login",
                              {{"username", user}, {"password", password}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json().value("token", "");
    }
    std::string admin_token() { return login("admin", server_process::admin_password); }

    void create_user(const std::string& token, const std::string& username,
                     const std::string& role) {
        auto r = json_request(*client, "POST", "/api/v1/users",
                              {{"username", username},
                               {"password", "password-" + username},
                               {"full_name", "User " + username},
                               {"role", role}},
                              token);
        ASSERT_EQ(r.status, 201) << r.body;
    }

    temp_dir dir;
    std::unique_ptr<server_process> server;
    std::unique_ptr<http_client> client;
};

std::string cookie_value(const http_result& r) {
    auto c = r.header("set-cookie");
    auto start = c.find('=') + 1;
    return c.substr(start, c.find(';') - start);
}

}  // namespace

TEST_F(Http, LoginSetsASecureSessionCookieAndReturnsTheTokens) {
    auto r = json_request(*client, "POST", "/api/v1/auth/login",
                          {{"username", "admin"}, {"password", server_process::admin_password}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    EXPECT_EQ(body["user"]["role"], "admin");
    EXPECT_EQ(body["user"]["username"], "admin");
    EXPECT_TRUE(body["csrf_token"].is_string());
    auto cookie = r.header("set-cookie");
    EXPECT_EQ(cookie.rfind("daring_session=" + body["token"].get<std::string>(), 0), 0u);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(cookie.find("Path=/"), std::string::npos);
    EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP here

    auto me =
        client->request("GET", "/api/v1/me", {{"Cookie", "daring_session=" + cookie_value(r)}});
    EXPECT_EQ(me.status, 200);
    EXPECT_EQ(me.json()["username"], "admin");
}

TEST_F(Http, LoginFailureLooksTheSameForUnknownUsersAndWrongPasswords) {
    auto unknown = json_request(*client, "POST", "/api/v1/auth/login",
                                {{"username", "nobody"}, {"password", "password-1"}});
    auto wrong = json_request(*client, "POST", "/api/v1/auth/login",
                              {{"username", "admin"}, {"password", "wrong-password"}});
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.body, wrong.body);
    EXPECT_EQ(wrong.json()["error"]["code"], "invalid_credentials");
}

TEST_F(Http, CookieAuthenticatedWritesNeedTheCsrfHeader) {
    auto r = json_request(*client, "POST", "/api/v1/auth/login",
                          {{"username", "admin"}, {"password", server_process::admin_password}});
    const auto cookie = "daring_session=" + cookie_value(r);
    const auto csrf = r.json()["csrf_token"].get<std::string>();
    json user = {{"username", "csrf.user"},
                 {"password", "password-1"},
                 {"full_name", "C"},
                 {"role", "trainee"}};
    auto refused =
        client->request("POST", "/api/v1/users",
                        {{"Content-Type", "application/json"}, {"Cookie", cookie}}, user.dump());
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.json()["error"]["code"], "csrf_failed");
    auto wrong = client->request(
        "POST", "/api/v1/users",
        {{"Content-Type", "application/json"}, {"Cookie", cookie}, {"X-CSRF-Token", "nope"}},
        user.dump());
    EXPECT_EQ(wrong.status, 403);
    auto ok = client->request(
        "POST", "/api/v1/users",
        {{"Content-Type", "application/json"}, {"Cookie", cookie}, {"X-CSRF-Token", csrf}},
        user.dump());
    EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(Http, BearerTokensNeedNoCsrfHeaderAndLogoutEndsThem) {
    auto token = admin_token();
    create_user(token, "bearer.user", "trainee");
    auto out = json_request(*client, "POST", "/api/v1/auth/logout", nullptr, token);
    EXPECT_EQ(out.status, 204);
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
    auto after = client->request("GET", "/api/v1/me", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(after.status, 401);
}

TEST_F(Http, MeAnswersFromTheSessionCacheUntilLogoutEndsTheSessionAtOnce) {
    auto token = admin_token();
    const std::vector<std::pair<std::string, std::string>> bearer{
        {"Authorization", "Bearer " + token}};
    // The first request reads the session from the database; the next ones find it cached.
    for (int i = 0; i < 3; ++i) {
        auto me = client->request("GET", "/api/v1/me", bearer);
        ASSERT_EQ(me.status, 200) << me.body;
        EXPECT_EQ(nlohmann::json::parse(me.body)["username"], "admin");
    }
    EXPECT_EQ(client->request("GET", "/api/v1/me", {{"Authorization", "Bearer wrong"}}).status,
              401);
    ASSERT_EQ(json_request(*client, "POST", "/api/v1/auth/logout", nullptr, token).status, 204);
    EXPECT_EQ(client->request("GET", "/api/v1/me", bearer).status, 401);
}

TEST_F(Http, AdminRoutesAnswer401ToStrangersAnd403ToOtherRoles) {
    auto admin = admin_token();
    create_user(admin, "pelatih.a", "trainer");
    create_user(admin, "peserta.a", "trainee");
    auto anonymous = client->request("GET", "/api/v1/users");
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.json()["error"]["code"], "unauthenticated");
    for (auto [user, pass] :
         {std::pair{"pelatih.a", "password-pelatih.a"}, {"peserta.a", "password-peserta.a"}}) {
        auto token = login(user, pass);
        auto r = client->request("GET", "/api/v1/users", {{"Authorization", "Bearer " + token}});
        EXPECT_EQ(r.status, 403) << user;
        EXPECT_EQ(r.json()["error"]["code"], "forbidden");
        auto me = client->request("GET", "/api/v1/me", {{"Authorization", "Bearer " + token}});
        EXPECT_EQ(me.status, 200);
    }
    auto list = client->request("GET", "/api/v1/users?role=trainer",
                                {{"Authorization", "Bearer " + admin}});
    ASSERT_EQ(list.status, 200);
    ASSERT_EQ(list.json().size(), 1u);
    EXPECT_EQ(list.json()[0]["username"], "pelatih.a");
}

TEST_F(Http, ThrottlesAUsernameFromOneAddressAfterFiveFailures) {
    for (int i = 0; i < 5; ++i) {
        auto r = json_request(*client, "POST", "/api/v1/auth/login",
                              {{"username", "admin"}, {"password", "wrong-" + std::to_string(i)}});
        EXPECT_EQ(r.status, 401);
    }
    auto blocked =
        json_request(*client, "POST", "/api/v1/auth/login",
                     {{"username", "admin"}, {"password", server_process::admin_password}});
    EXPECT_EQ(blocked.status, 429);
    EXPECT_EQ(blocked.json()["error"]["code"], "too_many_attempts");
    auto retry = std::stoi(blocked.header("retry-after"));
    EXPECT_GT(retry, 800);
    EXPECT_LE(retry, 900);
    // Another username from the same address is unaffected.
    auto other = json_request(*client, "POST", "/api/v1/auth/login",
                              {{"username", "someone"}, {"password", "password-1"}});
    EXPECT_EQ(other.status, 401);
}

TEST_F(Http, CreatingAUserValidatesAndRefusesDuplicates) {
    auto token = admin_token();
    auto bad = json_request(*client, "POST", "/api/v1/users",
                            {{"username", "x.y"},
                             {"password", "password-1"},
                             {"full_name", "X"},
                             {"role", "trainee"},
                             {"nik", "123"}},
                            token);
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()["error"]["field"], "nik");
    create_user(token, "dup.user", "trainee");
    auto dup = json_request(*client, "POST", "/api/v1/users",
                            {{"username", "dup.user"},
                             {"password", "password-1"},
                             {"full_name", "D"},
                             {"role", "trainee"}},
                            token);
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(dup.json()["error"]["field"], "username");
    auto audit = client->request("GET", "/api/v1/audit", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(audit.status, 200);
    EXPECT_EQ(audit.json()[0]["action"], "user.create");
}

TEST_F(Http, CsvImportIsAllOrNothingAndNamesEveryBadLine) {
    auto token = admin_token();
    create_user(token, "taken.name", "trainee");
    std::string bad_csv =
        "username,password,full_name,role,nik\n"
        "good.one,password-1,Good One,trainee,6271011234567890\n"
        "taken.name,password-1,Taken,trainee,\n"
        "bad.nik,password-1,Bad Nik,trainee,12345\n";
    auto headers = std::vector<std::pair<std::string, std::string>>{
        {"Content-Type", "text/csv"}, {"Authorization", "Bearer " + token}};
    auto r = client->request("POST", "/api/v1/users/import", headers, bad_csv);
    ASSERT_EQ(r.status, 422) << r.body;
    auto lines = r.json()["error"]["lines"];
    // The parse errors come first; taken usernames are checked once the file itself is valid.
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["line"], 4);
    EXPECT_EQ(lines[0]["field"], "nik");

    std::string taken_csv =
        "username,password,full_name,role\n"
        "good.one,password-1,Good One,trainee\n"
        "taken.name,password-1,Taken,trainee\n";
    auto taken = client->request("POST", "/api/v1/users/import", headers, taken_csv);
    ASSERT_EQ(taken.status, 422);
    EXPECT_EQ(taken.json()["error"]["lines"][0]["line"], 3);
    auto none =
        client->request("GET", "/api/v1/users?q=good.one", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(none.json().size(), 0u);

    std::string good_csv =
        "username,password,full_name,role,business_name\n"
        "good.one,password-1,Good One,trainee,\"Kerupuk, Ikan\"\n"
        "good.two,password-2,Good Two,trainee,\n";
    auto ok = client->request("POST", "/api/v1/users/import", headers, good_csv);
    ASSERT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ok.json()["imported"], 2);
    EXPECT_EQ(login("good.two", "password-2").empty(), false);

    auto wrong_type = client->request(
        "POST", "/api/v1/users/import",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}}, "{}");
    EXPECT_EQ(wrong_type.status, 415);
}

TEST_F(Http, RefusesOversizeHeadersWith431) {
    std::string big(9 * 1024, 'a');
    auto r = client->raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(r->json()["error"]["code"], "header_too_large");
}

TEST_F(Http, RefusesOversizeBodiesWith413ButAllowsLargerImports) {
    auto token = admin_token();
    std::string big(static_cast<std::size_t>(1 << 20) + 1, ' ');
    auto r = client->request(
        "POST", "/api/v1/users",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}}, big);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.json()["error"]["code"], "body_too_large");
    // 2 MiB is over the default limit and under the import limit: the CSV is read and judged.
    http_client second(server->port());
    std::string csv = "username,password,full_name,role\n" + std::string(2 << 20, '\n');
    auto import =
        second.request("POST", "/api/v1/users/import",
                       {{"Content-Type", "text/csv"}, {"Authorization", "Bearer " + token}}, csv);
    EXPECT_EQ(import.status, 422) << import.body;
    EXPECT_EQ(import.json()["error"]["code"], "empty_csv");
}

TEST_F(Http, AnswersBadAndDeepJsonWith400) {
    auto bad = client->request("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}},
                               "{\"username\":");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json()["error"]["code"], "malformed_json");
    std::string deep = std::string(33, '[') + std::string(33, ']');
    auto too_deep =
        client->request("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}}, deep);
    EXPECT_EQ(too_deep.status, 400);
    EXPECT_EQ(too_deep.json()["error"]["code"], "json_too_deep");
    auto not_json =
        client->request("POST", "/api/v1/auth/login", {{"Content-Type", "text/plain"}}, "{}");
    EXPECT_EQ(not_json.status, 415);
}

TEST_F(Http, AcceptsChunkedBodiesAndRefusesOtherTransferCodings) {
    std::string body =
        R"({"username":"admin","password":")" + std::string(server_process::admin_password) + "\"}";
    char size_hex[16];
    std::snprintf(size_hex, sizeof size_hex, "%zx", body.size());
    auto chunked = client->raw(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n" +
        std::string(size_hex) + "\r\n" + body + "\r\n0\r\n\r\n");
    ASSERT_TRUE(chunked.has_value());
    EXPECT_EQ(chunked->status, 200);
    for (const char* coding : {"gzip", "gzip, chunked", "identity"}) {
        http_client c(server->port());
        auto r = c.raw(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: " +
            std::string(coding) + "\r\n\r\n0\r\n\r\n");
        ASSERT_TRUE(r.has_value()) << coding;
        EXPECT_EQ(r->status, 400) << coding;
        EXPECT_EQ(r->json()["error"]["code"], "unsupported_transfer_encoding");
    }
}

TEST_F(Http, NeverServesFilesOutsideTheWebRoot) {
    std::filesystem::create_symlink(dir.file("secret.txt"), dir.file("web/link.txt"));
    for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                             "/web/../../secret.txt", "/link.txt", "/.%2e/secret.txt"}) {
        http_client c(server->port());
        auto r = c.raw(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        ASSERT_TRUE(r.has_value()) << path;
        EXPECT_NE(r->status, 200) << path;
        EXPECT_EQ(r->body.find("top secret"), std::string::npos) << path;
    }
}

TEST_F(Http, ServesPagesWithEtagsAnd304) {
    auto page = client->request("GET", "/");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
    EXPECT_FALSE(page.header("referrer-policy").empty());
    auto again = client->request("GET", "/", {{"If-None-Match", page.header("etag")}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
}

TEST_F(Http, AnswersUnknownRoutesAndMethodsWithJsonErrors) {
    auto missing = client->request("GET", "/api/v1/nothing-here");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.json()["error"]["code"], "not_found");
    auto wrong_method = client->request("DELETE", "/api/v1/users");
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(wrong_method.header("allow"), "GET, POST");
}

TEST_F(Http, ReportsHealthReadinessAndMetrics) {
    EXPECT_EQ(client->request("GET", "/healthz").status, 200);
    EXPECT_EQ(client->request("GET", "/readyz").json()["status"], "ready");
    admin_token();
    auto m = client->request("GET", "/metrics");
    ASSERT_EQ(m.status, 200);
    EXPECT_NE(
        m.body.find("daring_http_requests_total{route=\"/api/v1/auth/login\",status=\"200\"} 1"),
        std::string::npos)
        << m.body;
    EXPECT_NE(m.body.find("daring_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(m.body.find("daring_open_connections 1"), std::string::npos);
    EXPECT_NE(m.body.find("daring_db_commit_batch_size_count"), std::string::npos);
    EXPECT_NE(m.body.find("daring_db_commit_duration_seconds_bucket"), std::string::npos);
    // The pool and transaction figures, labelled by the engine this run serves from.
    const char* env = std::getenv("DARING_TEST_ENGINE");
    const std::string engine =
        env && std::string(env) == "postgresql" ? "engine=\"postgresql\"" : "engine=\"sqlite\"";
    EXPECT_NE(m.body.find("daring_db_info{" + engine + "} 1"), std::string::npos) << m.body;
    // In use: at most the pool (the server's own workers, e.g. the outbox's poll, may hold one
    // at this moment, so not necessarily 0).
    const auto figure = [&](const std::string& name) {
        std::smatch found;
        const std::regex line("\n" + name + "\\{" + engine + "\\} ([0-9]+)\n");
        return std::regex_search(m.body, found, line) ? std::stol(found[1]) : -1L;
    };
    const auto pool = figure("daring_db_read_connections");
    const auto in_use = figure("daring_db_read_connections_in_use");
    EXPECT_GT(pool, 0) << m.body;
    EXPECT_GE(in_use, 0) << m.body;
    EXPECT_LE(in_use, pool);
    EXPECT_NE(m.body.find("daring_db_write_queue_limit{" + engine + "} "), std::string::npos);
    EXPECT_NE(m.body.find("daring_db_batch_replays_total{" + engine + "} "), std::string::npos);
    // The admin's login committed at least one transaction; none failed.
    EXPECT_EQ(m.body.find("daring_db_transactions_total{" + engine + ",outcome=\"committed\"} 0\n"),
              std::string::npos);
    EXPECT_NE(m.body.find("daring_db_transactions_total{" + engine + ",outcome=\"failed\"} 0\n"),
              std::string::npos);
}

TEST_F(Http, KeepsConnectionsAliveAcrossRequests) {
    for (int i = 0; i < 5; ++i) {
        auto r = client->request("GET", "/healthz");
        EXPECT_EQ(r.status, 200);
        EXPECT_FALSE(r.closed);
    }
    EXPECT_TRUE(client->connected());
}

TEST_F(Http, FinishesInFlightRequestsOnSigtermAndExitsZero) {
    auto token = admin_token();
    std::string csv = "username,password,full_name,role\n";
    for (int i = 0; i < 40; ++i)
        csv += "late.user" + std::to_string(i) + ",password-1,Late,trainee\n";
    http_result result;
    std::thread slow([&] {
        http_client c(server->port());
        result =
            c.request("POST", "/api/v1/users/import",
                      {{"Content-Type", "text/csv"}, {"Authorization", "Bearer " + token}}, csv);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    http_client idle(server->port());
    EXPECT_EQ(idle.request("GET", "/healthz").status, 200);  // an idle keep-alive connection
    EXPECT_EQ(server->stop(SIGTERM), 0);
    slow.join();
    EXPECT_EQ(result.status, 201) << result.body;

    server_process again(dir.file("t.db"), dir.file("web"));
    http_client c(again.port());
    auto admin =
        json_request(c, "POST", "/api/v1/auth/login",
                     {{"username", "admin"}, {"password", server_process::admin_password}});
    auto users =
        c.request("GET", "/api/v1/users?q=late.user",
                  {{"Authorization", "Bearer " + admin.json()["token"].get<std::string>()}});
    EXPECT_EQ(users.json().size(), 40u);
}

TEST(HttpLimits, RefusesConnectionsBeyondTheCapWith503) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    server_process server(dir.file("t.db"), dir.file("web"), {"--max-connections", "2"});
    http_client a(server.port()), b(server.port()), c(server.port());
    EXPECT_EQ(a.request("GET", "/healthz").status, 200);
    EXPECT_EQ(b.request("GET", "/healthz").status, 200);
    auto refused = c.raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 503);
    a.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    http_client d(server.port());
    EXPECT_EQ(d.request("GET", "/healthz").status, 200);
}

TEST(HttpLimits, ClosesSlowHeadersAndIdleKeepAliveConnectionsAtTheirTimeouts) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    server_process server(dir.file("t.db"), dir.file("web"),
                          {"--header-timeout", "1", "--idle-timeout", "2"});
    // A client that starts a request and never finishes its headers is cut off.
    http_client slow(server.port());
    auto started = std::chrono::steady_clock::now();
    auto none = slow.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(none.has_value());
    EXPECT_LT(waited, std::chrono::seconds(5));
    // An idle keep-alive connection is closed after the idle timeout, not before.
    http_client idle(server.port());
    EXPECT_EQ(idle.request("GET", "/healthz").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    EXPECT_EQ(idle.raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")->status,
              200);  // still open after 1.2 s
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto after = idle.raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_FALSE(after.has_value());  // closed by the server
}

TEST(HttpTls, ServesHttpsWithTls12OrNewerOnly) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    const auto cert = dir.file("cert.pem"), key = dir.file("key.pem");
    const auto gen =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
        " -out " + cert + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(gen.c_str()), 0);
    server_process server(dir.file("t.db"), dir.file("web"),
                          {"--tls-cert", cert, "--tls-key", key});
    EXPECT_EQ(server.url().rfind("https://", 0), 0u);
    const auto base = "curl -sk -o /dev/null -w '%{http_code}' " + server.url() + "/healthz";
    auto run = [](const std::string& cmd) {
        std::string out;
        FILE* p = ::popen(cmd.c_str(), "r");
        char buf[64];
        while (p && std::fgets(buf, sizeof buf, p)) out += buf;
        if (p) ::pclose(p);
        return out;
    };
    EXPECT_EQ(run(base), "200");
    EXPECT_EQ(run(base + " --tlsv1.2 --tls-max 1.2"), "200");
    EXPECT_NE(run(base + " --tlsv1.1 --tls-max 1.1 --ciphers DEFAULT@SECLEVEL=0"), "200");
}

// RFC 9112 on the wire: the head rules answer 400 with the JSON error body; absolute-form works.
TEST_F(Http, RefusesMalformedRequestHeadsAndServesAbsoluteForm) {
    const std::pair<const char*, std::string> refused[] = {
        {"no Host", "GET /healthz HTTP/1.1\r\n\r\n"},
        {"two Hosts", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
        {"no slash", "GET healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"two Authorization",
         "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\n"
         "Authorization: Bearer b\r\n\r\n"},
        {"TE and CL",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
         "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    };
    for (const auto& [what, bytes] : refused) {
        http_client c(server->port());
        auto r = c.raw(bytes);
        ASSERT_TRUE(r) << what;
        EXPECT_EQ(r->status, 400) << what;
        EXPECT_EQ(r->json()["error"]["code"], "bad_request") << what;
        EXPECT_EQ(r->header("x-content-type-options"), "nosniff") << what;
    }
    http_client c(server->port());
    auto absolute = c.raw("GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(absolute);
    EXPECT_EQ(absolute->status, 200);
    EXPECT_EQ(absolute->json()["status"], "ok");
}

TEST_F(Http, EveryResponseCarriesTheSecurityHeaders) {
    for (const char* path : {"/healthz", "/api/v1/me", "/api/v1/nothing", "/metrics"}) {
        auto r = client->request("GET", path);
        EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << path;
        EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << path;
        EXPECT_FALSE(r.header("cache-control").empty()) << path;
        EXPECT_NE(r.header("content-security-policy").find("default-src 'none'"), std::string::npos)
            << path;
        EXPECT_TRUE(r.header("strict-transport-security").empty()) << path;  // plain HTTP
    }
}

namespace {

// A connection that sends its request now and reads the answer later.
class pending_request {
  public:
    pending_request(std::uint16_t port, const std::string& bytes) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
        (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    ~pending_request() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool answered_yet() const {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, 0) > 0;
    }
    // The status line and headers (the body is small and comes with them).
    std::string answer() {
        std::string out;
        char buf[4096];
        pollfd p{fd_, POLLIN, 0};
        while (out.find("\r\n\r\n") == std::string::npos && ::poll(&p, 1, 20000) > 0) {
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }

  private:
    int fd_ = -1;
};

}  // namespace

// A sign-in storm saturates the hashing pool; everything else keeps answering, and sign-ins
// beyond its queue are told to come back (503 busy with Retry-After) instead of piling up.
TEST(HttpIsolation, HealthAnswersWhileTheHashingPoolIsSaturated) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    // At the production password cost: the pool must be busy for a while.
    server_launch launch{
        "serve", dir.file("t.db"), dir.file("web"), {"--hash-threads", "1", "--hash-queue", "6"}};
    launch.cheap_passwords = false;
    server_process server(launch);
    const std::string body =
        std::string(R"({"username":"admin","password":")") + server_process::admin_password + "\"}";
    const std::string login =
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    std::vector<std::unique_ptr<pending_request>> storm;
    for (int i = 0; i < 20; ++i)
        storm.push_back(std::make_unique<pending_request>(server.port(), login));
    http_client probe(server.port());
    for (int i = 0; i < 5; ++i) EXPECT_EQ(probe.request("GET", "/healthz").status, 200);
    EXPECT_EQ(probe.request("GET", "/metrics").status, 200);
    EXPECT_FALSE(storm.back()->answered_yet() && storm[5]->answered_yet() &&
                 storm[4]->answered_yet())
        << "the sign-ins were done before health answered: the pool was never saturated";
    int ok = 0, busy = 0;
    for (auto& r : storm) {
        const auto head = r->answer();
        if (head.starts_with("HTTP/1.1 200")) ++ok;
        if (head.starts_with("HTTP/1.1 503")) {
            ++busy;
            EXPECT_NE(head.find("Retry-After: 2"), std::string::npos) << head;
            EXPECT_NE(head.find("\"busy\""), std::string::npos) << head;
        }
    }
    EXPECT_EQ(ok + busy, 20);
    EXPECT_GE(ok, 1);
    EXPECT_GE(busy, 1);
    EXPECT_NE(probe.request("GET", "/metrics")
                  .body.find("daring_hashing_refused_total " + std::to_string(busy)),
              std::string::npos);
}
