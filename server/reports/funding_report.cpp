#include "server/reports/funding_report.hpp"

#include <algorithm>
#include <set>

#include "server/reports/completion_report.hpp"
#include "server/reports/report_response.hpp"
#include "server/rules/delivery_policy.hpp"
#include "server/rules/local_time.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

void mode_counts::add(delivery_mode m) {
    switch (m) {
        case delivery_mode::in_person:
            ++in_person;
            break;
        case delivery_mode::online:
            ++online;
            break;
        case delivery_mode::hybrid:
            ++hybrid;
            break;
    }
}

mode_counts& mode_counts::operator+=(const mode_counts& o) {
    in_person += o.in_person;
    online += o.online;
    hybrid += o.hybrid;
    return *this;
}

funding_figures& funding_figures::operator+=(const funding_figures& o) {
    trainings += o.trainings;
    sessions_planned += o.sessions_planned;
    planned_by_mode += o.planned_by_mode;
    delivered_by_mode += o.delivered_by_mode;
    sessions_delivered += o.sessions_delivered;
    sessions_cancelled += o.sessions_cancelled;
    sessions_postponed += o.sessions_postponed;
    sessions_not_yet_held += o.sessions_not_yet_held;
    switches += o.switches;
    trainees_enrolled += o.trainees_enrolled;
    trainees_attended += o.trainees_attended;
    trainees_completed += o.trainees_completed;
    slots_attended += o.slots_attended;
    slots_held += o.slots_held;
    gain_sum += o.gain_sum;
    gain_n += o.gain_n;
    return *this;
}

std::optional<double> funding_figures::attendance_rate_pct() const {
    if (!slots_held) return std::nullopt;
    return round2(100.0 * slots_attended / slots_held);
}

std::optional<double> funding_figures::mean_gain() const {
    if (!gain_n) return std::nullopt;
    return round2(gain_sum / gain_n);
}

funding_filter parse_funding_filter(const http_request& req) {
    funding_filter f;
    auto day = [&](const char* name) -> std::optional<std::int64_t> {
        auto v = req.query_param(name);
        if (!v || v->empty()) return std::nullopt;
        auto d = parse_date(*v);
        if (!d)
            throw http_error(400, "invalid_query", std::string(name) + " must be a date YYYY-MM-DD",
                             name);
        return d;
    };
    f.from_day = day("from");
    f.to_day = day("to");
    if (f.from_day && f.to_day && *f.from_day > *f.to_day)
        throw http_error(400, "invalid_query", "from is after to", "from");
    f.region = req.query_param("region").value_or("");
    if (f.region.size() > 32)
        throw http_error(400, "invalid_query", "region is too long", "region");
    return f;
}

