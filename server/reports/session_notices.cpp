#include "server/reports/session_notices.hpp"

#include <algorithm>

#include "server/reports/attendance_report.hpp"
#include "server/reports/certificates.hpp"
#include "server/reports/completion_report.hpp"
#include "server/reports/training_matrix.hpp"
#include "server/rules/local_time.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/certificate_repo.hpp"
#include "storage/notification_repo.hpp"
#include "storage/once_only.hpp"
#include "storage/outbox_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

constexpr unix_seconds hour = 3600;
constexpr unix_seconds reminder_horizon = 168 * hour;  // the longest reminder a training sets

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

int notify_trainees(connection& c, std::int64_t training_id, const notification& n) {
    int written = 0;
    for (const auto& t : storage::enrolled_trainees(c, training_id)) {
        auto out = n;
        out.user_id = t.user_id;
        storage::insert_notification(c, out);
        ++written;
    }
    return written;
}

// Where a message about a session leads: a one-tap join link when it is held online (in part),
// else the trainee's home page.
void link_to(notification& n, std::int64_t session_id, const std::string& mode) {
    if (mode == "in_person")
        n.params["link"] = "#/";
    else
        n.params["join_session_id"] = session_id;
}

int remind(connection& c, const storage::reminder_candidate& r, unix_seconds now) {
    auto sent = [&](int h) { return std::count(r.sent.begin(), r.sent.end(), h) > 0; };
    std::vector<int> due;
    for (int h : r.hours)
        if (now >= r.starts_at - h * hour) due.push_back(h);
    if (due.empty()) return 0;
    // Only the nearest due hour speaks; the others that came due with it are recorded unsent.
    const int nearest = *std::min_element(due.begin(), due.end());
    const bool told = sent(nearest);
    for (int h : due)
        if (!sent(h)) storage::record_reminder(c, r.session_id, h, now);
    if (told) return 0;
    const auto when = format_local(r.starts_at, r.utc_offset_minutes);
    const auto mode = parse_delivery_mode(r.mode).value_or(delivery_mode::in_person);
    notification n;
    n.training_id = r.training_id;
    n.session_id = r.session_id;
    n.kind = "session_reminder";
    n.text_id = "Pengingat: sesi " + quoted(r.title) + " pelatihan " + quoted(r.training_title) +
                " dimulai " + when + " (" + std::string(to_indonesian(mode)) + ").";
    n.text_en = "Reminder: the session " + quoted(r.title) + " of " + quoted(r.training_title) +
                " starts " + when + " (" + std::string(to_string(mode)) + ").";
    n.params = {{"session_title", r.title},
                {"training_title", r.training_title},
                {"when", when},
                {"mode", r.mode},
                {"hours_before", nearest}};
    link_to(n, r.session_id, r.mode);
    n.expires_at = r.starts_at;
    n.created_at = now;
    return notify_trainees(c, r.training_id, n);
}

// "Your attendance fell below the minimum" for those who missed this session and are now below
// it, with what the sessions still planned make possible. Reads only.
std::vector<notification> absence_warnings(connection& c, const session& s, const training& t,
                                           unix_seconds now, const attendance_thresholds& current) {
    const auto m = build_training_attendance(c, t, now, current, std::nullopt, true);
    const auto at = std::find_if(m.sessions.begin(), m.sessions.end(),
                                 [&](const session& x) { return x.id == s.id; });
    std::vector<notification> out;
    if (at == m.sessions.end()) return out;
    const auto k = static_cast<std::size_t>(at - m.sessions.begin());
    int remaining = 0;
    for (std::size_t i = 0; i < m.sessions.size(); ++i) {
        const auto st = m.sessions[i].current.status;
        if (!m.held[i] && st != session_status::cancelled && st != session_status::ended)
            ++remaining;
    }
    for (const auto& row : m.rows) {
        const auto& cell = row.cells[k];
        if ((cell.status && counts_as_attended(*cell.status)) || cell.attended_by_replay) continue;
        if (row.rate_pct >= t.min_attendance_pct) continue;
        const auto needed =
            sessions_still_needed(row.attended, m.held_count, remaining, t.min_attendance_pct);
        const auto rate = std::to_string(static_cast<int>(row.rate_pct));
        const auto minimum = std::to_string(t.min_attendance_pct);
        notification n;
        n.user_id = row.user_id;
        n.training_id = t.id;
        n.session_id = s.id;
        n.kind = "absence_warning";
        // NOLINTBEGIN(performance-inefficient-string-concatenation): once per trainee when a
        // session ends, not a hot path; one expression per language reads best.
        n.text_id = "Kehadiran Anda di pelatihan " + quoted(t.title) + " kini " + rate +
                    "% (minimum " + minimum + "%). ";
        n.text_id += needed ? "Hadiri sedikitnya " + std::to_string(*needed) + " dari " +
                                  std::to_string(remaining) +
                                  " sesi berikutnya agar tetap dapat lulus."
                            : "Kehadiran minimum tidak lagi dapat dicapai; hubungi panitia.";
        n.text_en = "Your attendance in " + quoted(t.title) + " is now " + rate + "% (minimum " +
                    minimum + "%). ";
        n.text_en += needed ? "Attend at least " + std::to_string(*needed) + " of the " +
                                  std::to_string(remaining) +
                                  " remaining session(s) to still complete it."
                            : "The minimum can no longer be reached; contact the organisers.";
        // NOLINTEND(performance-inefficient-string-concatenation)
        n.params = {{"training_title", t.title},
                    {"rate_pct", row.rate_pct},
                    {"minimum_pct", t.min_attendance_pct},
                    {"sessions_remaining", remaining},
                    {"sessions_needed", needed ? protocol::json(*needed) : protocol::json(nullptr)},
                    {"link", "#/"}};
        n.created_at = now;
        out.push_back(std::move(n));
    }
    return out;
}

