// Funding sources (DAK, APBD lines) that trainings are planned against.
#include "protocol/plan.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "storage/funding_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

http_response list_funding_sources(request_context& ctx) {
    auto list = ctx.svc.db.read([](connection& c) { return storage::list_funding_sources(c); });
    return json_response(200, json_list(list));
}

http_response create_funding_source(request_context& ctx) {
    auto f = parsed_or_422(parse_funding_source(ctx.json_body()));
    f.id = ctx.svc.db.write([&](connection& c) {
        auto id = storage::insert_funding_source(c, f, ctx.svc.clk.now());
        ctx.audit(c, "funding_source.create", "funding_source:" + std::to_string(id),
                  {{"code", f.code}});
        return id;
    });
    return json_response(201, to_json(f));
}

}  // namespace

void add_funding_source_routes(router& r) {
    r.add({
        {"GET", "/api/v1/funding-sources", admin_only, list_funding_sources},
        {"POST", "/api/v1/funding-sources", admin_only, create_funding_source},
    });
}

}  // namespace daring::server
