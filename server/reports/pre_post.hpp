#pragma once
// Pre-test and post-test scores of a training, as the reports count them.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "protocol/quiz.hpp"

namespace daring::storage {
class connection;
struct submission_row;
}  // namespace daring::storage

namespace daring::server {

// The training's latest pre-test and post-test that were taken (else the latest of each), and
// each trainee's counted score in percent (that trainee's alone with `only_user`: which tests
// count still depends on everyone's submissions).
struct pre_post_scores {
    std::optional<protocol::quiz> pre, post;
    std::map<std::int64_t, double> pre_percent, post_percent;
};
pre_post_scores load_pre_post(storage::connection& c, std::int64_t training_id,
                              std::optional<std::int64_t> only_user = std::nullopt);

// Per trainee, the submission that counts (best or last, as the quiz says), from all of a quiz's
// submissions oldest first.
std::map<std::int64_t, const storage::submission_row*> counted_by_user(
    const protocol::quiz& q, const std::vector<storage::submission_row>& all);

}  // namespace daring::server
