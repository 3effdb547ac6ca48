// Sessions of a training: add, read, change, an admin's delivery decision; and the caller's
// notifications of delivery changes.
#include "protocol/plan.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/paging.hpp"
#include "server/api/routes.hpp"
#include "server/services/session_planning.hpp"
#include "server/services/training_access.hpp"
#include "storage/notification_repo.hpp"
#include "storage/session_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

std::string session_target(std::int64_t id) {
    return "session:" + std::to_string(id);
}

http_response session_now(request_context& ctx, std::int64_t id, int status) {
    auto s = ctx.svc.db.read([&](connection& c) { return storage::find_session(c, id); });
    if (!s) throw http_error(404, "not_found", "No such session");
    return json_response(status, to_json(*s));
}

http_response create_session(request_context& ctx) {
    auto x = parsed_or_422(parse_session(ctx.json_body()));
    x.training_id = ctx.params.integer("id");
    auto planned = ctx.svc.db.write([&](connection& c) {
        auto out = add_session(c, x, ctx.svc.clk.now());
        ctx.audit(c, "session.create", session_target(out.id), {{"training_id", x.training_id}});
        return out;
    });
    publish_changes(ctx.svc, planned.decisions);
    auto res = session_now(ctx, planned.id, 201);
    res.set_header("Location", "/api/v1/sessions/" + std::to_string(planned.id));
    return res;
}

http_response get_session(request_context& ctx) {
    auto s = ctx.svc.db.read(
        [&](connection& c) { return require_session(c, ctx.params.integer("id"), ctx.user()); });
    return json_response(200, to_json(s));
}

// Admins change anything; a training's assigned trainers change its sessions' content (title
// and slides, also while live), never the schedule.
http_response update_session(request_context& ctx) {
    auto patch = parsed_or_422(parse_session_patch(ctx.json_body()));
    const auto id = ctx.params.integer("id");
    const bool schedule = patch.starts_at || patch.ends_at;
    const bool admin = ctx.user().user_role == role::admin;
    std::optional<std::vector<slide>> live_slides;
    auto ev = ctx.svc.db.write([&](connection& c) {
        const auto before = require_session(c, id, ctx.user(), staff_or_403);
        if (schedule && !admin)
            throw http_error(403, "forbidden",
                             "Only an administrator changes a session's schedule; trainers change "
                             "its title and slides");
        if (patch.slides) patch.slides = resolve_slides(c, id, std::move(*patch.slides));
        reevaluation ev;
        if (schedule)
            ev = change_session(c, id, patch, ctx.svc.clk.now());
        else
            change_session_content(c, id, patch);
        ctx.audit(c, "session.update", session_target(id));
        if (patch.slides && before.current.status == session_status::live)
            live_slides = patch.slides;
        return ev;
    });
    publish_changes(ctx.svc, ev);
    if (live_slides && ctx.svc.live) ctx.svc.live->slides_changed(id, std::move(*live_slides));
    return session_now(ctx, id, 200);
}

http_response set_delivery(request_context& ctx) {
    auto request = parsed_or_422(parse_delivery_request(ctx.json_body()));
    const auto id = ctx.params.integer("id");
    auto ev = ctx.svc.db.write([&](connection& c) {
        auto ev = decide_by_hand(c, id, request, ctx.user().id, ctx.svc.clk.now());
        ctx.audit(c, "session.delivery", session_target(id),
                  {{"action", action_name(request)}, {"reason", request.reason}});
        return ev;
    });
    publish_changes(ctx.svc, ev);
    return session_now(ctx, id, 200);
}

http_response my_notifications(request_context& ctx) {
    const auto page = read_page(ctx.req);
    auto list = ctx.svc.db.read(
        [&](connection& c) { return storage::list_notifications(c, ctx.user().id, page); });
    return paged_response<notification>(
        ctx.req, std::move(list), page, [](const notification& n) { return std::vector{n.id}; },
        [](const notification& n) { return to_json(n); });
}

}  // namespace

void add_session_routes(router& r) {
    r.add({
        {"POST", "/api/v1/trainings/{id:int}/sessions", admin_only, create_session},
        {"GET", "/api/v1/sessions/{id:int}", access::signed_in(), get_session},
        {"PATCH", "/api/v1/sessions/{id:int}", staff_only, update_session},
        {"POST", "/api/v1/sessions/{id:int}/delivery", admin_only, set_delivery},
        {"GET", "/api/v1/me/notifications", access::signed_in(), my_notifications},
    });
}

}  // namespace daring::server