namespace {

bool in_region(const training& t, const std::string& region) {
    return region.empty() || t.region_code == region || t.region_code.rfind(region + ".", 0) == 0;
}

// The training's sessions whose local start date is inside the filter's range.
std::vector<session> sessions_in_range(connection& c, const training& t,
                                       const funding_filter& filter) {
    const int offset = region_offset(c, t.region_code);
    std::vector<session> out;
    for (auto& s : storage::list_sessions(c, t.id, false)) {
        const auto d = local_day(s.starts_at, offset);
        if ((filter.from_day && d < *filter.from_day) || (filter.to_day && d > *filter.to_day))
            continue;
        out.push_back(std::move(s));
    }
    return out;
}

void count_sessions(const training& t, const std::vector<session>& sessions, funding_figures& f) {
    f.sessions_planned = static_cast<int>(sessions.size());
    for (const auto& s : sessions) {
        f.planned_by_mode.add(t.planned_mode);
        switch (s.current.status) {
            case session_status::ended:
                ++f.sessions_delivered;
                f.delivered_by_mode.add(s.current.mode);
                break;
            case session_status::cancelled:
                ++f.sessions_cancelled;
                break;
            case session_status::postponed:
                ++f.sessions_postponed;
                break;
            default:
                ++f.sessions_not_yet_held;
        }
    }
}

// Mode or status changes of the sessions in range (reason-only updates are not switches).
std::vector<funding_switch> switches_of(connection& c, const training& t,
                                        const std::vector<session>& sessions) {
    std::set<std::int64_t> in_range;
    for (const auto& s : sessions) in_range.insert(s.id);
    std::vector<funding_switch> out;
    for (auto& d : storage::list_decisions(c, t.id)) {
        if (!in_range.contains(d.session_id)) continue;
        if (d.from_mode == d.to_mode && d.from_status == d.to_status) continue;
        out.push_back({std::move(d), t.id, t.title});
    }
    return out;
}

// Trainees: attendance and completion over the whole training (completion is per training,
// not per date range).
void count_trainees(const training_completion& tc, funding_figures& f) {
    f.trainees_enrolled = static_cast<int>(tc.rows.size());
    for (const auto& r : tc.rows) {
        f.trainees_attended += r.attended > 0;
        f.trainees_completed += r.completed;
        f.slots_attended += r.attended;
        if (r.gain) {
            f.gain_sum += *r.gain;
            ++f.gain_n;
        }
    }
    f.slots_held = static_cast<long>(tc.rows.size()) * tc.attendance.held_count;
}

json to_json(const mode_counts& m) {
    return {{"in_person", m.in_person}, {"online", m.online}, {"hybrid", m.hybrid}};
}

// The fields a training's line and the totals share.
json figures_json(const funding_figures& f) {
    return {{"sessions_planned", f.sessions_planned},
            {"planned_by_mode", to_json(f.planned_by_mode)},
            {"sessions_delivered", f.sessions_delivered},
            {"delivered_by_mode", to_json(f.delivered_by_mode)},
            {"sessions_cancelled", f.sessions_cancelled},
            {"sessions_postponed", f.sessions_postponed},
            {"sessions_not_yet_held", f.sessions_not_yet_held},
            {"trainees_enrolled", f.trainees_enrolled},
            {"trainees_attended", f.trainees_attended},
            {"trainees_completed", f.trainees_completed},
            {"attendance_rate_pct", number_or_null(f.attendance_rate_pct())},
            {"mean_gain", number_or_null(f.mean_gain())}};
}

json to_json(const funding_switch& s) {
    const auto& d = s.decision;
    return {{"at", format_rfc3339(d.at)},
            {"training_id", s.training_id},
            {"training_title", s.training_title},
            {"session_id", d.session_id},
            {"session_title", d.session_title},
            {"from_mode", to_string(d.from_mode)},
            {"to_mode", to_string(d.to_mode)},
            {"from_status", to_string(d.from_status)},
            {"to_status", to_string(d.to_status)},
            {"reason", d.reason},
            {"reason_id", d.reason_id},
            {"restriction_reference",
             d.restriction_reference.empty() ? json(nullptr) : json(d.restriction_reference)},
            {"by", d.actor_id ? "admin" : "system"}};
}

json line_json(const funding_line& l) {
    auto j = figures_json(l.figures);
    j["id"] = l.training.id;
    j["title"] = l.training.title;
    j["region_code"] = l.training.region_code;
    j["planned_mode"] = to_string(l.training.planned_mode);
    auto switches = json::array();
    for (const auto& s : l.switches) switches.push_back(to_json(s));
    j["switches"] = std::move(switches);
    return j;
}

json source_json(const funding_source& fs) {
    return {{"id", fs.id},
            {"code", fs.code},
            {"name", fs.name},
            {"kind", to_string(fs.kind)},
            {"fiscal_year", fs.fiscal_year},
            {"amount_idr", fs.amount_idr}};
}

json filter_json(const funding_filter& f) {
    return {{"from", f.from_day ? json(format_date(*f.from_day)) : json(nullptr)},
            {"to", f.to_day ? json(format_date(*f.to_day)) : json(nullptr)},
            {"region", f.region.empty() ? json(nullptr) : json(f.region)}};
}

std::vector<report_cell> figures_row(std::vector<report_cell> row, const funding_figures& f,
                                     report_cell amount) {
    for (const int n :
         {f.sessions_planned, f.delivered_by_mode.in_person, f.delivered_by_mode.online,
          f.delivered_by_mode.hybrid, f.sessions_cancelled, f.sessions_postponed, f.switches,
          f.trainees_enrolled, f.trainees_attended, f.trainees_completed})
        row.emplace_back(static_cast<std::int64_t>(n));
    row.push_back(number_cell(f.attendance_rate_pct()));
    row.push_back(number_cell(f.mean_gain()));
    row.push_back(std::move(amount));
    return row;
}

report_sheet trainings_sheet(const funding_report& r) {
    report_sheet sheet;
    sheet.name = "Pelatihan";
    sheet.columns = {{"ID pelatihan", "Training ID", column_type::integer},
                     {"Pelatihan", "Training", column_type::text},
                     {"Wilayah", "Region", column_type::text},
                     {"Moda rencana", "Planned mode", column_type::text},
                     {"Sesi direncanakan", "Sessions planned", column_type::integer},
                     {"Terlaksana tatap muka", "Delivered in person", column_type::integer},
                     {"Terlaksana daring", "Delivered online", column_type::integer},
                     {"Terlaksana hibrida", "Delivered hybrid", column_type::integer},
                     {"Dibatalkan", "Cancelled", column_type::integer},
                     {"Ditunda", "Postponed", column_type::integer},
                     {"Perpindahan moda", "Switches", column_type::integer},
                     {"Peserta terdaftar", "Trainees enrolled", column_type::integer},
                     {"Peserta hadir", "Trainees attended", column_type::integer},
                     {"Peserta lulus", "Trainees completed", column_type::integer},
                     {"Tingkat kehadiran (%)", "Attendance rate (%)", column_type::number},
                     {"Rata-rata peningkatan pre/post", "Mean pre/post gain", column_type::number},
                     {"Pagu dana (Rp)", "Funding (IDR)", column_type::integer}};
    for (const auto& l : r.lines) {
        const auto& t = l.training;
        sheet.rows.push_back(
            figures_row({t.id, t.title, t.region_code, std::string(to_indonesian(t.planned_mode))},
                        l.figures, report_cell()));
    }
    sheet.rows.push_back(
        figures_row({report_cell(), std::string("Jumlah"), report_cell(), report_cell()}, r.totals,
                    r.source.amount_idr));
    return sheet;
}

report_sheet switches_sheet(const funding_report& r) {
    report_sheet sheet;
    sheet.name = "Perpindahan moda";
    sheet.columns = {{"Waktu", "At", column_type::datetime},
                     {"Pelatihan", "Training", column_type::text},
                     {"Sesi", "Session", column_type::text},
                     {"Dari moda", "From mode", column_type::text},
                     {"Ke moda", "To mode", column_type::text},
                     {"Dari status", "From status", column_type::text},
                     {"Ke status", "To status", column_type::text},
                     {"Alasan", "Reason", column_type::text, 50},
                     {"Rujukan pembatasan", "Restriction reference", column_type::text, 30},
                     {"Oleh", "By", column_type::text}};
    for (const auto& l : r.lines) {
        for (const auto& s : l.switches) {
            const auto& d = s.decision;
            sheet.rows.push_back(
                {d.at, s.training_title, d.session_title, std::string(to_indonesian(d.from_mode)),
                 std::string(to_indonesian(d.to_mode)), std::string(to_string(d.from_status)),
                 std::string(to_string(d.to_status)), d.reason_id, d.restriction_reference,
                 std::string(d.actor_id ? "admin" : "sistem")});
        }
    }
    return sheet;
}

}  // namespace

