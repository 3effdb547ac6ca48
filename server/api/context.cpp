#include "server/api/context.hpp"

#include "storage/audit_repo.hpp"

namespace daring::server {

std::string public_origin(const services& s, const http_request& req) {
    return s.options.public_url.empty() ? request_origin(req) : s.options.public_url;
}

std::int64_t request_context::arrived_ms() const {
    return req.arrived_ms(svc.clk.now_ms());
}

protocol::json request_context::json_body() const {
    auto type = req.header("content-type");
    if (!type.starts_with("application/json")) {
        throw http_error(415, "unsupported_media_type", "Send the body as application/json");
    }
    auto parsed = protocol::parse_json_object(req.body);
    if (!parsed) throw http_error(400, parsed.err());
    return std::move(*parsed);
}

void request_context::audit(storage::connection& c, std::string action, std::string target,
                            const protocol::json& detail) const {
    const auto actor = session ? std::optional(session->user.id) : std::nullopt;
    storage::insert_audit(c, actor, std::move(action), std::move(target), detail, svc.clk.now());
}

presented_token token_of(const http_request& req) {
    auto authz = req.header("authorization");
    if (authz.size() > 7 && (authz.starts_with("Bearer ") || authz.starts_with("bearer "))) {
        return {std::string(authz.substr(7)), false};
    }
    auto cookie = req.cookie(session_cookie_name);
    if (!cookie.empty()) return {cookie, true};
    return {};
}

}  // namespace daring::server
