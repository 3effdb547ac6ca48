#pragma once
// A session's attendance from the stored evidence (presence intervals, check-ins, marks), and
// the pieces the live room needs at admission. Runs inside a read (or write) job.
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "server/reports/report_table.hpp"
#include "server/rules/attendance_rules.hpp"
#include "server/rules/participation_rules.hpp"

namespace daring::storage {
class connection;
struct attendee_row;
}  // namespace daring::storage

namespace daring::server {

// The scheduled window widened to the actual start and end; while live, to `now` as well.
time_span session_window(const protocol::session& s, protocol::unix_seconds now);
// The thresholds stored on the session when it went live, else `current` (not started yet).
attendance_thresholds thresholds_of(const protocol::session& s,
                                    const attendance_thresholds& current);

// A trainee's closed intervals, check-in and latest mark for a live room.
prior_attendance load_prior_attendance(storage::connection& c, std::int64_t session_id,
                                       std::int64_t user_id);

struct attendance_row {
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::string nib, email;  // for the ministry's forms; empty when unknown
    std::optional<protocol::unix_seconds> first_join;
    std::optional<protocol::unix_seconds> last_seen;
    std::int64_t seconds_present = 0;
    std::int64_t seconds_away = 0;
    int connections = 0;     // presence intervals opened (reconnects and visibility changes)
    int open_intervals = 0;  // intervals not ended yet: the trainee is in the room now
    std::optional<protocol::unix_seconds> checked_in_at;
    attendance_status status = attendance_status::absent;
    std::string via;  // online | in_person | mark | "" (absent)
    // Seconds of the recording played (the union of played ranges), never part of
    // seconds_present; attended_by_replay when the session's replay counts toward completion
    // and at least the present percentage was replayed while the live status is not attended.
    std::int64_t seconds_replayed = 0;
    bool attended_by_replay = false;
    std::string mark_status;
    std::string mark_reason;
    std::string marked_by;
    participation taking_part;  // chat, questions, votes, poll answers, hands, floor, reactions
};

struct session_attendance {
    protocol::session session;
    time_span window;
    attendance_thresholds thresholds;
    bool replay_counts = false;        // as stored on the session when it went live
    std::vector<attendance_row> rows;  // one per enrolled trainee, by user id
    protocol::json activity;           // per minute (participation_report); null for one trainee
};

// After a session ended: for every enrolled trainee who did not attend it (absent, partial or
// excused), the notification that its recording can be replayed (kind "recording_available",
// with the session). Reads only.
std::vector<protocol::notification> missed_session_notices(storage::connection& c,
                                                           const protocol::session& s,
                                                           protocol::unix_seconds now,
                                                           const attendance_thresholds& current);

// With `only_user`, the rows hold that trainee alone (and only their evidence is read). With
// `open_to_now`, intervals still open count until `now` (at the moment a session ends, whoever
// is still connected was there until the end, whatever heartbeats are not flushed yet).
// `roster`: the training's enrolled trainees when the caller has them already (a training's
// report builds every session's attendance from one roster instead of reading it per session).
session_attendance build_session_attendance(
    storage::connection& c, const protocol::session& s, protocol::unix_seconds now,
    const attendance_thresholds& current, std::optional<std::int64_t> only_user = std::nullopt,
    bool open_to_now = false, const std::vector<storage::attendee_row>* roster = nullptr);
protocol::json to_json(const session_attendance& a);

report_file session_attendance_table(const session_attendance& a, int utc_offset_minutes);

}  // namespace daring::server
