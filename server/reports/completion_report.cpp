#include "server/reports/completion_report.hpp"

#include <algorithm>
#include <cmath>

#include "server/reports/report_response.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

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
    tc.scores = load_pre_post(c, t.id, only_user);
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

}  // namespace daring::server