// Once the training is finished: the trainees who completed it (to certify). Reads only.
std::vector<std::int64_t> completed_trainees(connection& c, const training& t, unix_seconds now,
                                             const attendance_thresholds& current) {
    const auto tc = build_completion(c, t, now, current, std::nullopt, true);
    std::vector<std::int64_t> out;
    if (!tc.finished) return out;
    for (const auto& row : tc.rows)
        if (row.completed) out.push_back(row.user_id);
    return out;
}

// Issues each one's certificate (checked again) and tells them, with its verification link.
int certificates_ready(connection& c, const training& t, const std::vector<std::int64_t>& users,
                       unix_seconds now, const attendance_thresholds& current,
                       const std::string& prefix) {
    int written = 0;
    for (const auto user_id : users) {
        auto cert = issue_if_completed(c, {t.id, user_id, 0, prefix, current, {}, true}, now);
        if (!cert) continue;  // issued before, and told then
        notification n;
        n.user_id = user_id;
        n.training_id = t.id;
        n.kind = "certificate_ready";
        n.text_id = "Selamat! Sertifikat pelatihan " + quoted(t.title) + " sudah terbit (nomor " +
                    cert->number + ").";
        n.text_en = "Congratulations! Your certificate of " + quoted(t.title) +
                    " is ready (number " + cert->number + ").";
        n.params = {{"training_title", t.title},
                    {"number", cert->number},
                    {"link", "api/v1/certificates/" + cert->code}};
        n.created_at = now;
        storage::insert_notification(c, n);
        ++written;
    }
    return written;
}

}  // namespace

after_session_notices plan_after_session(connection& c, const session& s, unix_seconds now,
                                         const attendance_thresholds& current) {
    after_session_notices out;
    out.notices = missed_session_notices(c, s, now, current);
    const auto t = storage::find_training(c, s.training_id);
    if (!t) return out;
    auto warnings = absence_warnings(c, s, *t, now, current);
    out.notices.insert(out.notices.end(), std::make_move_iterator(warnings.begin()),
                       std::make_move_iterator(warnings.end()));
    out.completed = completed_trainees(c, *t, now, current);
    return out;
}

int write_after_session(connection& c, const session& s, const after_session_notices& planned,
                        unix_seconds now, const attendance_thresholds& current,
                        const std::string& certificate_prefix) {
    int written = 0;
    for (const auto& n : planned.notices) {
        storage::insert_notification(c, n);
        ++written;
    }
    if (planned.completed.empty()) return written;
    if (const auto t = storage::find_training(c, s.training_id))
        written += certificates_ready(c, *t, planned.completed, now, current, certificate_prefix);
    return written;
}

int send_due_reminders(connection& c, unix_seconds now) {
    // Several nodes: one sends this round's reminders, the others' rounds skip.
    if (!storage::take_once_only(c, storage::once_only::reminders)) return 0;
    int written = 0;
    for (const auto& r : storage::reminder_candidates(c, now, reminder_horizon))
        written += remind(c, r, now);
    return written;
}

int notify_session_started(connection& c, const session& s, unix_seconds now) {
    if (s.current.mode == delivery_mode::in_person) return 0;
    const auto t = storage::find_training(c, s.training_id);
    notification n;
    n.training_id = s.training_id;
    n.session_id = s.id;
    n.kind = "session_started";
    n.text_id = "Sesi " + quoted(s.title) + " sudah dimulai. Gabung sekarang.";
    n.text_en = "The session " + quoted(s.title) + " has started. Join now.";
    n.params = {{"session_title", s.title}, {"training_title", t ? t->title : std::string()}};
    link_to(n, s.id, std::string(to_string(s.current.mode)));
    n.expires_at = s.ends_at;
    n.created_at = now;
    return notify_trainees(c, s.training_id, n);
}

}  // namespace daring::server
