#include "server/reports/reports.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "server/rules/delivery_policy.hpp"
#include "server/rules/local_time.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/plan_repo.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

// A report with a head and rows, as one JSON object (the streamed form sends the same).
template <class Report>
json whole_json(const Report& r) {
    auto out = head_json(r);
    auto rows = json::array();
    for (const auto& row : r.rows) rows.push_back(row_json(r, row));
    out["rows"] = std::move(rows);
    return out;
}

report_cell time_cell(const std::optional<unix_seconds>& t) {
    return t ? report_cell(*t) : report_cell();
}
std::string session_label(const session& s, int offset) {
    return s.title + " (" + format_date(local_day(s.starts_at, offset)) + ")";
}

bool is_held(const session& s) {
    return s.current.status == session_status::ended;
}

// What counts toward hours attended: time present online, or the whole window when the status
// rests on an in-person check-in or a mark.
std::int64_t credited_seconds(const attendance_row& r, const time_span& window) {
    if (!counts_as_attended(r.status)) return 0;
    if (r.via == "online") return r.seconds_present;
    return std::max<std::int64_t>(r.seconds_present, window.to - window.from);
}

}  // namespace

// ---- access

int region_offset(connection& c, const std::string& region_code) {
    auto r = storage::find_region(c, region_code);
    return r ? r->utc_offset_minutes : default_utc_offset_minutes;
}

// ---- formats

report_request parse_report_request(const http_request& req) {
    report_request r;
    const auto format = req.query_param("format").value_or("json");
    if (format == "json")
        r.format = report_format::json;
    else if (format == "csv")
        r.format = report_format::csv;
    else if (format == "xlsx")
        r.format = report_format::xlsx;
    else
        throw http_error(400, "invalid_query", "format must be json, csv or xlsx", "format");
    const auto lang = req.query_param("lang").value_or("id");
    if (lang != "id" && lang != "en")
        throw http_error(400, "invalid_query", "lang must be id or en", "lang");
    r.english = lang == "en";
    return r;
}

