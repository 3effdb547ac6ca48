// Attendance: in-room check-in codes (with the QR image), check-ins, marks by hand, and the
// session attendance report.
#include <memory>

#include "protocol/validate.hpp"
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/reports/qr_code.hpp"
#include "server/reports/reports.hpp"
#include "server/rules/checkin_code.hpp"
#include "server/services/login_throttle.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/plan_repo.hpp"

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

}  // namespace

void add_attendance_routes(router& r, services& s, const std::string& checkin_secret) {
    const auto staff = access::roles({role::admin, role::trainer});
    const auto trainee = access::roles({role::trainee});
    auto throttle = std::make_shared<login_throttle>();

    r.add("GET", "/api/v1/sessions/{id:int}/checkin-code", staff,
          [&s, checkin_secret](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              const auto now = s.clk.now();
              auto found =
                  s.db.read([&](connection& c) { return staff_session(c, id, ctx.user()); });
              require_checkin_open(found, now);
              const auto current = checkin_code_at(checkin_secret, id, now);
              const auto url = public_origin(s, ctx.req) + "/#checkin/" + std::to_string(id) + "/" +
                               current.code;
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
          });

    r.add("POST", "/api/v1/sessions/{id:int}/checkin", trainee,
          [&s, checkin_secret, throttle](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              const auto body = ctx.json_body();
              field_reader fields(body);
              auto code = fields.required_string("code", 1, 32);
              if (!fields.ok()) throw http_error(422, fields.first_error());
              const auto now = s.clk.now();
              const auto& u = ctx.user();
              auto found = s.db.read([&](connection& c) -> std::optional<session> {
                  auto sess = storage::find_session(c, id);
                  if (!sess || !storage::is_enrolled_in(c, sess->training_id, u.id))
                      return std::nullopt;
                  return sess;
              });
              if (!found) throw http_error(404, "not_found", "No such session");
              require_checkin_open(*found, now);
              const auto key = "checkin:" + std::to_string(id);
              const auto who = std::to_string(u.id);
              if (auto wait = throttle->retry_after(key, who, now)) {
                  auto res = error_response(429, "too_many_attempts",
                                            "Too many wrong codes; wait before trying again");
                  res.set_header("Retry-After", std::to_string(*wait));
                  return res;
              }
              if (!checkin_code_valid(checkin_secret, id, *code, now)) {
                  throttle->record_failure(key, who, now);
                  throw http_error(422, "invalid_code",
                                   "The code is wrong or has expired; read the current one",
                                   "code");
              }
              throttle->record_success(key, who);
              auto [created, at] = s.db.write([&](connection& c) {
                  const bool created = storage::record_checkin(c, id, u.id, now);
                  if (created) ctx.audit(c, "attendance.checkin", "session:" + std::to_string(id));
                  return std::pair{created, storage::checkins_of(c, id, u.id).at(u.id)};
              });
              if (created && s.live) s.live->update_evidence(id, u.id, at, std::nullopt);
              return json_response(created ? 201 : 200, {{"session_id", id},
                                                         {"user_id", u.id},
                                                         {"checked_in_at", format_rfc3339(at)},
                                                         {"already_checked_in", !created}});
          });

    r.add("POST", "/api/v1/sessions/{id:int}/attendance/marks", staff, [&s](request_context& ctx) {
        const auto id = ctx.params.integer("id");
        const auto body = ctx.json_body();
        field_reader fields(body);
        auto user_id = fields.required_int("user_id", 1, std::numeric_limits<std::int64_t>::max());
        auto status = fields.required_string("status", 1, 16);
        auto reason = fields.required_string("reason", 1, 500);
        if (fields.ok() && *status != "present" && *status != "absent" && *status != "excused") {
            fields.fail("status", "status must be present, absent or excused");
        }
        if (!fields.ok()) throw http_error(422, fields.first_error());
        const auto now = s.clk.now();
        auto mark = s.db.write([&](connection& c) {
            auto sess = staff_session(c, id, ctx.user());
            if (!storage::is_enrolled_in(c, sess.training_id, *user_id)) {
                throw http_error(422, "not_enrolled", "That user is not enrolled in this training",
                                 "user_id");
            }
            storage::mark_row m;
            m.session_id = id;
            m.user_id = *user_id;
            m.status = *status;
            m.reason = *reason;
            m.marked_by = ctx.user().id;
            m.marked_at = now;
            m.id = storage::insert_mark(c, m);
            ctx.audit(c, "attendance.mark", "session:" + std::to_string(id),
                      {{"user_id", *user_id}, {"status", *status}});
            return storage::marks_of(c, id, *user_id).back();
        });
        if (s.live) {
            const auto status = mark.status == "present"  ? manual_mark::present
                                : mark.status == "absent" ? manual_mark::absent
                                                          : manual_mark::excused;
            s.live->update_evidence(id, mark.user_id, std::nullopt, status);
        }
        return json_response(201, to_json(mark));
    });

    r.add("GET", "/api/v1/sessions/{id:int}/attendance/marks", staff, [&s](request_context& ctx) {
        const auto id = ctx.params.integer("id");
        auto marks = s.db.read([&](connection& c) {
            staff_session(c, id, ctx.user());
            return storage::marks_of(c, id);
        });
        auto items = json::array();
        for (const auto& m : marks) items.push_back(to_json(m));
        return json_response(200, {{"items", std::move(items)}});
    });
}

}  // namespace daring::server
