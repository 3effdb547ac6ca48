// Going live: POST /sessions/{id}/start and /end, and the admission of WebSocket upgrades on
// GET /sessions/{id}/live.
#include <spdlog/spdlog.h>

#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/live/live_recovery.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/services/training_access.hpp"
#include "server/sessions/room_keeper.hpp"
#include "server/sessions/session_lifecycle.hpp"
#include "server/util/tokens.hpp"
#include "storage/session_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

// start and end: the same checks, a different transition, then the room follows.
http_response transition(request_context& ctx, bool starting) {
    auto& s = ctx.svc;
    const auto id = ctx.params.integer("id");
    const auto now = s.clk.now();
    const std::string verb = starting ? "start" : "end";
    if (!starting) s.sessions.before_end();
    auto changed = s.db.write([&](connection& c) {
        const auto message = "Only the assigned trainers or an admin can " + verb + " it";
        auto found = require_session(c, id, ctx.user(),
                                     {training_role::staff, when_denied::forbid, message});
        const auto actor = std::optional<std::int64_t>(ctx.user().id);
        const bool done = starting ? s.sessions.start_in(c, id, actor, now)
                                   : s.sessions.end_in(c, id, actor, now);
        if (!done) {
            throw http_error(409, "invalid_state",
                             std::string(starting ? "Only a scheduled session can start"
                                                  : "Only a live session can end") +
                                 "; this one is " + std::string(to_string(found.current.status)));
        }
        return *storage::find_session(c, id);
    });
    if (starting)
        s.sessions.started(changed, now);
    else
        s.sessions.ended(id);
    return json_response(200, to_json(changed));
}

http_response start_session(request_context& ctx) {
    return transition(ctx, true);
}
http_response end_session(request_context& ctx) {
    return transition(ctx, false);
}

// Browsers always send Origin on a WebSocket: it must be ours or an allowed one.
bool origin_allowed(const services& s, const http_request& req) {
    auto origin = req.header("origin");
    if (origin.empty() || origin == request_origin(req)) return true;
    for (const auto& o : s.options.allowed_origins)
        if (origin == o) return true;
    return false;
}

// The session behind a live URL, or why the caller cannot join it: 404 not_found (no such
// session), 403 not_enrolled (a session of a training the caller is not in), 409 session_ended,
// session_not_live (scheduled or cancelled) or session_not_online (held in person).
session joinable_session(connection& c, std::int64_t id, const user& u) {
    auto found = storage::find_session(c, id);
    if (!found) throw http_error(404, "not_found", "No such session");
    if (role_in_training(c, found->training_id, u) == training_role::none)
        throw http_error(403, "not_enrolled", "You are not enrolled in this session's training");
    if (found->current.status == session_status::ended)
        throw http_error(409, "session_ended", "The session has ended");
    if (found->current.status != session_status::live)
        throw http_error(409, "session_not_live",
                         "The session is " + std::string(to_string(found->current.status)));
    if (found->current.mode == delivery_mode::in_person)
        throw http_error(409, "session_not_online", "The session is held in person");
    return *found;
}

// Reached only without the Upgrade headers: the live endpoint is a WebSocket. A page whose
// upgrade failed asks here why (a browser does not show a refused upgrade's status): the same
// answer the upgrade got, or 426 when joining would succeed.
http_response live_without_upgrade(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    ctx.svc.db.read([&](connection& c) { return joinable_session(c, id, ctx.user()); });
    auto res = error_response(426, "upgrade_required", "Connect with a WebSocket client");
    res.set_header("Upgrade", "websocket");
    return res;
}

std::optional<std::uint64_t> resume_of(const http_request& req) {
    auto r = req.query_param("resume");
    if (!r) return std::nullopt;
    if (r->empty() || r->size() > 19 || r->find_first_not_of("0123456789") != std::string::npos)
        throw http_error(400, "invalid_query", "resume must be a seq number", "resume");
    return std::stoull(*r);
}

// `?audio=off` starts the socket unsubscribed from audio (`on`, the default, subscribed).
bool audio_of(const http_request& req) {
    auto a = req.query_param("audio");
    if (!a || *a == "on") return true;
    if (*a == "off") return false;
    throw http_error(400, "invalid_query", "audio must be on or off", "audio");
}

// Several nodes: the room's owner, known here already (no claim, no extra read) or claimed
// for this node once the caller may join the session.
room_owner place_room(services& s, std::int64_t id, const user& u) {
    if (auto known = s.rooms->known_owner(id)) return *known;
    s.db.read([&](connection& c) { return joinable_session(c, id, u); });
    return s.rooms->place(id);
}

live_admission admission_for(services& s, const http_request& req, std::int64_t id) {
    if (!origin_allowed(s, req))
        throw http_error(403, "forbidden_origin", "Connections from this origin are not allowed");
    auto presented = token_of(req);
    auto login = presented.token.empty() ? nullptr : s.auth.authenticate(presented.token);
    if (!login) throw http_error(401, "unauthenticated", "Sign in first");
    if (login->user.must_change_password)
        throw http_error(403, "password_change_required", "Choose your own password first");
    live_admission a;
    a.resume = resume_of(req);
    a.audio = audio_of(req);
    const auto& u = login->user;
    // A room that does not exist yet (the first join after a restart) is rebuilt from the
    // database; if another join creates it first, this recovery is not used. With several
    // nodes the room's owner is found (or this node claims it) first: only the owner builds it.
    bool rebuild = s.live && !s.live->has_room(id);
    if (rebuild && s.rooms) {
        a.owner = place_room(s, id, u);
        rebuild = a.owner->node == s.rooms->node_id() && !s.live->has_room(id);
    }
    auto found = s.db.read([&](connection& c) {
        auto found = joinable_session(c, id, u);
        if (u.user_role == role::trainee) a.prior = load_prior_attendance(c, found.id, u.id);
        if (rebuild && found.current.status == session_status::live)
            a.room.recovery = std::make_shared<live_recovery>(
                load_recovery(c, found.id, room_limits{}.chat_history));
        return found;
    });
    if (s.rooms && !a.owner) a.owner = room_owner{s.rooms->node_id(), 0};
    const auto now = s.clk.now();
    auto recovery = std::move(a.room.recovery);
    a.room = s.sessions.room_of(found, now);
    a.room.recovery = std::move(recovery);
    a.member = live_member{u.id, u.full_name, u.user_role};
    a.token_hash = sha256_hex(presented.token);
    a.deadline = std::min(login->created_at + session_absolute_timeout, now + session_idle_timeout);
    return a;
}

}  // namespace

std::variant<live_admission, http_response> admit_live(services& s,
                                                       const http_request& req) noexcept {
    try {
        auto id = live_session_id(req.path);
        if (!id) return error_response(404, "not_found", "No such resource");
        return admission_for(s, req, *id);
    } catch (const http_error& e) {
        return error_response(e.status, e.error);
    } catch (const std::exception& e) {
        spdlog::error("live admission failed: {}", e.what());
        return error_response(503, "unavailable", "Try again shortly");
    }
}

void add_live_routes(router& r) {
    r.add({
        {"POST", "/api/v1/sessions/{id:int}/start", staff_only, start_session},
        {"POST", "/api/v1/sessions/{id:int}/end", staff_only, end_session},
        {"GET", "/api/v1/sessions/{id:int}/live", access::signed_in(), live_without_upgrade},
    });
}

}  // namespace daring::server
