// Operations and oversight: /healthz, /readyz, /metrics, and the admin audit log.
#include <algorithm>

#include "server/api/handler_support.hpp"
#include "server/api/paging.hpp"
#include "server/api/routes.hpp"
#include "server/sessions/room_keeper.hpp"
#include "server/util/tokens.hpp"
#include "storage/audit_repo.hpp"

namespace daring::server {

using namespace protocol;

namespace {

http_response healthz(request_context&) {
    return json_response(200, {{"status", "ok"}});
}

// Ready while the database answers and the last writes succeeded; a full disk, a read-only
// database or a lock held elsewhere says so (the state clears with the next successful write).
// On the I/O lane: both come from state kept up to date in the background (housekeeping pings
// the database every minute), never from a query of its own.
http_response readyz(request_context& ctx) {
    if (!ctx.svc.db.answered())
        return error_response(503, "database_unavailable", "The database does not answer");
    switch (ctx.svc.db.health()) {
        case storage::storage_health::full:
            return error_response(503, "storage_full", "The disk is full: writes fail");
        case storage::storage_health::read_only:
            return error_response(503, "read_only", "The database is read-only: writes fail");
        case storage::storage_health::busy:
            return error_response(503, "busy", "The database was locked by another process");
        case storage::storage_health::unavailable:
            return error_response(503, "storage_unavailable", "The database cannot be reached");
        case storage::storage_health::ok:
            break;
    }
    json body = {{"status", "ready"}};
    if (!ctx.svc.options.backup_dir.empty()) {
        const auto at = ctx.svc.stats.last_backup_at();
        body["last_backup"] =
            at ? json({{"at", format_rfc3339(at)}, {"bytes", ctx.svc.stats.last_backup_bytes()}})
               : json(nullptr);
    }
    return json_response(200, body);
}

// With --metrics-token, only a scraper that presents it reads the metrics.
http_response metrics_text(request_context& ctx) {
    const auto& token = ctx.svc.options.metrics_token;
    if (!token.empty() &&
        !equal_constant_time(ctx.req.header("authorization"), "Bearer " + token)) {
        auto refused = error_response(401, "unauthenticated", "/metrics needs its bearer token");
        refused.set_header("WWW-Authenticate", "Bearer realm=\"metrics\"");
        return refused;
    }
    http_response res;
    res.body = ctx.svc.stats.render();
    if (ctx.svc.rooms) res.body += ctx.svc.rooms->metrics_text();  // several nodes
    res.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    return res;
}

json audit_json(const storage::audit_entry& e) {
    return {
        {"id", e.id},
        {"actor_id", e.actor_id ? json(*e.actor_id) : json(nullptr)},
        {"actor", e.actor_id ? json({{"username", e.actor_username}, {"full_name", e.actor_name}})
                             : json(nullptr)},
        {"action", e.action},
        {"target", e.target},
        {"detail", json::parse(e.detail, nullptr, false)},
        {"at", format_rfc3339(e.at)}};
}

// Newest first, paged (default 200, at most 1000), filtered by ?actor_id= and ?action=
// (exact, or a prefix ending in '.').
http_response audit_log(request_context& ctx) {
    const auto page = read_page(ctx.req, 1, 200, 1000);
    storage::audit_filter filter;
    if (auto a = ctx.req.query_param("actor_id")) {
        std::size_t used = 0;
        try {
            filter.actor_id = std::stoll(*a, &used);
        } catch (...) {
        }
        if (!filter.actor_id || used != a->size())  // "12abc" is not 12
            throw http_error(400, "invalid_query", "actor_id must be a user id", "actor_id");
    }
    filter.action = ctx.req.query_param("action").value_or("").substr(0, 64);
    auto entries = ctx.svc.db.read(
        [&](storage::connection& c) { return storage::list_audit(c, filter, page); });
    return paged_response<storage::audit_entry>(
        ctx.req, std::move(entries), page,
        [](const storage::audit_entry& e) { return std::vector{e.id}; }, audit_json);
}

}  // namespace

void add_system_routes(router& r) {
    r.add({
        {"GET", "/healthz", access::anyone(), healthz, on_io},
        {"GET", "/readyz", access::anyone(), readyz, on_io},
        {"GET", "/metrics", access::anyone(), metrics_text, on_io},
        {"GET", "/api/v1/audit", admin_only, audit_log},
    });
}

}  // namespace daring::server
