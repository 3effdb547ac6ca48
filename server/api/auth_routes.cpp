// POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/me.
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/services/tokens.hpp"

namespace daring::server {

namespace {

std::string session_cookie(const std::string& token, bool secure, protocol::unix_seconds max_age) {
    std::string c = std::string(session_cookie_name) + "=" + token +
                    "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
    if (secure) c += "; Secure";
    return c;
}

}  // namespace

void add_auth_routes(router& r, services& s) {
    r.add("POST", "/api/v1/auth/login", access::anyone(), [&s](request_context& ctx) {
        auto parsed = protocol::parse_login_request(ctx.json_body());
        if (!parsed) throw http_error(422, parsed.err());
        auto outcome = s.auth.login(parsed->username, parsed->password, ctx.req.remote_address);
        if (auto* t = std::get_if<login_throttled>(&outcome)) {
            http_error e(
                429, "too_many_attempts",
                "Too many failed logins; try again in " + std::to_string(t->retry_after) + " s");
            e.headers.emplace_back("Retry-After", std::to_string(t->retry_after));
            throw e;
        }
        if (std::holds_alternative<login_refused>(outcome)) {
            throw http_error(401, "invalid_credentials", "Wrong username or password");
        }
        auto& ok = std::get<login_success>(outcome);
        auto res = json_response(200, {{"user", protocol::to_summary_json(ok.user)},
                                       {"token", ok.token},
                                       {"csrf_token", ok.csrf_token}});
        res.headers.emplace_back("Set-Cookie",
                                 session_cookie(ok.token, ctx.req.tls, session_absolute_timeout));
        return res;
    });

    r.add("POST", "/api/v1/auth/logout", access::signed_in(), [&s](request_context& ctx) {
        const auto token = token_of(ctx.req).token;
        s.auth.logout(token);
        if (s.live) s.live->close_token(sha256_hex(token));  // open live sockets close now
        auto res = no_content();
        res.headers.emplace_back("Set-Cookie", session_cookie("", ctx.req.tls, 0));
        return res;
    });

    r.add("GET", "/api/v1/me", access::signed_in(), [](request_context& ctx) {
        auto body = protocol::to_json(ctx.user());
        body["csrf_token"] = ctx.session->csrf_token;
        return json_response(200, body);
    });
}

}  // namespace daring::server
