#pragma once
// The training's attendance matrix: every enrolled trainee by every session not cancelled, with
// rates and hours credited (live, and by replay where the training counts it).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/reports/report_table.hpp"

namespace daring::storage {
class connection;
}  // namespace daring::storage

namespace daring::server {

struct matrix_cell {
    std::optional<attendance_status> status;  // none: the session has not been held yet
    std::int64_t seconds_present = 0;
    std::int64_t seconds_credited = 0;  // counted toward hours: time present, or the whole window
                                        // when attended in person or by mark
    std::int64_t seconds_replayed = 0;  // never part of the two above
    bool attended_by_replay = false;
    std::optional<participation_level> level;  // none: not held yet
    participation taking_part;
};

struct matrix_row {
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::string nib, email;          // for the ministry's forms; empty when unknown
    std::vector<matrix_cell> cells;  // one per session of the matrix
    int attended = 0;                // sessions attended, live or (where it counts) by replay
    int attended_by_replay = 0;      // of those, by replay
    double rate_pct = 0;
    std::int64_t seconds_credited = 0;
};

// Sessions that are not cancelled, by start; a session counts as held once it has ended (a live
// session shows its status so far but does not count yet).
struct training_attendance {
    protocol::training training;
    int utc_offset_minutes = protocol::default_utc_offset_minutes;
    std::vector<protocol::session> sessions;
    std::vector<bool> held;
    int held_count = 0;
    std::vector<matrix_row> rows;  // one per enrolled trainee, by user id
};

// With `only_user`, one trainee's row (the same row the whole matrix would have).
training_attendance build_training_attendance(storage::connection& c, const protocol::training& t,
                                              protocol::unix_seconds now,
                                              const attendance_thresholds& current,
                                              std::optional<std::int64_t> only_user = std::nullopt);
// `open_to_now`: intervals still open count up to `now` (a session that just ended, whose last
// heartbeats may not be flushed yet).
training_attendance build_training_attendance(storage::connection& c, const protocol::training& t,
                                              protocol::unix_seconds now,
                                              const attendance_thresholds& current,
                                              std::optional<std::int64_t> only_user,
                                              bool open_to_now);
protocol::json to_json(const training_attendance& m);
protocol::json head_json(const training_attendance& m);  // everything but rows
protocol::json row_json(const training_attendance& m, const matrix_row& r);
report_file to_table(const training_attendance& m);

}  // namespace daring::server
