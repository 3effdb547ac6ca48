// Trainings: create, change, list and read; their trainers and enrolled trainees; the log of
// delivery decisions.
#include "protocol/plan.hpp"
#include "protocol/validate.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/paging.hpp"
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/services/membership.hpp"
#include "server/services/training_access.hpp"
#include "storage/funding_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

std::string training_target(std::int64_t id) {
    return "training:" + std::to_string(id);
}

http_response create_training(request_context& ctx) {
    auto t = parsed_or_422(parse_training(ctx.json_body()));
    t.created_at = ctx.svc.clk.now();
    t.id = ctx.svc.db.write([&](connection& c) {
        if (!storage::find_region(c, t.region_code)) {
            throw http_error(422, "unknown_region", "No region " + t.region_code, "region_code");
        }
        if (!storage::find_funding_source(c, t.funding_source_id)) {
            throw http_error(422, "unknown_funding_source", "No such funding source",
                             "funding_source_id");
        }
        auto id = storage::insert_training(c, t, t.created_at);
        ctx.audit(c, "training.create", training_target(id), {{"title", t.title}});
        return id;
    });
    auto res = json_response(201, to_json(t));
    res.set_header("Location", "/api/v1/trainings/" + std::to_string(t.id));
    return res;
}

http_response update_training(request_context& ctx) {
    const auto body = ctx.json_body();
    auto patch = parsed_or_422(parse_training_patch(body));
    const auto id = ctx.params.integer("id");
    const auto now = ctx.svc.clk.now();
    auto [updated, ev] = ctx.svc.db.write([&](connection& c) {
        auto current = storage::find_training(c, id);
        if (!current) throw http_error(404, "not_found", "No such training");
        auto t = apply_patch(*current, patch);
        storage::update_training(c, t);
        ctx.audit(c, "training.update", training_target(id), body);
        // The planned mode, capacity and switch policy feed the delivery decisions of the
        // sessions still to come; live and ended sessions keep theirs.
        return std::pair{t, reevaluate(c, {std::nullopt, id, std::nullopt, now}, now)};
    });
    publish_changes(ctx.svc, ev);
    return json_response(200, to_json(updated));
}

// ?q= (title), ?region= (the region or inside it), ?year= (fiscal year of the funding),
// ?funding_source_id=; paged by id.
storage::training_filter training_filter_of(const http_request& req) {
    storage::training_filter f;
    f.query = trim(req.query_param("q").value_or("")).substr(0, 100);
    f.region_code = trim(req.query_param("region").value_or("")).substr(0, 13);
    auto number = [&](const char* name, std::int64_t min, std::int64_t max) {
        std::optional<std::int64_t> out;
        if (auto v = req.query_param(name); v && !v->empty()) {
            std::size_t used = 0;
            try {
                out = std::stoll(*v, &used);
            } catch (...) {
            }
            if (!out || used != v->size() || *out < min || *out > max)
                throw http_error(400, "invalid_query", std::string(name) + " must be a number",
                                 name);
        }
        return out;
    };
    if (auto y = number("year", 1900, 2200)) f.year = static_cast<int>(*y);
    f.funding_source_id = number("funding_source_id", 1, INT64_MAX);
    return f;
}

http_response list_trainings(request_context& ctx) {
    const auto filter = training_filter_of(ctx.req);
    const auto page = read_page(ctx.req);
    auto list = ctx.svc.db.read([&](connection& c) {
        return storage::list_trainings(c, ctx.user().user_role, ctx.user().id, filter, page);
    });
    return paged_response<training>(
        ctx.req, std::move(list), page, [](const training& t) { return std::vector{t.id}; },
        [](const training& t) { return to_json(t); });
}

http_response get_training(request_context& ctx) {
    auto [t, sessions, trainers] = ctx.svc.db.read([&](connection& c) {
        auto t = require_training(c, ctx.params.integer("id"), ctx.user());
        return std::tuple{t, storage::list_sessions(c, t.id, false),
                          storage::list_trainers(c, t.id)};
    });
    auto body = to_json(t);
    auto list = json::array();
    for (const auto& x : sessions) list.push_back(to_json(x, false));
    body["sessions"] = std::move(list);
    auto people = json::array();
    for (const auto& u : trainers) people.push_back({{"id", u.id}, {"full_name", u.full_name}});
    body["trainers"] = std::move(people);
    return json_response(200, body);
}