funding_report build_funding_report(connection& c, const funding_source& fs,
                                    const funding_filter& filter, unix_seconds now,
                                    const attendance_thresholds& current) {
    funding_report out{fs, filter, {}, {}};
    auto all = storage::list_trainings(c, role::admin, 0);
    std::sort(all.begin(), all.end(),
              [](const training& a, const training& b) { return a.id < b.id; });
    for (const auto& t : all) {
        if (t.funding_source_id != fs.id || !in_region(t, filter.region)) continue;
        const auto sessions = sessions_in_range(c, t, filter);
        if ((filter.from_day || filter.to_day) && sessions.empty()) continue;
        funding_line line{t, {}, switches_of(c, t, sessions)};
        line.figures.trainings = 1;
        line.figures.switches = static_cast<int>(line.switches.size());
        count_sessions(t, sessions, line.figures);
        count_trainees(build_completion(c, t, now, current), line.figures);
        out.totals += line.figures;
        out.lines.push_back(std::move(line));
    }
    return out;
}

json to_json(const funding_report& r) {
    auto trainings = json::array();
    auto switches = json::array();
    for (const auto& l : r.lines) {
        trainings.push_back(line_json(l));
        for (const auto& s : l.switches) switches.push_back(to_json(s));
    }
    auto totals = figures_json(r.totals);
    totals["trainings"] = r.totals.trainings;
    totals["switches"] = r.totals.switches;
    return {{"funding_source", source_json(r.source)},
            {"filter", filter_json(r.filter)},
            {"totals", std::move(totals)},
            {"trainings", std::move(trainings)},
            {"switches", std::move(switches)}};
}

report_file to_table(const funding_report& r) {
    report_file file;
    file.stem = "laporan-dak-" + r.source.code;
    file.sheets.push_back(trainings_sheet(r));
    file.sheets.push_back(switches_sheet(r));
    return file;
}

}  // namespace daring::server