http_response report_response(const report_request& r, const json& body, report_file table,
                              unix_seconds now) {
    if (r.format == report_format::json) return json_response(200, body);
    table.english = r.english;
    const auto date = format_date(local_day(now, table.utc_offset_minutes));
    // A file name that needs no quoting or escaping in the header.
    for (auto& ch : table.stem) {
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
            ch = '-';
    }
    http_response res;
    const auto stem = table.stem;
    if (r.format == report_format::csv) {
        res.stream = csv_stream(std::move(table));
        res.set_header("Content-Type", "text/csv; charset=utf-8");
        res.set_header("Content-Disposition",
                       "attachment; filename=\"" + stem + "-" + date + ".csv\"");
    } else {
        res.stream = xlsx_stream(table);
        res.set_header("Content-Type",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        res.set_header("Content-Disposition",
                       "attachment; filename=\"" + stem + "-" + date + ".xlsx\"");
    }
    res.set_header("Cache-Control", "no-store");
    return res;
}

namespace {

class json_rows_source : public body_source {
  public:
    explicit json_rows_source(json_rows body) : body_(std::move(body)) {}
    std::optional<std::string> next() override {
        if (done_) return std::nullopt;
        std::string out;
        if (at_ == 0 && !started_) {
            started_ = true;
            out = "{\"rows\":[";
        }
        const auto end = std::min(body_.count, at_ + rows_per_piece);
        for (; at_ < end; ++at_) {
            if (at_) out += ',';
            out += dump(body_.row(at_));
        }
        if (at_ == body_.count) {
            out += ']';
            auto head = dump(body_.head);  // "{...}" or "{}"
            if (head.size() > 2) out += "," + head.substr(1, head.size() - 2);
            out += '}';
            done_ = true;
        }
        return out;
    }

  private:
    static constexpr std::size_t rows_per_piece = 250;
    json_rows body_;
    std::size_t at_ = 0;
    bool started_ = false;
    bool done_ = false;
};

}  // namespace

http_response report_response(const report_request& r, json_rows body, report_file table,
                              unix_seconds now) {
    if (r.format != report_format::json) return report_response(r, json(), std::move(table), now);
    if (body.count < json_stream_threshold) {
        auto whole = std::move(body.head);
        auto rows = json::array();
        for (std::size_t i = 0; i < body.count; ++i) rows.push_back(body.row(i));
        whole["rows"] = std::move(rows);
        return json_response(200, whole);
    }
    http_response res;
    res.set_header("Content-Type", "application/json; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    res.stream = std::make_shared<json_rows_source>(std::move(body));
    return res;
}

// ---- session attendance

report_file session_attendance_table(const session_attendance& a, int offset) {
    report_sheet sheet;
    sheet.name = "Kehadiran";
    sheet.columns = {{"ID peserta", "User ID", column_type::integer},
                     {"Nama pengguna", "Username", column_type::text},
                     {"Nama lengkap", "Full name", column_type::text},
                     {"NIB", "NIB", column_type::text},
                     {"E-mail", "E-mail", column_type::text},
                     {"Status", "Status", column_type::text},
                     {"Dasar", "Via", column_type::text},
                     {"Masuk pertama", "First join", column_type::datetime},
                     {"Terakhir terlihat", "Last seen", column_type::datetime},
                     {"Detik hadir", "Seconds present", column_type::integer},
                     {"Detik tidak di layar", "Seconds away", column_type::integer},
                     {"Detik putar ulang", "Seconds replayed", column_type::integer},
                     {"Hadir lewat putar ulang", "Attended by replay", column_type::text},
                     {"Check-in di kelas", "Checked in", column_type::datetime},
                     {"Tanda manual", "Mark", column_type::text},
                     {"Catatan tanda", "Mark remark", column_type::text},
                     {"Ditandai oleh", "Marked by", column_type::text}};
    for (const auto& r : a.rows) {
        sheet.rows.push_back(
            {r.user_id, r.username, r.full_name, r.nib, r.email, std::string(to_string(r.status)),
             r.via, time_cell(r.first_join), time_cell(r.last_seen), r.seconds_present,
             r.seconds_away, r.seconds_replayed, std::string(r.attended_by_replay ? "ya" : ""),
             time_cell(r.checked_in_at), r.mark_status, r.mark_reason, r.marked_by});
    }
    report_file f;
    f.stem = "kehadiran-sesi-" + std::to_string(a.session.id);
    f.utc_offset_minutes = offset;
    f.sheets.push_back(std::move(sheet));
    return f;
}

// ---- pre/post

std::map<std::int64_t, const storage::submission_row*> counted_by_user(
    const quiz& q, const std::vector<storage::submission_row>& all) {
    std::map<std::int64_t, const storage::submission_row*> out;
    for (const auto& s : all) {
        auto& slot = out[s.user_id];
        if (!slot || !q.count_best || s.score > slot->score) slot = &s;  // best, or the last
    }
    return out;
}

pre_post_scores load_pre_post(connection& c, std::int64_t training_id) {
    pre_post_scores out;
    bool pre_taken = false, post_taken = false;
    std::map<std::int64_t, std::vector<storage::submission_row>> subs;
    for (auto& q : storage::quizzes_of(c, training_id)) {
        if (q.kind != quiz_kind::pre_test && q.kind != quiz_kind::post_test) continue;
        auto all = storage::submissions_of(c, q.id);
        const bool taken = !all.empty();
        auto& slot = q.kind == quiz_kind::pre_test ? out.pre : out.post;
        auto& slot_taken = q.kind == quiz_kind::pre_test ? pre_taken : post_taken;
        if (taken || !slot_taken) {
            subs[q.id] = std::move(all);
            slot = q;
            slot_taken = taken;
        }
    }
    auto fill = [&](const std::optional<quiz>& q, std::map<std::int64_t, double>& into) {
        if (!q) return;
        for (const auto& [user, s] : counted_by_user(*q, subs[q->id]))
            into[user] = percent_of(s->score, s->max_score);
    };
    fill(out.pre, out.pre_percent);
    fill(out.post, out.post_percent);
    return out;
}

// ---- training attendance

training_attendance build_training_attendance(connection& c, const training& t, unix_seconds now,
                                              const attendance_thresholds& current,
                                              std::optional<std::int64_t> only_user) {
    return build_training_attendance(c, t, now, current, only_user, false);
}

training_attendance build_training_attendance(connection& c, const training& t, unix_seconds now,
                                              const attendance_thresholds& current,
                                              std::optional<std::int64_t> only_user,
                                              bool open_to_now) {
    training_attendance m;
    m.training = t;
    m.utc_offset_minutes = region_offset(c, t.region_code);
    for (auto& s : storage::list_sessions(c, t.id, false)) {
        if (s.current.status != session_status::cancelled) m.sessions.push_back(std::move(s));
    }
    std::stable_sort(m.sessions.begin(), m.sessions.end(),
                     [](const session& a, const session& b) { return a.starts_at < b.starts_at; });
    const auto trainees = storage::enrolled_trainees(c, t.id);
    m.rows.reserve(trainees.size());
    std::map<std::int64_t, std::size_t> index;
    for (const auto& tr : trainees) {
        if (only_user && tr.user_id != *only_user) continue;
        index[tr.user_id] = m.rows.size();
        matrix_row row;
        row.user_id = tr.user_id;
        row.username = tr.username;
        row.full_name = tr.full_name;
        row.nib = tr.nib;
        row.email = tr.email;
        row.cells.resize(m.sessions.size());
        m.rows.push_back(std::move(row));
    }
    for (std::size_t k = 0; k < m.sessions.size(); ++k) {
        const auto& s = m.sessions[k];
        const bool held = is_held(s);
        m.held.push_back(held);
        if (held) ++m.held_count;
        if (s.current.status != session_status::ended && s.current.status != session_status::live)
            continue;
        const auto a = build_session_attendance(c, s, now, current, only_user, open_to_now);
        for (const auto& r : a.rows) {
            auto it = index.find(r.user_id);
            if (it == index.end()) continue;
            auto& row = m.rows[it->second];
            auto& cell = row.cells[k];
            cell.status = r.status;
            cell.seconds_present = r.seconds_present;
            cell.seconds_credited = credited_seconds(r, a.window);
            cell.seconds_replayed = r.seconds_replayed;
            cell.attended_by_replay = r.attended_by_replay;
            if (held) {
                if (counts_as_attended(r.status) || r.attended_by_replay) ++row.attended;
                if (r.attended_by_replay) ++row.attended_by_replay;
                row.seconds_credited += cell.seconds_credited;
            }
        }
    }
    for (auto& row : m.rows) row.rate_pct = round2(attendance_rate_pct(row.attended, m.held_count));
    return m;
}

json row_json(const training_attendance& m, const matrix_row& r) {
    auto cells = json::array();
    for (std::size_t k = 0; k < r.cells.size(); ++k) {
        const auto& cell = r.cells[k];
        cells.push_back({{"session_id", m.sessions[k].id},
                         {"status", cell.status ? json(to_string(*cell.status)) : json(nullptr)},
                         {"seconds_present", cell.seconds_present},
                         {"seconds_replayed", cell.seconds_replayed},
                         {"attended_by_replay", cell.attended_by_replay}});
    }
    return {{"user_id", r.user_id},           {"username", r.username},
            {"full_name", r.full_name},       {"nib", text_or_null(r.nib)},
            {"email", text_or_null(r.email)}, {"sessions", std::move(cells)},
            {"attended", r.attended},         {"attended_by_replay", r.attended_by_replay},
            {"held", m.held_count},           {"attendance_rate_pct", r.rate_pct}};
}

json head_json(const training_attendance& m) {
    auto sessions = json::array();
    for (std::size_t k = 0; k < m.sessions.size(); ++k) {
        const auto& s = m.sessions[k];
        sessions.push_back({{"id", s.id},
                            {"title", s.title},
                            {"starts_at", format_rfc3339(s.starts_at)},
                            {"ends_at", format_rfc3339(s.ends_at)},
                            {"status", to_string(s.current.status)},
                            {"mode", to_string(s.current.mode)},
                            {"held", static_cast<bool>(m.held[k])}});
    }
    return {{"training",
             {{"id", m.training.id},
              {"title", m.training.title},
              {"min_attendance_pct", m.training.min_attendance_pct}}},
            {"sessions", std::move(sessions)},
            {"sessions_held", m.held_count}};
}

json to_json(const training_attendance& m) {
    return whole_json(m);
}

report_file to_table(const training_attendance& m) {
    report_sheet sheet;
    sheet.name = "Matriks kehadiran";
    sheet.columns = {{"ID peserta", "User ID", column_type::integer},
                     {"Nama pengguna", "Username", column_type::text},
                     {"Nama lengkap", "Full name", column_type::text},
                     {"NIB", "NIB", column_type::text},
                     {"E-mail", "E-mail", column_type::text}};
    for (const auto& s : m.sessions) {
        const auto label = session_label(s, m.utc_offset_minutes);
        sheet.columns.push_back({label + " - status", label + " - status", column_type::text});
        sheet.columns.push_back(
            {label + " - detik hadir", label + " - seconds present", column_type::integer});
        sheet.columns.push_back(
            {label + " - detik putar ulang", label + " - seconds replayed", column_type::integer});
    }
    sheet.columns.push_back({"Sesi dihadiri", "Sessions attended", column_type::integer});
    sheet.columns.push_back({"Sesi terlaksana", "Sessions held", column_type::integer});
    sheet.columns.push_back({"Tingkat kehadiran (%)", "Attendance rate (%)", column_type::number});
    for (const auto& r : m.rows) {
        std::vector<report_cell> cells{r.user_id, r.username, r.full_name, r.nib, r.email};
        for (const auto& cell : r.cells) {
            cells.emplace_back(cell.status ? report_cell(std::string(to_string(*cell.status)))
                                           : report_cell());
            cells.emplace_back(cell.seconds_present);
            cells.emplace_back(cell.seconds_replayed);
        }
        cells.emplace_back(static_cast<std::int64_t>(r.attended));
        cells.emplace_back(static_cast<std::int64_t>(m.held_count));
        cells.emplace_back(r.rate_pct);
        sheet.rows.push_back(std::move(cells));
    }
    report_file f;
    f.stem = "kehadiran-pelatihan-" + std::to_string(m.training.id);
    f.utc_offset_minutes = m.utc_offset_minutes;
    f.sheets.push_back(std::move(sheet));
    return f;
}

// ---- completion

training_completion build_completion(connection& c, const training& t, unix_seconds now,
                                     const attendance_thresholds& current,
                                     std::optional<std::int64_t> only_user) {
    return build_completion(c, t, now, current, only_user, false);
}

training_completion build_completion(connection& c, const training& t, unix_seconds now,
                                     const attendance_thresholds& current,
                                     std::optional<std::int64_t> only_user, bool open_to_now) {
    training_completion tc;
    tc.attendance = build_training_attendance(c, t, now, current, only_user, open_to_now);
    tc.scores = load_pre_post(c, t.id);
    const auto& m = tc.attendance;
    tc.finished = m.held_count > 0 && m.held_count == static_cast<int>(m.sessions.size());
    for (const auto& r : m.rows) {
        completion_row row;
        row.user_id = r.user_id;
        row.username = r.username;
        row.full_name = r.full_name;
        row.nib = r.nib;
        row.email = r.email;
        row.attended = r.attended;
        row.attended_by_replay = r.attended_by_replay;
        row.held = m.held_count;
        row.attendance_pct = r.rate_pct;
        row.seconds_credited = r.seconds_credited;
        if (auto it = tc.scores.pre_percent.find(r.user_id); it != tc.scores.pre_percent.end())
            row.pre_percent = round2(it->second);
        if (auto it = tc.scores.post_percent.find(r.user_id); it != tc.scores.post_percent.end())
            row.post_percent = round2(it->second);
        if (row.pre_percent && row.post_percent)
            row.gain = round2(*row.post_percent - *row.pre_percent);
        auto fmt = [](double v) {
            char b[32];
            std::snprintf(b, sizeof b, v == std::floor(v) ? "%.0f" : "%.2f", v);
            return std::string(b);
        };
        if (!tc.finished) {
            row.reason = "training_not_finished";
            row.reason_id = "Pelatihan belum selesai: " + std::to_string(m.held_count) + " dari " +
                            std::to_string(m.sessions.size()) + " sesi terlaksana";
            row.reason_en = "The training is not finished: " + std::to_string(m.held_count) +
                            " of " + std::to_string(m.sessions.size()) + " sessions held";
        } else if (r.rate_pct < t.min_attendance_pct) {
            row.reason = "attendance_below_minimum";
            row.reason_id = "Kehadiran " + fmt(r.rate_pct) + "% di bawah batas " +
                            std::to_string(t.min_attendance_pct) + "%";
            row.reason_en = "Attendance " + fmt(r.rate_pct) + "% is below the minimum of " +
                            std::to_string(t.min_attendance_pct) + "%";
        } else if (tc.scores.post && !row.post_percent) {
            row.reason = "post_test_not_taken";
            row.reason_id = "Belum mengikuti post-test";
            row.reason_en = "The post-test was not taken";
        } else if (tc.scores.post && *row.post_percent < t.pass_score) {
            row.reason = "post_test_below_pass";
            row.reason_id = "Nilai post-test " + fmt(*row.post_percent) + " di bawah nilai lulus " +
                            std::to_string(t.pass_score);
            row.reason_en = "Post-test score " + fmt(*row.post_percent) +
                            " is below the pass score of " + std::to_string(t.pass_score);
        } else {
            row.completed = true;
            if (row.attended_by_replay > 0) {
                // Completed, and the record says how: some sessions were attended by replay.
                const auto n = std::to_string(row.attended_by_replay);
                row.reason = "attended_by_replay";
                row.reason_id = "Selesai; " + n + " sesi dihadiri lewat putar ulang";
                row.reason_en = "Completed; " + n + " session(s) attended by replay";
            }
        }
        tc.rows.push_back(std::move(row));
    }
    return tc;
}

json row_json(const training_completion&, const completion_row& r) {
    return {{"user_id", r.user_id},
            {"username", r.username},
            {"full_name", r.full_name},
            {"nib", text_or_null(r.nib)},
            {"email", text_or_null(r.email)},
            {"sessions_attended", r.attended},
            {"sessions_attended_by_replay", r.attended_by_replay},
            {"sessions_held", r.held},
            {"attendance_rate_pct", r.attendance_pct},
            {"hours_attended", round2(r.seconds_credited / 3600.0)},
            {"pre_percent", number_or_null(r.pre_percent)},
            {"post_percent", number_or_null(r.post_percent)},
            {"gain", number_or_null(r.gain)},
            {"completed", r.completed},
            {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)},
            {"reason_text",
             r.reason.empty() ? json(nullptr) : json({{"id", r.reason_id}, {"en", r.reason_en}})}};
}

json head_json(const training_completion& tc) {
    const auto& t = tc.attendance.training;
    int completed = 0;
    for (const auto& r : tc.rows) completed += r.completed;
    return {{"training",
             {{"id", t.id},
              {"title", t.title},
              {"min_attendance_pct", t.min_attendance_pct},
              {"pass_score", t.pass_score},
              {"has_post_test", tc.scores.post.has_value()}}},
            {"finished", tc.finished},
            {"sessions_planned", tc.attendance.sessions.size()},
            {"sessions_held", tc.attendance.held_count},
            {"trainees", tc.rows.size()},
            {"completed", completed}};
}

json to_json(const training_completion& tc) {
    return whole_json(tc);
}

report_file to_table(const training_completion& tc) {
    report_sheet sheet;
    sheet.name = "Kelulusan";
    sheet.columns = {{"ID peserta", "User ID", column_type::integer},
                     {"Nama pengguna", "Username", column_type::text},
                     {"Nama lengkap", "Full name", column_type::text},
                     {"NIB", "NIB", column_type::text},
                     {"E-mail", "E-mail", column_type::text},
                     {"Sesi dihadiri", "Sessions attended", column_type::integer},
                     {"Sesi lewat putar ulang", "Sessions by replay", column_type::integer},
                     {"Sesi terlaksana", "Sessions held", column_type::integer},
                     {"Tingkat kehadiran (%)", "Attendance rate (%)", column_type::number},
                     {"Jam hadir", "Hours attended", column_type::number},
                     {"Nilai pre-test (%)", "Pre-test (%)", column_type::number},
                     {"Nilai post-test (%)", "Post-test (%)", column_type::number},
                     {"Peningkatan", "Gain", column_type::number},
                     {"Lulus", "Completed", column_type::boolean},
                     {"Alasan", "Reason", column_type::text, 50}};
    for (const auto& r : tc.rows) {
        sheet.rows.push_back({r.user_id, r.username, r.full_name, r.nib, r.email,
                              static_cast<std::int64_t>(r.attended),
                              static_cast<std::int64_t>(r.attended_by_replay),
                              static_cast<std::int64_t>(r.held), r.attendance_pct,
                              round2(r.seconds_credited / 3600.0), number_cell(r.pre_percent),
                              number_cell(r.post_percent), number_cell(r.gain), r.completed,
                              r.reason.empty() ? report_cell() : report_cell(r.reason_id)});
    }
    report_file f;
    f.stem = "kelulusan-pelatihan-" + std::to_string(tc.attendance.training.id);
    f.utc_offset_minutes = tc.attendance.utc_offset_minutes;
    f.sheets.push_back(std::move(sheet));
    return f;
}

// ---- funding

}  // namespace daring::server
