#include "server/reports/certificates.hpp"

#include "server/http/http_types.hpp"
#include "server/reports/completion_report.hpp"
#include "server/reports/training_matrix.hpp"
#include "server/rules/delivery_policy.hpp"
#include "server/rules/local_time.hpp"
#include "server/util/tokens.hpp"
#include "storage/audit_repo.hpp"
#include "storage/database.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

struct lookup {
    std::optional<storage::certificate_row> existing;
    std::optional<completion_row> row;
    std::int64_t first_day = 0, last_day = 0;
    int offset = default_utc_offset_minutes;  // the training region's
};

// The first and last local day of the sessions held.
void held_days(const training_attendance& a, lookup& out) {
    bool first = true;
    for (std::size_t k = 0; k < a.sessions.size(); ++k) {
        if (!a.held[k]) continue;
        const auto day = local_day(a.sessions[k].starts_at, a.utc_offset_minutes);
        out.first_day = first ? day : std::min(out.first_day, day);
        out.last_day = first ? day : std::max(out.last_day, day);
        first = false;
    }
}

lookup look_up(connection& c, const certificate_request& r, unix_seconds now) {
    lookup out;
    out.existing = storage::find_certificate(c, r.training_id, r.user_id);
    const auto t = storage::find_training(c, r.training_id);
    if (!t) throw http_error(404, "not_found", "No such training");
    auto tc = build_completion(c, *t, now, r.current, r.user_id, r.open_to_now);
    out.offset = tc.attendance.utc_offset_minutes;
    held_days(tc.attendance, out);
    for (auto& row : tc.rows)
        if (row.user_id == r.user_id) out.row = std::move(row);
    if (!out.existing && !out.row)
        throw http_error(404, "not_found", "That user is not enrolled in this training");
    return out;
}

storage::certificate_row issue(connection& c, const certificate_request& r, const lookup& found,
                               unix_seconds now) {
    int year;
    unsigned month, day;
    civil_from_days(local_day(now, found.offset), year, month, day);
    const auto code = r.code.empty() ? random_code(certificate_code_length) : r.code;
    auto cert = storage::issue_certificate(c, r.training_id, r.user_id, code, r.prefix, year, now,
                                           found.row->seconds_credited);
    const auto actor = r.actor_id ? std::optional(r.actor_id) : std::nullopt;  // 0: the system
    storage::insert_audit(c, actor, "certificate.issue",
                          "training:" + std::to_string(r.training_id),
                          {{"user_id", r.user_id}, {"number", cert.number}}, now);
    return cert;
}

}  // namespace

std::optional<storage::certificate_row> issue_if_completed(connection& c,
                                                           const certificate_request& r,
                                                           unix_seconds now) {
    auto found = look_up(c, r, now);
    if (found.existing || !found.row || !found.row->completed) return std::nullopt;
    return issue(c, r, found, now);
}

issued_certificate certificate_for(storage::database& db, const certificate_request& r,
                                   unix_seconds now) {
    auto found = db.read([&](connection& c) { return look_up(c, r, now); });
    issued_certificate out{{}, found.first_day, found.last_day, false};
    if (found.existing) {
        out.cert = *found.existing;
        return out;
    }
    if (!found.row->completed)
        throw http_error(409, "not_completed",
                         found.row->reason_en + " (" + found.row->reason_id + ")");
    out.cert = db.write([&](connection& c) { return issue(c, r, found, now); });
    out.issued_now = true;
    return out;
}

}  // namespace daring::server
