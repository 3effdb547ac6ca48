// Reports (JSON, CSV, XLSX) and certificates: session and training attendance, completion, the
// DAK accountability report per funding source, printable certificates and their public
// verification. Every report is computed inside a read job on the read pool.
#include <memory>

#include "server/api/routes.hpp"
#include "server/reports/certificate_page.hpp"
#include "server/reports/reports.hpp"
#include "server/rules/delivery_policy.hpp"
#include "server/services/login_throttle.hpp"
#include "server/services/tokens.hpp"
#include "storage/certificate_repo.hpp"
#include "storage/plan_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

// Public certificate lookups per client address.
constexpr int verification_limit = 30;
constexpr unix_seconds verification_window = 60;
constexpr std::size_t certificate_code_length = 12;

attendance_thresholds current_thresholds(const services& s) {
    return {s.options.present_pct, s.options.late_after_s};
}

http_response html_response(const html_page& page) {
    http_response res;
    res.body = page.html;
    res.set_header("Content-Type", "text/html; charset=utf-8");
    res.set_header("Content-Security-Policy", page.csp);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    return res;
}

// Browsers (a scanned QR code) get the page; API clients get JSON.
bool wants_html(const http_request& req) {
    const auto accept = req.header("accept");
    return req.query_param("format").value_or("") == "html" ||
           (accept.find("text/html") != std::string_view::npos &&
            req.query_param("format").value_or("") != "json");
}

// Who may see a trainee's certificate: the trainee, an admin, the training's trainers.
void require_certificate_viewer(connection& c, std::int64_t training_id, std::int64_t user_id,
                                const user& u) {
    if (!storage::find_training(c, training_id))
        throw http_error(404, "not_found", "No such training");
    if (u.user_role == role::admin) return;
    if (u.user_role == role::trainer && storage::is_trainer_of(c, training_id, u.id)) return;
    if (u.user_role == role::trainee && storage::is_enrolled_in(c, training_id, u.id)) {
        if (u.id == user_id) return;
        throw http_error(403, "forbidden", "Trainees see only their own certificate");
    }
    throw http_error(404, "not_found", "No such training");
}

}  // namespace

