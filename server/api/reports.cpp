// Reports for the ministry (JSON, CSV, XLSX): session and training attendance, completion, the
// DAK accountability report per funding source, and a trainee's own progress. Every report is
// computed inside a read job on the read pool.
#include <memory>

#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/reports/completion_report.hpp"
#include "server/reports/funding_report.hpp"
#include "server/reports/participation_report.hpp"
#include "server/reports/report_response.hpp"
#include "server/reports/training_matrix.hpp"
#include "server/services/training_access.hpp"
#include "storage/funding_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

attendance_thresholds current_thresholds(const services& s) {
    return {s.options.present_pct, s.options.late_after_s};
}

http_response session_attendance_report(request_context& ctx) {
    const auto req = parse_report_request(ctx.req);
    const auto now = ctx.svc.clk.now();
    auto [report, offset] = ctx.svc.db.read([&](connection& c) {
        auto sess = require_session(c, ctx.params.integer("id"), ctx.user(), staff_or_404);
        const auto t = storage::find_training(c, sess.training_id);
        auto a = build_session_attendance(c, sess, now, current_thresholds(ctx.svc));
        a.activity = session_activity(c, sess, now);
        return std::pair{std::move(a),
                         t ? region_offset(c, t->region_code) : default_utc_offset_minutes};
    });
    return report_response(req, to_json(report), session_attendance_table(report, offset), now);
}

// A session's questions or polls (taking part), as JSON, CSV or XLSX, for its trainers and
// admins.
template <json (*exported)(connection&, const session&),
          report_file (*table)(const json&, std::int64_t, int)>
http_response taking_part_report(request_context& ctx) {
    const auto req = parse_report_request(ctx.req);
    const auto now = ctx.svc.clk.now();
    auto [body, id, offset] = ctx.svc.db.read([&](connection& c) {
        auto sess = require_session(c, ctx.params.integer("id"), ctx.user(), staff_or_404);
        const auto t = storage::find_training(c, sess.training_id);
        return std::tuple{exported(c, sess), sess.id,
                          t ? region_offset(c, t->region_code) : default_utc_offset_minutes};
    });
    auto file = table(body, id, offset);
    return report_response(req, std::move(body), std::move(file), now);
}

// A report whose rows stream: JSON row by row, CSV/XLSX from its table.
template <class Report>
http_response streamed(const report_request& req, std::shared_ptr<Report> m, unix_seconds now) {
    auto table = req.format == report_format::json ? report_file{} : to_table(*m);
    return report_response(req,
                           json_rows{head_json(*m), m->rows.size(),
                                     [m](std::size_t i) { return row_json(*m, m->rows[i]); }},
                           std::move(table), now);
}

// A report over one training the caller is staff of, built by `build` and streamed.
template <class Report, Report (*build)(connection&, const training&, unix_seconds,
                                        const attendance_thresholds&, std::optional<std::int64_t>)>
http_response training_report(request_context& ctx) {
    const auto req = parse_report_request(ctx.req);
    const auto now = ctx.svc.clk.now();
    auto report = std::make_shared<Report>(ctx.svc.db.read([&](connection& c) {
        auto t = require_training(c, ctx.params.integer("id"), ctx.user(), staff_or_404);
        return build(c, t, now, current_thresholds(ctx.svc), std::nullopt);
    }));
    return streamed(req, report, now);
}

http_response funding_source_report(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    const auto req = parse_report_request(ctx.req);
    const auto filter = parse_funding_filter(ctx.req);
    const auto now = ctx.svc.clk.now();
    auto report = ctx.svc.db.read([&](connection& c) {
        auto f = storage::find_funding_source(c, id);
        if (!f) throw http_error(404, "not_found", "No such funding source");
        return build_funding_report(c, *f, filter, now, current_thresholds(ctx.svc));
    });
    return report_response(req, to_json(report), to_table(report), now);
}

// A trainee's own taking part per session held or live: counts and level.
json my_participation(const training_attendance& m, std::int64_t user_id) {
    auto out = json::array();
    for (const auto& row : m.rows) {
        if (row.user_id != user_id) continue;
        for (std::size_t k = 0; k < m.sessions.size(); ++k) {
            if (!row.cells[k].level) continue;
            auto p = to_json(row.cells[k].taking_part);
            p["session_id"] = m.sessions[k].id;
            p["title"] = m.sessions[k].title;
            out.push_back(std::move(p));
        }
    }
    return out;
}

// A trainee's own progress in a training: attendance, pre/post scores, completed or why not.
http_response my_completion(request_context& ctx) {
    const auto now = ctx.svc.clk.now();
    const auto& u = ctx.user();
    auto row = ctx.svc.db.read([&](connection& c) -> std::optional<json> {
        auto t = require_training(c, ctx.params.integer("id"), u);
        const auto tc = build_completion(c, t, now, current_thresholds(ctx.svc), u.id);
        auto body = to_json(tc);
        for (auto& r : body["rows"])
            if (r["user_id"] == u.id) {
                r["training"] = body["training"];
                r["finished"] = body["finished"];
                r["participation"] = my_participation(tc.attendance, u.id);
                return r;
            }
        return std::nullopt;
    });
    if (!row) throw http_error(404, "not_found", "No such training");
    return json_response(200, *row);
}

}  // namespace

void add_report_routes(router& r) {
    r.add({
        {"GET", "/api/v1/reports/sessions/{id:int}/attendance", staff_only,
         session_attendance_report, on_reports},
        {"GET", "/api/v1/reports/trainings/{id:int}/attendance", staff_only,
         training_report<training_attendance, build_training_attendance>, on_reports},
        {"GET", "/api/v1/reports/trainings/{id:int}/completion", staff_only,
         training_report<training_completion, build_completion>, on_reports},
        {"GET", "/api/v1/reports/funding-sources/{id:int}", admin_only, funding_source_report,
         on_reports},
        {"GET", "/api/v1/me/trainings/{id:int}/completion", trainee_only, my_completion,
         on_reports},
        {"GET", "/api/v1/sessions/{id:int}/questions", staff_only,
         taking_part_report<questions_export, questions_table>, on_reports},
        {"GET", "/api/v1/sessions/{id:int}/polls", staff_only,
         taking_part_report<polls_export, polls_table>, on_reports},
    });
}

}  // namespace daring::server
