#include "server/reports/attendance_report.hpp"

#include <algorithm>
#include <map>

#include "server/reports/participation_report.hpp"
#include "server/reports/report_table.hpp"
#include "server/rules/replay_rules.hpp"
#include "storage/attendance_repo.hpp"

namespace daring::server {

using protocol::json;

time_span session_window(const protocol::session& s, protocol::unix_seconds now) {
    time_span w{s.starts_at, s.ends_at};
    if (s.started_at) w.from = std::min(w.from, *s.started_at);
    if (s.ended_at) w.to = std::max(w.to, *s.ended_at);
    if (s.current.status == protocol::session_status::live && !s.ended_at)
        w.to = std::max(w.to, now);
    return w;
}

attendance_thresholds thresholds_of(const protocol::session& s,
                                    const attendance_thresholds& current) {
    if (!s.present_pct || !s.late_after_s) return current;
    return {*s.present_pct, *s.late_after_s};
}

namespace {

// The span an interval covers: to its end, or (still open) to its last flushed heartbeat.
time_span span_of(const storage::presence_row& r) {
    return {r.started_at, r.ended_at.value_or(r.last_seen)};
}

// Whether `seconds` reach the present percentage of the session's window.
bool reaches_threshold(std::int64_t seconds, const session_attendance& a) {
    return seconds * 100 >=
           std::max<std::int64_t>(1, a.window.to - a.window.from) * a.thresholds.present_pct;
}

// What a status rests on: mark, in_person, online, or "" (absent).
std::string status_basis(const attendance_evidence& ev, attendance_status status,
                         const session_attendance& a) {
    if (ev.mark) return "mark";
    if (status == attendance_status::absent) return "";
    if (ev.checked_in_at && !reaches_threshold(ev.presence.seconds_present, a)) return "in_person";
    return "online";
}

}  // namespace

prior_attendance load_prior_attendance(storage::connection& c, std::int64_t session_id,
                                       std::int64_t user_id) {
    prior_attendance out;
    // An open interval belongs to a connection the room tracks: only ended ones are read (a
    // user with many sockets open does not read them all again at each join).
    for (const auto& r : storage::ended_presence_of(c, session_id, user_id))
        (r.visible ? out.visible : out.hidden).push_back(span_of(r));
    auto checkins = storage::checkins_of(c, session_id, user_id);
    if (auto it = checkins.find(user_id); it != checkins.end()) out.checked_in_at = it->second;
    auto marks = storage::marks_of(c, session_id, user_id);
    if (!marks.empty()) out.mark = parse_manual_mark(marks.back().status);
    return out;
}

storage::per_session<session_evidence> load_evidence(storage::connection& c,
                                                     const storage::session_scope& scope,
                                                     std::optional<std::int64_t> only_user) {
    storage::per_session<session_evidence> out;
    for (auto& r : storage::presence_in(c, scope, only_user))
        out[r.session_id].presence.push_back(r);
    for (auto& [id, by_user] : storage::checkins_in(c, scope, only_user))
        out[id].checkins = std::move(by_user);
    for (auto& [id, by_user] : storage::replay_ranges_in(c, scope, only_user))
        out[id].replayed = std::move(by_user);
    for (auto& m : storage::marks_in(c, scope, only_user)) {
        const auto id = m.session_id;
        out[id].marks.push_back(std::move(m));
    }
    for (auto& e : storage::session_events_in(c, scope, participation_event_types())) {
        const auto id = e.session_id;
        out[id].events.push_back(std::move(e));
    }
    for (auto& [id, by_user] : storage::taking_part_counts_in(c, scope, only_user))
        out[id].taking_part = std::move(by_user);
    return out;
}

namespace {

// One trainee's presence intervals in a session, as the attendance rules read them.
struct user_presence {
    std::vector<time_span> visible, hidden;
    std::optional<protocol::unix_seconds> last_seen;
    int intervals = 0;
    int open = 0;
};

// An interval still open counts up to `now` when `open_to_now` (a session still live).
std::map<std::int64_t, user_presence> presence_by_user(
    const std::vector<storage::presence_row>& rows, bool open_to_now, protocol::unix_seconds now) {
    std::map<std::int64_t, user_presence> by_user;
    for (const auto& r : rows) {
        auto& e = by_user[r.user_id];
        auto span = span_of(r);
        if (open_to_now && !r.ended_at) span.to = std::max(span.to, now);
        (r.visible ? e.visible : e.hidden).push_back(span);
        const auto seen = r.ended_at.value_or(r.last_seen);
        if (!e.last_seen || seen > *e.last_seen) e.last_seen = seen;
        ++e.intervals;
        if (!r.ended_at) ++e.open;
    }
    return by_user;
}

}  // namespace

session_attendance build_session_attendance(storage::connection& c, const protocol::session& s,
                                            protocol::unix_seconds now,
                                            const attendance_thresholds& current,
                                            std::optional<std::int64_t> only_user, bool open_to_now,
                                            const read_before& known) {
    session_attendance out;
    out.session = s;
    out.window = session_window(s, now);
    out.thresholds = thresholds_of(s, current);
    session_evidence read_here;
    if (!known.evidence) {
        auto all = load_evidence(c, storage::session_scope::of_session(s.id), only_user);
        read_here = std::move(all[s.id]);
    }
    const auto& stored = known.evidence ? *known.evidence : read_here;

    const auto by_user = presence_by_user(stored.presence, open_to_now, now);
    const auto& checkins = stored.checkins;
    const auto& replayed = stored.replayed;
    out.replay_counts = s.replay_counts.value_or(false);
    std::map<std::int64_t, const storage::mark_row*> latest_mark;
    for (const auto& m : stored.marks) latest_mark[m.user_id] = &m;
    const auto taking_part = participation_from(stored.events, stored.taking_part, now, only_user);

    std::vector<storage::attendee_row> roster_here;
    const auto* roster = known.roster;
    if (!roster) roster = &(roster_here = storage::enrolled_trainees(c, s.training_id));
    for (const auto& t : *roster) {
        if (only_user && t.user_id != *only_user) continue;
        attendance_row row;
        row.user_id = t.user_id;
        row.username = t.username;
        row.full_name = t.full_name;
        row.nib = t.nib;
        row.email = t.email;
        attendance_evidence ev;
        if (auto e = by_user.find(t.user_id); e != by_user.end()) {
            ev.presence = summarize_presence(e->second.visible, e->second.hidden, out.window);
            row.last_seen = e->second.last_seen;
            row.connections = e->second.intervals;
            row.open_intervals = e->second.open;
        }
        if (auto ci = checkins.find(t.user_id); ci != checkins.end()) ev.checked_in_at = ci->second;
        if (auto m = latest_mark.find(t.user_id); m != latest_mark.end()) {
            ev.mark = parse_manual_mark(m->second->status);
            row.mark_status = m->second->status;
            row.mark_reason = m->second->reason;
            row.marked_by = m->second->marked_by_name;
        }
        row.first_join = ev.presence.first_join;
        row.seconds_present = ev.presence.seconds_present;
        row.seconds_away = ev.presence.seconds_away;
        row.checked_in_at = ev.checked_in_at;
        row.status = decide_attendance(ev, out.window, out.thresholds);
        row.via = status_basis(ev, row.status, out);
        if (auto it = replayed.find(t.user_id); it != replayed.end())
            row.seconds_replayed = covered_ms(it->second) / 1000;
        row.attended_by_replay = out.replay_counts && !counts_as_attended(row.status) &&
                                 reaches_threshold(row.seconds_replayed, out);
        if (auto p = taking_part.find(t.user_id); p != taking_part.end())
            row.taking_part = p->second;
        out.rows.push_back(std::move(row));
    }
    return out;
}

namespace {

// What an absent trainee is told happened, in Bahasa Indonesia and English.
std::pair<std::string, std::string> absence_words(const std::string& title,
                                                  std::int64_t seconds_present) {
    const auto quoted = "\"" + title + "\"";
    if (seconds_present <= 0)
        return {"Anda tidak bergabung di sesi " + quoted + ".",
                "You did not join the session " + quoted + "."};
    const auto minutes = seconds_present / 60;
    const auto id_time =
        minutes < 1 ? std::string("kurang dari 1 menit") : std::to_string(minutes) + " menit";
    const auto en_time = minutes < 1    ? std::string("less than a minute")
                         : minutes == 1 ? std::string("1 minute")
                                        : std::to_string(minutes) + " minutes";
    return {"Anda mengikuti sesi " + quoted + " hanya " + id_time +
                ", belum cukup untuk tercatat hadir.",
            "You attended the session " + quoted + " for only " + en_time +
                ", not enough to count as present."};
}

}  // namespace

std::vector<protocol::notification> missed_session_notices(storage::connection& c,
                                                           const protocol::session& s,
                                                           protocol::unix_seconds now,
                                                           const attendance_thresholds& current) {
    const auto a = build_session_attendance(c, s, now, current, std::nullopt, true);
    const auto link = "#/replay/" + std::to_string(s.id);
    std::vector<protocol::notification> out;
    for (const auto& r : a.rows) {
        if (counts_as_attended(r.status)) continue;
        protocol::notification n;
        n.user_id = r.user_id;
        n.training_id = s.training_id;
        n.session_id = s.id;
        n.kind = "recording_available";
        // Worded by what happened: never joined, or joined too little to count as present.
        auto [said_id, said_en] = absence_words(s.title, r.seconds_present);
        n.text_id = std::move(said_id.append(" Rekamannya dapat diputar ulang: ").append(link));
        n.text_en = std::move(said_en.append(" Its recording can be replayed: ").append(link));
        n.created_at = now;
        n.params = {{"session_title", s.title}, {"link", link}};
        out.push_back(std::move(n));
    }
    return out;
}

json to_json(const session_attendance& a) {
    auto time_or_null = [](const std::optional<protocol::unix_seconds>& t) {
        return t ? json(protocol::format_rfc3339(*t)) : json(nullptr);
    };
    auto rows = json::array();
    std::map<std::string, int> counts;
    std::map<std::string, int> levels;
    for (const auto& r : a.rows) {
        ++counts[std::string(to_string(r.status))];
        rows.push_back({{"user_id", r.user_id},
                        {"username", r.username},
                        {"full_name", r.full_name},
                        {"nib", text_or_null(r.nib)},
                        {"email", text_or_null(r.email)},
                        {"first_join", time_or_null(r.first_join)},
                        {"last_seen", time_or_null(r.last_seen)},
                        {"seconds_present", r.seconds_present},
                        {"seconds_away", r.seconds_away},
                        {"seconds_replayed", r.seconds_replayed},
                        {"attended_by_replay", r.attended_by_replay},
                        {"intervals", r.connections},
                        {"online", r.open_intervals > 0},
                        {"open_intervals", r.open_intervals},
                        {"checked_in_at", time_or_null(r.checked_in_at)},
                        {"status", to_string(r.status)},
                        {"via", r.via.empty() ? json(nullptr) : json(r.via)},
                        {"mark", r.mark_status.empty() ? json(nullptr)
                                                       : json({{"status", r.mark_status},
                                                               {"remark", r.mark_reason},
                                                               {"by", r.marked_by}})},
                        {"participation", to_json(r.taking_part)}});
        ++levels[std::string(to_string(level_of(r.taking_part)))];
    }
    json summary = json::object();
    for (auto s : {attendance_status::present, attendance_status::late, attendance_status::partial,
                   attendance_status::absent, attendance_status::excused}) {
        summary[std::string(to_string(s))] = counts[std::string(to_string(s))];
    }
    const auto& s = a.session;
    return {{"session",
             {{"id", s.id},
              {"training_id", s.training_id},
              {"title", s.title},
              {"status", protocol::to_string(s.current.status)},
              {"mode", protocol::to_string(s.current.mode)},
              {"starts_at", protocol::format_rfc3339(s.starts_at)},
              {"ends_at", protocol::format_rfc3339(s.ends_at)},
              {"started_at", time_or_null(s.started_at)},
              {"ended_at", time_or_null(s.ended_at)}}},
            {"window",
             {{"from", protocol::format_rfc3339(a.window.from)},
              {"to", protocol::format_rfc3339(a.window.to)},
              {"seconds", a.window.to - a.window.from}}},
            {"thresholds",
             {{"present_pct", a.thresholds.present_pct},
              {"late_after_s", a.thresholds.late_after},
              {"replay_counts", a.replay_counts}}},
            {"summary", std::move(summary)},
            {"participation",
             {{"aktif", levels["aktif"]}, {"cukup", levels["cukup"]}, {"pasif", levels["pasif"]}}},
            {"activity", a.activity},
            {"rows", std::move(rows)}};
}

namespace {
report_cell time_cell(const std::optional<protocol::unix_seconds>& t) {
    return t ? report_cell(*t) : report_cell();
}
}  // namespace

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
                     {"Ditandai oleh", "Marked by", column_type::text},
                     {"Pesan obrolan", "Chat messages", column_type::integer},
                     {"Pertanyaan", "Questions", column_type::integer},
                     {"Dukungan pertanyaan", "Upvotes", column_type::integer},
                     {"Jawaban jajak pendapat", "Poll answers", column_type::integer},
                     {"Angkat tangan", "Hands raised", column_type::integer},
                     {"Detik bicara", "Seconds on the floor", column_type::integer},
                     {"Reaksi", "Reactions", column_type::integer},
                     {"Keaktifan", "Participation", column_type::text}};
    for (const auto& r : a.rows) {
        const auto& p = r.taking_part;
        sheet.rows.push_back({r.user_id,
                              r.username,
                              r.full_name,
                              r.nib,
                              r.email,
                              std::string(to_string(r.status)),
                              r.via,
                              time_cell(r.first_join),
                              time_cell(r.last_seen),
                              r.seconds_present,
                              r.seconds_away,
                              r.seconds_replayed,
                              std::string(r.attended_by_replay ? "ya" : ""),
                              time_cell(r.checked_in_at),
                              r.mark_status,
                              r.mark_reason,
                              r.marked_by,
                              p.chat,
                              p.questions,
                              p.votes,
                              p.poll_answers,
                              p.hands,
                              p.floor_seconds,
                              p.reactions,
                              std::string(to_string(level_of(p)))});
    }
    report_file f;
    f.stem = "kehadiran-sesi-" + std::to_string(a.session.id);
    f.utc_offset_minutes = offset;
    f.sheets.push_back(std::move(sheet));
    return f;
}

}  // namespace daring::server
