// Going live: POST /sessions/{id}/start and /end, and the admission of WebSocket upgrades on
// GET /sessions/{id}/live.
#include <spdlog/spdlog.h>

#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/services/tokens.hpp"
#include "storage/plan_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

// The session if `u` may run it (admin, or a trainer assigned to its training).
std::optional<session> runnable_session(connection& c, std::int64_t id, const user& u,
                                        bool& visible) {
    auto s = storage::find_session(c, id);
    visible = false;
    if (!s) return std::nullopt;
    if (u.user_role == role::admin) {
        visible = true;
        return s;
    }
    if (u.user_role == role::trainer && storage::is_trainer_of(c, s->training_id, u.id)) {
        visible = true;
        return s;
    }
    visible = u.user_role == role::trainee && storage::is_enrolled_in(c, s->training_id, u.id);
    return std::nullopt;
}

room_info room_of(const session& s, const app_options& o, unix_seconds now) {
    return {s.id,
            s.title,
            s.current.mode,
            s.slides,
            s.training_id,
            session_window(s, now),
            thresholds_of(s, {o.present_pct, o.late_after_s})};
}

}  // namespace

void add_live_routes(router& r, services& s) {
    const auto staff = access::roles({role::admin, role::trainer});

    // start and end: the same checks, a different transition, then the room follows.
    auto transition = [&s](request_context& ctx, bool starting) {
        const auto id = ctx.params.integer("id");
        const auto now = s.clk.now();
        const char* verb = starting ? "start" : "end";
        auto changed = s.db.write([&](connection& c) {
            bool visible = false;
            auto found = runnable_session(c, id, ctx.user(), visible);
            if (!found) {
                if (visible)
                    throw http_error(
                        403, "forbidden",
                        std::string("Only the assigned trainers or an admin can ") + verb + " it");
                throw http_error(404, "not_found", "No such session");
            }
            const bool done =
                starting ? storage::start_session(c, id, ctx.user().id, now, s.options.present_pct,
                                                  s.options.late_after_s)
                         : storage::end_session(c, id, ctx.user().id, now);
            if (!done) {
                throw http_error(409, "invalid_state",
                                 std::string(starting ? "Only a scheduled session can start"
                                                      : "Only a live session can end") +
                                     "; this one is " +
                                     std::string(to_string(found->current.status)));
            }
            ctx.audit(c, std::string("session.") + verb, "session:" + std::to_string(id));
            return *storage::find_session(c, id);
        });
        if (s.live) {
            if (starting)
                s.live->open(room_of(changed, s.options, now));
            else
                s.live->end(id);
        }
        return json_response(200, to_json(changed));
    };
    r.add("POST", "/api/v1/sessions/{id:int}/start", staff,
          [transition](request_context& ctx) { return transition(ctx, true); });
    r.add("POST", "/api/v1/sessions/{id:int}/end", staff,
          [transition](request_context& ctx) { return transition(ctx, false); });

    // Reached only without the Upgrade headers: the live endpoint is a WebSocket.
    r.add("GET", "/api/v1/sessions/{id:int}/live", access::signed_in(),
          [](request_context&) -> http_response {
              auto res = error_response(426, "upgrade_required", "Connect with a WebSocket client");
              res.set_header("Upgrade", "websocket");
              return res;
          });
}

std::variant<live_admission, http_response> admit_live(services& s,
                                                       const http_request& req) noexcept {
    try {
        auto id = live_session_id(req.path);
        if (!id) return error_response(404, "not_found", "No such resource");
        // Browsers always send Origin on a WebSocket: it must be ours or an allowed one.
        auto origin = req.header("origin");
        if (!origin.empty()) {
            bool allowed = origin == request_origin(req);
            for (const auto& o : s.options.allowed_origins) allowed |= origin == o;
            if (!allowed)
                return error_response(403, "forbidden_origin",
                                      "Connections from this origin are not allowed");
        }
        auto presented = token_of(req);
        auto login = presented.token.empty() ? std::nullopt : s.auth.authenticate(presented.token);
        if (!login) return error_response(401, "unauthenticated", "Sign in first");
        std::optional<std::uint64_t> resume;
        if (auto r = req.query_param("resume")) {
            if (r->empty() || r->size() > 19 ||
                r->find_first_not_of("0123456789") != std::string::npos) {
                return error_response(400, "invalid_query", "resume must be a seq number",
                                      "resume");
            }
            resume = std::stoull(*r);
        }
        const auto& u = login->user;
        prior_attendance prior;
        auto found = s.db.read([&](storage::connection& c) -> std::optional<session> {
            auto s = storage::find_session(c, *id);
            if (!s) return std::nullopt;
            if (u.user_role == role::trainer && !storage::is_trainer_of(c, s->training_id, u.id))
                return std::nullopt;
            if (u.user_role == role::trainee) {
                if (!storage::is_enrolled_in(c, s->training_id, u.id)) return std::nullopt;
                prior = load_prior_attendance(c, s->id, u.id);
            }
            return s;
        });
        if (!found) return error_response(404, "not_found", "No such session");
        if (found->current.status != session_status::live) {
            return error_response(
                409, "session_not_live",
                "The session is " + std::string(to_string(found->current.status)));
        }
        if (found->current.mode == delivery_mode::in_person) {
            return error_response(409, "session_not_online", "The session is held in person");
        }
        live_admission a;
        a.room = room_of(*found, s.options, s.clk.now());
        a.prior = std::move(prior);
        a.member = live_member{u.id, u.full_name, u.user_role};
        a.resume = resume;
        a.token_hash = sha256_hex(presented.token);
        a.deadline = std::min(login->created_at + session_absolute_timeout,
                              s.clk.now() + session_idle_timeout);
        return a;
    } catch (const std::exception& e) {
        spdlog::error("live admission failed: {}", e.what());
        return error_response(503, "unavailable", "Try again shortly");
    }
}

}  // namespace daring::server
