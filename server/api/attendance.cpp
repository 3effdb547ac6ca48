// Attendance: in-room check-in codes (with the QR image), check-ins, marks by hand.
#include "protocol/validate.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/reports/qr_code.hpp"
#include "server/rules/checkin_code.hpp"
#include "server/services/training_access.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

// Check-in is open around the time the class meets: from 30 minutes before the scheduled start
// while scheduled, and while the session is live.
constexpr unix_seconds checkin_opens_before = 30 * 60;

void require_checkin_open(const session& s, unix_seconds now) {
    if (s.current.mode == delivery_mode::online) {
        throw http_error(
            409, "checkin_not_in_room",
            "The session is held online; attendance comes from time present in the live room");
    }
    const bool live = s.current.status == session_status::live;
    const bool upcoming = s.current.status == session_status::scheduled &&
                          now >= s.starts_at - checkin_opens_before && now < s.ends_at;
    if (!live && !upcoming) {
        throw http_error(
            409, "checkin_closed",
            "Check-in is open from 30 minutes before the start until the end; the session is " +
                std::string(to_string(s.current.status)));
    }
}

json to_json(const storage::mark_row& m) {
    return {{"id", m.id},
            {"session_id", m.session_id},
            {"user_id", m.user_id},
            {"status", m.status},
            {"reason", m.reason},
            {"marked_by", {{"user_id", m.marked_by}, {"full_name", m.marked_by_name}}},
            {"marked_at", format_rfc3339(m.marked_at)}};
}

session staff_session(request_context& ctx, std::int64_t id) {
    return ctx.svc.db.read(
        [&](connection& c) { return require_session(c, id, ctx.user(), staff_or_404); });
}

http_response checkin_code(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    const auto now = ctx.svc.clk.now();
    require_checkin_open(staff_session(ctx, id), now);
    const auto current = checkin_code_at(ctx.svc.checkin_secret, id, now);
    const auto url =
        public_origin(ctx.svc, ctx.req) + "/#checkin/" + std::to_string(id) + "/" + current.code;
    const auto format = ctx.req.query_param("format").value_or("json");
    http_response res;
    if (format == "svg") {
        res.body = qr_svg(url);
        res.set_header("Content-Type", "image/svg+xml");
    } else if (format == "json") {
        res = json_response(200, {{"session_id", id},
                                  {"code", current.code},
                                  {"expires_at", format_rfc3339(current.expires_at)},
                                  {"step_s", checkin_step},
                                  {"checkin_url", url},
                                  {"qr_svg", qr_svg(url)}});
    } else {
        throw http_error(400, "invalid_query", "format must be json or svg", "format");
    }
    res.set_header("Cache-Control", "no-store");
    return res;
}

// 429 while the trainee has too many wrong codes; a wrong code counts, a right one clears.
void check_code(services& s, std::int64_t session_id, std::int64_t user_id, const std::string& code,
                unix_seconds now) {
    const auto key = "checkin:" + std::to_string(session_id);
    const auto who = std::to_string(user_id);
    if (auto wait = s.checkin_failures.retry_after(key, who, now)) {
        http_error e(429, "too_many_attempts", "Too many wrong codes; wait before trying again");
        e.headers.emplace_back("Retry-After", std::to_string(*wait));
        throw e;
    }
    if (!checkin_code_valid(s.checkin_secret, session_id, code, now)) {
        s.checkin_failures.record(key, who, now);
        throw http_error(422, "invalid_code",
                         "The code is wrong or has expired; read the current one", "code");
    }
    s.checkin_failures.forget(key, who);
}

http_response check_in(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    const auto body = ctx.json_body();
    field_reader fields(body);
    auto code = fields.required_string("code", 1, 32);
    if (!fields.ok()) throw http_error(422, fields.first_error());
    const auto now = ctx.svc.clk.now();
    const auto& u = ctx.user();
    auto found = ctx.svc.db.read([&](connection& c) { return require_session(c, id, u); });
    require_checkin_open(found, now);
    check_code(ctx.svc, id, u.id, *code, now);
    auto [created, at] = ctx.svc.db.write([&](connection& c) {
        const bool created = storage::record_checkin(c, id, u.id, now);
        if (created) ctx.audit(c, "attendance.checkin", "session:" + std::to_string(id));
        return std::pair{created, storage::checkins_of(c, id, u.id).at(u.id)};
    });
    if (created && ctx.svc.live) ctx.svc.live->update_evidence(id, u.id, at, std::nullopt);
    return json_response(created ? 201 : 200, {{"session_id", id},
                                               {"user_id", u.id},
                                               {"checked_in_at", format_rfc3339(at)},
                                               {"already_checked_in", !created}});
}

storage::mark_row parse_mark(request_context& ctx) {
    const auto body = ctx.json_body();
    field_reader fields(body);
    auto user_id = fields.required_int("user_id", 1, std::numeric_limits<std::int64_t>::max());
    auto status = fields.required_string("status", 1, 16);
    auto reason = fields.required_string("reason", 1, 500);
    if (fields.ok() && !parse_manual_mark(*status))
        fields.fail("status", "status must be present, absent or excused");
    if (!fields.ok()) throw http_error(422, fields.first_error());
    storage::mark_row m;
    m.session_id = ctx.params.integer("id");
    m.user_id = *user_id;
    m.status = *status;
    m.reason = *reason;
    m.marked_by = ctx.user().id;
    m.marked_at = ctx.svc.clk.now();
    return m;
}

http_response add_mark(request_context& ctx) {
    auto m = parse_mark(ctx);
    auto mark = ctx.svc.db.write([&](connection& c) {
        auto sess = require_session(c, m.session_id, ctx.user(), staff_or_404);
        if (!storage::is_enrolled_in(c, sess.training_id, m.user_id)) {
            throw http_error(422, "not_enrolled", "That user is not enrolled in this training",
                             "user_id");
        }
        m.id = storage::insert_mark(c, m);
        ctx.audit(c, "attendance.mark", "session:" + std::to_string(m.session_id),
                  {{"user_id", m.user_id}, {"status", m.status}});
        return storage::marks_of(c, m.session_id, m.user_id).back();
    });
    if (ctx.svc.live)
        ctx.svc.live->update_evidence(mark.session_id, mark.user_id, std::nullopt,
                                      parse_manual_mark(mark.status));
    return json_response(201, to_json(mark));
}

http_response list_marks(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    auto marks = ctx.svc.db.read([&](connection& c) {
        require_session(c, id, ctx.user(), staff_or_404);
        return storage::marks_of(c, id);
    });
    auto items = json::array();
    for (const auto& m : marks) items.push_back(to_json(m));
    return json_response(200, {{"items", std::move(items)}});
}

}  // namespace

void add_attendance_routes(router& r) {
    r.add({
        {"GET", "/api/v1/sessions/{id:int}/checkin-code", staff_only, checkin_code},
        {"POST", "/api/v1/sessions/{id:int}/checkin", trainee_only, check_in},
        {"POST", "/api/v1/sessions/{id:int}/attendance/marks", staff_only, add_mark},
        {"GET", "/api/v1/sessions/{id:int}/attendance/marks", staff_only, list_marks},
    });
}

}  // namespace daring::server
