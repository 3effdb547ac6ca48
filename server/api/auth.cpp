// Signing in and out: POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/me.
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/util/tokens.hpp"

namespace daring::server {

namespace {

http_response login(request_context& ctx) {
    auto parsed = parsed_or_422(protocol::parse_login_request(ctx.json_body()));
    auto outcome = ctx.svc.auth.login(parsed.username, parsed.password, ctx.req.remote_address);
    if (auto* t = std::get_if<login_throttled>(&outcome)) {
        http_error e(
            429, "too_many_attempts",
            "Too many failed logins; try again in " + std::to_string(t->retry_after) + " s");
        e.headers.emplace_back("Retry-After", std::to_string(t->retry_after));
        throw e;
    }
    if (std::holds_alternative<login_refused>(outcome))
        throw http_error(401, "invalid_credentials", "Wrong username or password");
    if (std::holds_alternative<login_deactivated>(outcome))
        throw http_error(403, "account_deactivated",
                         "This account is deactivated; ask the office to reactivate it");
    auto& ok = std::get<login_success>(outcome);
    auto res = json_response(200, {{"user", protocol::to_summary_json(ok.user)},
                                   {"token", ok.token},
                                   {"csrf_token", ok.csrf_token},
                                   {"must_change_password", ok.user.must_change_password}});
    res.headers.emplace_back("Set-Cookie",
                             session_cookie(ok.token, ctx.req.tls, session_absolute_timeout));
    return res;
}

http_response logout(request_context& ctx) {
    const auto token = token_of(ctx.req).token;
    ctx.svc.auth.logout(token);
    if (ctx.svc.live) ctx.svc.live->close_token(sha256_hex(token));  // live sockets close now
    auto res = no_content();
    res.headers.emplace_back("Set-Cookie", session_cookie("", ctx.req.tls, 0));
    return res;
}

// The profile is rendered once per cached login session (it changes only with the user, and a
// change to the user drops the session's cache entry).
http_response me(request_context& ctx) {
    auto& cache = ctx.svc.auth.cache();
    if (auto kept = cache.rendering(ctx.session->token_hash)) return json_text_response(200, *kept);
    auto body = protocol::to_json(ctx.user());
    body["csrf_token"] = ctx.session->csrf_token;
    auto text = std::make_shared<const std::string>(protocol::dump(body));
    cache.keep_rendering(ctx.session->token_hash, text);
    return json_text_response(200, *text);
}

}  // namespace

void add_auth_routes(router& r) {
    r.add({
        {"POST", "/api/v1/auth/login", access::anyone(), login, on_hashing},
        {"POST", "/api/v1/auth/logout", access::signed_in(), logout},
        {"GET", "/api/v1/me", access::signed_in(), me, on_io_if_cached},
    });
}

}  // namespace daring::server
