#pragma once
// A session's attendance from the stored evidence (presence intervals, check-ins, marks), and
// the pieces the live room needs at admission. Runs inside a read (or write) job.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "server/reports/report_table.hpp"
#include "server/rules/attendance_rules.hpp"
#include "server/rules/participation_rules.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/live_repo.hpp"
#include "storage/taking_part_repo.hpp"

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
    protocol::json activity;  // per minute (session_activity), in the session's report alone
};

// After a session ended: for every enrolled trainee who did not attend it (absent, partial or
// excused), the notification that its recording can be replayed (kind "recording_available",
// with the session). Reads only.
std::vector<protocol::notification> missed_session_notices(storage::connection& c,
                                                           const protocol::session& s,
                                                           protocol::unix_seconds now,
                                                           const attendance_thresholds& current);

// What a session's attendance is computed from, as stored.
struct session_evidence {
    std::vector<storage::presence_row> presence;  // by id
    std::map<std::int64_t, protocol::unix_seconds> checkins;
    std::map<std::int64_t, std::vector<protocol::play_range>> replayed;
    std::vector<storage::mark_row> marks;         // oldest first
    std::vector<storage::timeline_event> events;  // of participation_event_types(), by seq
    std::map<std::int64_t, storage::taking_part_counts> taking_part;
};
// The evidence of every session in `scope` (of one user when `only_user`): one query per kind
// of evidence however many sessions the scope holds. A session without any has no entry.
storage::per_session<session_evidence> load_evidence(storage::connection& c,
                                                     const storage::session_scope& scope,
                                                     std::optional<std::int64_t> only_user);

// What a caller read already, so a training's report reads it once for all its sessions.
struct read_before {
    const std::vector<storage::attendee_row>* roster = nullptr;  // the enrolled trainees
    const session_evidence* evidence = nullptr;                  // this session's, all of it
};

// With `only_user`, the rows hold that trainee alone (and only their evidence is read). With
// `open_to_now`, intervals still open count until `now` (at the moment a session ends, whoever
// is still connected was there until the end, whatever heartbeats are not flushed yet).
// What `known` holds is not read again (a training's report reads the roster and the evidence
// once for all its sessions).
session_attendance build_session_attendance(storage::connection& c, const protocol::session& s,
                                            protocol::unix_seconds now,
                                            const attendance_thresholds& current,
                                            std::optional<std::int64_t> only_user = std::nullopt,
                                            bool open_to_now = false,
                                            const read_before& known = {});
protocol::json to_json(const session_attendance& a);

report_file session_attendance_table(const session_attendance& a, int utc_offset_minutes);

}  // namespace daring::server
