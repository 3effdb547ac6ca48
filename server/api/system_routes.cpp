// /healthz, /readyz, /metrics, and the admin audit log.
#include "server/api/routes.hpp"
#include "storage/audit_repo.hpp"

namespace daring::server {

void add_system_routes(router& r, services& s) {
    r.add("GET", "/healthz", access::anyone(), [](request_context&) {
        return json_response(200, {{"status", "ok"}});
    });
    r.add("GET", "/readyz", access::anyone(), [&s](request_context&) {
        if (!s.db.ping()) {
            return error_response(503, "database_unavailable", "The database does not answer");
        }
        return json_response(200, {{"status", "ready"}});
    });
    r.add("GET", "/metrics", access::anyone(), [&s](request_context&) {
        http_response res;
        res.body = s.stats.render();
        res.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        res.set_header("Cache-Control", "no-store");
        return res;
    });
    r.add(
        "GET", "/api/v1/audit", access::roles({protocol::role::admin}), [&s](request_context& ctx) {
            int limit = 200;
            if (auto l = ctx.req.query_param("limit")) {
                try {
                    limit = std::clamp(std::stoi(*l), 1, 1000);
                } catch (...) {
                    throw http_error(400, "invalid_query", "limit must be a number", "limit");
                }
            }
            auto entries =
                s.db.read([&](storage::connection& c) { return storage::list_audit(c, limit); });
            auto out = protocol::json::array();
            for (const auto& e : entries) {
                out.push_back({{"id", e.id},
                               {"actor_id",
                                e.actor_id ? protocol::json(*e.actor_id) : protocol::json(nullptr)},
                               {"action", e.action},
                               {"target", e.target},
                               {"detail", protocol::json::parse(e.detail, nullptr, false)},
                               {"at", protocol::format_rfc3339(e.at)}});
            }
            return json_response(200, out);
        });
}

}  // namespace daring::server
