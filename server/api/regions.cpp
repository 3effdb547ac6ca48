// Regions and their gathering restrictions: recording or ending a restriction re-decides the
// delivery of every session it covers.
#include "protocol/plan.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/paging.hpp"
#include "server/api/routes.hpp"
#include "server/rules/local_time.hpp"
#include "storage/region_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

json affected_json(const reevaluation& ev, const restriction& before, const restriction& after) {
    auto list = json::array();
    for (const auto& s : ev.evaluated) {
        if (!before.covers(s.local_day) && !after.covers(s.local_day)) continue;
        list.push_back({{"session_id", s.session_id},
                        {"mode", to_string(s.mode)},
                        {"status", to_string(s.status)}});
    }
    return list;
}

void require_region(connection& c, const std::string& code) {
    if (!storage::find_region(c, code)) throw http_error(404, "not_found", "No such region");
}

http_response list_regions(request_context& ctx) {
    auto regions = ctx.svc.db.read([](connection& c) { return storage::list_regions(c); });
    return json_response(200, json_list(regions));
}

http_response create_region(request_context& ctx) {
    auto g = parsed_or_422(parse_region(ctx.json_body()));
    ctx.svc.db.write([&](connection& c) {
        storage::insert_region(c, g);
        ctx.audit(c, "region.create", "region:" + g.code, to_json(g));
    });
    return json_response(201, to_json(g));
}

http_response list_restrictions(request_context& ctx) {
    const auto& code = ctx.params.text("code");
    const auto page = read_page(ctx.req, 2);
    auto list = ctx.svc.db.read([&](connection& c) {
        require_region(c, code);
        return storage::list_restrictions(c, code, page);
    });
    return paged_response<restriction>(
        ctx.req, std::move(list), page,
        [](const restriction& r) {
            return std::vector{r.starts_on, r.id};
        },
        [](const restriction& r) { return to_json(r); });
}

http_response create_restriction(request_context& ctx) {
    auto x = parsed_or_422(parse_restriction(ctx.json_body()));
    x.region_code = ctx.params.text("code");
    const auto now = ctx.svc.clk.now();
    auto ev = ctx.svc.db.write([&](connection& c) {
        require_region(c, x.region_code);
        x.id = storage::insert_restriction(c, x, ctx.user().id, now);
        x.created_at = now;
        ctx.audit(c, "restriction.create", "restriction:" + std::to_string(x.id), to_json(x));
        return reevaluate(c, {std::nullopt, std::nullopt, x.region_code, now}, now);
    });
    publish_changes(ctx.svc, ev);
    auto body = to_json(x);
    body["affected_sessions"] = affected_json(ev, x, x);
    auto res = json_response(201, body);
    res.set_header("Location", "/api/v1/restrictions/" + std::to_string(x.id));
    return res;
}

http_response update_restriction(request_context& ctx) {
    auto patch = parsed_or_422(parse_restriction_patch(ctx.json_body()));
    const auto id = ctx.params.integer("id");
    const auto now = ctx.svc.clk.now();
    auto [before, after, ev] = ctx.svc.db.write([&](connection& c) {
        auto found = storage::find_restriction(c, id);
        if (!found) throw http_error(404, "not_found", "No such restriction");
        if (patch.ends_on && *patch.ends_on < found->starts_on) {
            throw http_error(422, "invalid_field", "ends_on must not be before starts_on",
                             "ends_on");
        }
        storage::set_restriction_end(c, id, patch.ends_on);
        auto updated = *found;
        updated.ends_on = patch.ends_on;
        const json ends_on = patch.ends_on ? json(format_date(*patch.ends_on)) : json(nullptr);
        ctx.audit(c, "restriction.update", "restriction:" + std::to_string(id),
                  {{"ends_on", ends_on}});
        auto ev = reevaluate(c, {std::nullopt, std::nullopt, found->region_code, now}, now);
        return std::tuple{*found, updated, ev};
    });
    publish_changes(ctx.svc, ev);
    auto body = to_json(after);
    body["affected_sessions"] = affected_json(ev, before, after);
    return json_response(200, body);
}

}  // namespace

void add_region_routes(router& r) {
    r.add({
        {"GET", "/api/v1/regions", access::signed_in(), list_regions},
        {"POST", "/api/v1/regions", admin_only, create_region},
        {"GET", "/api/v1/regions/{code}/restrictions", access::signed_in(), list_restrictions},
        {"POST", "/api/v1/regions/{code}/restrictions", admin_only, create_restriction},
        {"PATCH", "/api/v1/restrictions/{id:int}", admin_only, update_restriction},
    });
}

}  // namespace daring::server
