#include "server/reports/training_matrix.hpp"

#include <algorithm>
#include <set>

#include "server/reports/report_response.hpp"
#include "server/rules/local_time.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/session_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

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
    // Every session's evidence in one query per kind, not one per session.
    auto evidence = load_evidence(c, storage::session_scope::of_training(t.id), only_user);
    for (std::size_t k = 0; k < m.sessions.size(); ++k) {
        const auto& s = m.sessions[k];
        const bool held = is_held(s);
        m.held.push_back(held);
        if (held) ++m.held_count;
        if (s.current.status != session_status::ended && s.current.status != session_status::live)
            continue;
        const auto a = build_session_attendance(c, s, now, current, only_user, open_to_now,
                                                {&trainees, &evidence[s.id]});
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
            cell.level = level_of(r.taking_part);
            cell.taking_part = r.taking_part;
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
                         {"attended_by_replay", cell.attended_by_replay},
                         {"level", cell.level ? json(to_string(*cell.level)) : json(nullptr)}});
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
        sheet.columns.push_back(
            {label + " - keaktifan", label + " - participation", column_type::text});
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
            cells.emplace_back(cell.level ? report_cell(std::string(to_string(*cell.level)))
                                          : report_cell());
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

}  // namespace daring::server
