#pragma once
// The reports an office files with the ministry: session and training attendance, completion,
// pre/post scores, and the accountability report per funding source. Each is computed inside a
// read job (on the read pool) into plain values, then rendered as JSON or as a report table
// (CSV/XLSX, report_table.hpp).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "protocol/quiz.hpp"
#include "protocol/user.hpp"
#include "server/http/http_types.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/reports/report_table.hpp"
#include "server/rules/quiz_scoring.hpp"

namespace daring::storage {
class connection;
struct attendee_row;
struct submission_row;
}  // namespace daring::storage

namespace daring::server {

// A region's fixed UTC offset (WIB when the region is unknown).
int region_offset(storage::connection& c, const std::string& region_code);

// ?format=json|csv|xlsx (400 otherwise) and ?lang=id|en.
struct report_request {
    report_format format = report_format::json;
    bool english = false;
};
report_request parse_report_request(const http_request& req);
// JSON as is; CSV or XLSX as an attachment named "<stem>-<local date>.<ext>".
http_response report_response(const report_request& r, const protocol::json& body,
                              report_file table, protocol::unix_seconds now);

// A JSON body {"rows": [...], <the fields of head>} whose rows are built `rows_per_piece` at a
// time as the response streams (count rows; row(i) builds the i-th). Small ones go out whole.
struct json_rows {
    protocol::json head;
    std::size_t count = 0;
    std::function<protocol::json(std::size_t)> row;
};
inline constexpr std::size_t json_stream_threshold = 200;  // rows; fewer are sent in one piece
http_response report_response(const report_request& r, json_rows body, report_file table,
                              protocol::unix_seconds now);

report_file session_attendance_table(const session_attendance& a, int utc_offset_minutes);

// ---- pre/post tests

// The training's latest pre-test and post-test that were taken (else the latest of each), and
// each trainee's counted score in percent.
struct pre_post_scores {
    std::optional<protocol::quiz> pre, post;
    std::map<std::int64_t, double> pre_percent, post_percent;
};
pre_post_scores load_pre_post(storage::connection& c, std::int64_t training_id);

// Per trainee, the submission that counts (best or last, as the quiz says), from all of a quiz's
// submissions oldest first.
std::map<std::int64_t, const storage::submission_row*> counted_by_user(
    const protocol::quiz& q, const std::vector<storage::submission_row>& all);

// ---- training attendance matrix

struct matrix_cell {
    std::optional<attendance_status> status;  // none: the session has not been held yet
    std::int64_t seconds_present = 0;
    std::int64_t seconds_credited = 0;  // counted toward hours: time present, or the whole window
                                        // when attended in person or by mark
    std::int64_t seconds_replayed = 0;  // never part of the two above
    bool attended_by_replay = false;
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

// ---- completion

struct completion_row {
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::string nib, email;  // for the ministry's forms; empty when unknown
    int attended = 0;
    int attended_by_replay = 0;
    int held = 0;
    double attendance_pct = 0;
    std::int64_t seconds_credited = 0;
    std::optional<double> pre_percent, post_percent, gain;
    bool completed = false;
    std::string reason;     // code; when completed, empty or "attended_by_replay"
    std::string reason_id;  // Bahasa Indonesia
    std::string reason_en;
};

struct training_completion {
    training_attendance attendance;
    pre_post_scores scores;
    bool finished = false;  // every session ended or cancelled, at least one ended
    std::vector<completion_row> rows;
};

// A trainee completes when the training is finished, their attendance rate reaches the
// training's min_attendance_pct and, when the training has a post-test, their post-test score
// reaches pass_score.
// With `only_user`, that trainee's row alone (a trainee's own progress, a certificate).
training_completion build_completion(storage::connection& c, const protocol::training& t,
                                     protocol::unix_seconds now,
                                     const attendance_thresholds& current,
                                     std::optional<std::int64_t> only_user = std::nullopt);
training_completion build_completion(storage::connection& c, const protocol::training& t,
                                     protocol::unix_seconds now,
                                     const attendance_thresholds& current,
                                     std::optional<std::int64_t> only_user, bool open_to_now);
protocol::json to_json(const training_completion& tc);
protocol::json head_json(const training_completion& tc);
protocol::json row_json(const training_completion& tc, const completion_row& r);
report_file to_table(const training_completion& tc);

}  // namespace daring::server