void add_report_routes(router& r, services& s) {
    const auto staff = access::roles({role::admin, role::trainer});
    const auto admin = access::roles({role::admin});

    r.add("GET", "/api/v1/reports/sessions/{id:int}/attendance", staff, [&s](request_context& ctx) {
        const auto id = ctx.params.integer("id");
        const auto req = parse_report_request(ctx.req);
        const auto now = s.clk.now();
        auto [report, offset] = s.db.read([&](connection& c) {
            auto sess = staff_session(c, id, ctx.user());
            const auto t = storage::find_training(c, sess.training_id);
            return std::pair{build_session_attendance(c, sess, now, current_thresholds(s)),
                             t ? region_offset(c, t->region_code) : default_utc_offset_minutes};
        });
        return report_response(req, to_json(report), session_attendance_table(report, offset), now);
    });

    r.add("GET", "/api/v1/reports/trainings/{id:int}/attendance", staff,
          [&s](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              const auto req = parse_report_request(ctx.req);
              const auto now = s.clk.now();
              auto m = std::make_shared<training_attendance>(s.db.read([&](connection& c) {
                  return build_training_attendance(c, staff_training(c, id, ctx.user()), now,
                                                   current_thresholds(s));
              }));
              auto table = req.format == report_format::json ? report_file{} : to_table(*m);
              return report_response(
                  req,
                  json_rows{head_json(*m), m->rows.size(),
                            [m](std::size_t i) { return row_json(*m, m->rows[i]); }},
                  std::move(table), now);
          });

    r.add("GET", "/api/v1/reports/trainings/{id:int}/completion", staff,
          [&s](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              const auto req = parse_report_request(ctx.req);
              const auto now = s.clk.now();
              auto tc = std::make_shared<training_completion>(s.db.read([&](connection& c) {
                  return build_completion(c, staff_training(c, id, ctx.user()), now,
                                          current_thresholds(s));
              }));
              auto table = req.format == report_format::json ? report_file{} : to_table(*tc);
              return report_response(
                  req,
                  json_rows{head_json(*tc), tc->rows.size(),
                            [tc](std::size_t i) { return row_json(*tc, tc->rows[i]); }},
                  std::move(table), now);
          });

    r.add("GET", "/api/v1/reports/funding-sources/{id:int}", admin, [&s](request_context& ctx) {
        const auto id = ctx.params.integer("id");
        const auto req = parse_report_request(ctx.req);
        const auto filter = parse_funding_filter(ctx.req);
        const auto now = s.clk.now();
        auto report = s.db.read([&](connection& c) {
            auto f = storage::find_funding_source(c, id);
            if (!f) throw http_error(404, "not_found", "No such funding source");
            return build_funding_report(c, *f, filter, now, current_thresholds(s));
        });
        return report_response(req, report.body, std::move(report.table), now);
    });

    r.add("GET", "/api/v1/trainings/{id:int}/certificates/{user_id:int}", access::signed_in(),
          [&s](request_context& ctx) {
              const auto training_id = ctx.params.integer("id");
              const auto user_id = ctx.params.integer("user_id");
              const auto now = s.clk.now();
              struct lookup {
                  std::optional<storage::certificate_row> existing;
                  std::optional<completion_row> row;
                  std::int64_t first_day = 0, last_day = 0;
                  int offset = default_utc_offset_minutes;  // the training region's
              };
              auto found = s.db.read([&](connection& c) {
                  require_certificate_viewer(c, training_id, user_id, ctx.user());
                  lookup out;
                  out.existing = storage::find_certificate(c, training_id, user_id);
                  const auto t = *storage::find_training(c, training_id);
                  auto tc = build_completion(c, t, now, current_thresholds(s), user_id);
                  out.offset = tc.attendance.utc_offset_minutes;
                  bool first = true;
                  for (std::size_t k = 0; k < tc.attendance.sessions.size(); ++k) {
                      if (!tc.attendance.held[k]) continue;
                      const auto day = local_day(tc.attendance.sessions[k].starts_at,
                                                 tc.attendance.utc_offset_minutes);
                      out.first_day = first ? day : std::min(out.first_day, day);
                      out.last_day = first ? day : std::max(out.last_day, day);
                      first = false;
                  }
                  for (auto& row : tc.rows)
                      if (row.user_id == user_id) out.row = std::move(row);
                  if (!out.existing && !out.row)
                      throw http_error(404, "not_found",
                                       "That user is not enrolled in this training");
                  return out;
              });
              if (!found.existing) {
                  if (!found.row->completed) {
                      throw http_error(409, "not_completed",
                                       found.row->reason_en + " (" + found.row->reason_id + ")");
                  }
                  int year;
                  unsigned month, day;
                  civil_from_days(local_day(now, found.offset), year, month, day);
                  found.existing = s.db.write([&](connection& c) {
                      auto cert = storage::issue_certificate(
                          c, training_id, user_id, random_code(certificate_code_length),
                          s.options.certificate_prefix, year, now, found.row->seconds_credited);
                      ctx.audit(c, "certificate.issue", "training:" + std::to_string(training_id),
                                {{"user_id", user_id}, {"number", cert.number}});
                      return cert;
                  });
              }
              const auto& cert = *found.existing;
              certificate_view view;
              view.number = cert.number;
              view.code = cert.code;
              view.full_name = cert.full_name;
              view.training_title = cert.training_title;
              view.office_name = s.options.office_name;
              view.first_day = found.first_day;
              view.last_day = found.last_day;
              view.hours = static_cast<double>(cert.seconds_attended) / 3600.0;
              view.verify_url = public_origin(s, ctx.req) + "/api/v1/certificates/" + cert.code;
              if (ctx.req.query_param("format").value_or("html") == "json") {
                  return json_response(
                      200,
                      {{"number", cert.number},
                       {"code", cert.code},
                       {"full_name", cert.full_name},
                       {"training_title", cert.training_title},
                       {"issued_at", format_rfc3339(cert.issued_at)},
                       {"hours_attended", static_cast<double>(cert.seconds_attended / 36) / 100.0},
                       {"dates", indonesian_date_range(found.first_day, found.last_day)},
                       {"verify_url", view.verify_url}});
              }
              return html_response(certificate_html(view));
          });

    // A trainee's own progress in a training: attendance, pre/post scores, completed or why not.
    r.add("GET", "/api/v1/me/trainings/{id:int}/completion", access::roles({role::trainee}),
          [&s](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              const auto now = s.clk.now();
              auto row = s.db.read([&](connection& c) -> std::optional<json> {
                  auto t = storage::find_training(c, id);
                  if (!t || !storage::is_enrolled_in(c, id, ctx.user().id)) return std::nullopt;
                  auto body =
                      to_json(build_completion(c, *t, now, current_thresholds(s), ctx.user().id));
                  for (auto& r : body["rows"])
                      if (r["user_id"] == ctx.user().id) {
                          r["training"] = body["training"];
                          r["finished"] = body["finished"];
                          return r;
                      }
                  return std::nullopt;
              });
              if (!row) throw http_error(404, "not_found", "No such training");
              return json_response(200, *row);
          });

    auto lookups = std::make_shared<login_throttle>(verification_limit, verification_window);
    r.add("GET", "/api/v1/certificates/{code}", access::anyone(),
          [&s, lookups](request_context& ctx) {
              const auto& code = ctx.params.text("code");
              const auto now = s.clk.now();
              const auto& who = ctx.req.remote_address;
              if (auto wait = lookups->retry_after("certificate", who, now)) {
                  auto res =
                      error_response(429, "too_many_requests",
                                     "Too many certificate lookups; wait before trying again");
                  res.set_header("Retry-After", std::to_string(*wait));
                  return res;
              }
              lookups->record_failure("certificate", who, now);
              std::optional<storage::certificate_row> cert;
              if (code.size() == certificate_code_length) {
                  cert = s.db.read(
                      [&](connection& c) { return storage::find_certificate_by_code(c, code); });
              }
              const bool html = wants_html(ctx.req);
              if (!cert) {
                  if (html) {
                      auto res = html_response(verification_html(false, {}, {}, {}));
                      res.status = 404;
                      return res;
                  }
                  throw http_error(404, "not_found", "No certificate has that code");
              }
              // The issue date as the office reckons it (the certificate does not carry its
              // region).
              const auto date = format_date(local_day(cert->issued_at, default_utc_offset_minutes));
              if (html)
                  return html_response(
                      verification_html(true, cert->full_name, cert->training_title, date));
              return json_response(200, {{"valid", true},
                                         {"full_name", cert->full_name},
                                         {"training_title", cert->training_title},
                                         {"date", date}});
          });
}

}  // namespace daring::server