http_response add_trainer(request_context& ctx) {
    auto body = ctx.json_body();
    field_reader fr(body);
    auto user_id = fr.required_int("user_id", 1, INT64_MAX);
    if (!fr.ok()) throw http_error(422, fr.first_error());
    const auto training_id = ctx.params.integer("id");
    auto out = ctx.svc.db.write([&](connection& c) {
        auto out = server::assign_trainer(c, training_id, *user_id, ctx.svc.clk.now());
        if (out.added)
            ctx.audit(c, "training.assign_trainer", training_target(training_id),
                      {{"user_id", *user_id}});
        return out;
    });
    publish_changes(ctx.svc, out.decisions);
    return json_response(out.added ? 201 : 200,
                         {{"training_id", training_id}, {"user_id", *user_id}, {"assigned", true}});
}

// Ends an enrollment or a trainer's assignment; the user's live sockets in the training close
// with 4003.
http_response end_member(request_context& ctx, membership_kind kind, const char* action) {
    const auto training_id = ctx.params.integer("id");
    const auto user_id = ctx.params.integer("user_id");
    auto ev = ctx.svc.db.write([&](connection& c) {
        auto ev = end_membership(c, kind, training_id, user_id, ctx.svc.clk.now());
        ctx.audit(c, action, training_target(training_id), {{"user_id", user_id}});
        return ev;
    });
    publish_changes(ctx.svc, ev);
    if (ctx.svc.live) ctx.svc.live->close_member(training_id, user_id);
    return no_content();
}

http_response remove_trainer(request_context& ctx) {
    return end_member(ctx, membership_kind::trainer_assignment, "training.unassign_trainer");
}

http_response withdraw_trainee(request_context& ctx) {
    return end_member(ctx, membership_kind::enrollment, "training.withdraw");
}

http_response enroll(request_context& ctx) {
    const auto training_id = ctx.params.integer("id");
    auto request = ctx.req.header("content-type").starts_with("text/csv")
                       ? parse_enrollment_csv(ctx.req.body)
                       : parse_enrollment_json(ctx.json_body());
    auto out = ctx.svc.db.write([&](connection& c) {
        auto out = enroll_trainees(c, training_id, std::move(request), ctx.svc.clk.now());
        ctx.audit(c, "training.enroll", training_target(training_id),
                  {{"requested", out.requested}, {"enrolled", out.enrolled}});
        return out;
    });
    publish_changes(ctx.svc, out.decisions);
    return json_response(
        201, {{"enrolled", out.enrolled}, {"already_enrolled", out.requested - out.enrolled}});
}

json enrollment_json(const storage::enrollment_row& e) {
    return {
        {"user", to_json(e.user)},
        {"enrolled_at", format_rfc3339(e.enrolled_at)},
        {"withdrawn_at", e.withdrawn_at ? json(format_rfc3339(*e.withdrawn_at)) : json(nullptr)}};
}

http_response list_enrollments(request_context& ctx) {
    const auto page = read_page(ctx.req);
    auto rows = ctx.svc.db.read([&](connection& c) {
        auto t = require_training(
            c, ctx.params.integer("id"), ctx.user(),
            {training_role::staff, when_denied::forbid, "Trainees may not do this"});
        return storage::list_enrollments(c, t.id, page);
    });
    return paged_response<storage::enrollment_row>(
        ctx.req, std::move(rows), page,
        [](const storage::enrollment_row& e) { return std::vector{e.user.id}; }, enrollment_json);
}

http_response list_decisions(request_context& ctx) {
    const auto page = read_page(ctx.req);
    auto list = ctx.svc.db.read([&](connection& c) {
        auto t = require_training(c, ctx.params.integer("id"), ctx.user());
        return storage::list_decisions(c, t.id, page);
    });
    return paged_response<delivery_decision>(
        ctx.req, std::move(list), page,
        [](const delivery_decision& d) { return std::vector{d.id}; },
        [](const delivery_decision& d) { return to_json(d); });
}

}  // namespace

void add_training_routes(router& r) {
    const auto members = "/api/v1/trainings/{id:int}/enrollments";
    r.add({
        {"POST", "/api/v1/trainings", admin_only, create_training},
        {"PATCH", "/api/v1/trainings/{id:int}", admin_only, update_training},
        {"GET", "/api/v1/trainings", access::signed_in(), list_trainings},
        {"GET", "/api/v1/trainings/{id:int}", access::signed_in(), get_training},
        {"POST", "/api/v1/trainings/{id:int}/trainers", admin_only, add_trainer},
        {"DELETE", "/api/v1/trainings/{id:int}/trainers/{user_id:int}", admin_only, remove_trainer},
        {"POST", members, admin_only, enroll, route_options{import_body_limit}},
        {"GET", members, staff_only, list_enrollments},
        {"DELETE", "/api/v1/trainings/{id:int}/enrollments/{user_id:int}", admin_only,
         withdraw_trainee},
        {"GET", "/api/v1/trainings/{id:int}/decisions", access::signed_in(), list_decisions},
    });
}

}  // namespace daring::server
