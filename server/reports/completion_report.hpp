#pragma once
// Who completed a training: attendance rate and post-test against the training's rules.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "server/reports/pre_post.hpp"
#include "server/reports/training_matrix.hpp"

namespace daring::storage {
class connection;
}  // namespace daring::storage

namespace daring::server {

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
