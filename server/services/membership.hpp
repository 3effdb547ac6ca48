#pragma once
// Who belongs to a training: enrolling trainees (all or none, every problem named) and assigning
// trainers, and ending either. Trainees and trainers both count towards a gathering, so every
// change re-decides the training's sessions that have not started. Each function runs inside a
// write job (the caller audits in the same job) and throws http_error for a refusal.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/time_format.hpp"
#include "server/services/delivery_service.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

// Trainees to enroll: user ids (JSON) or usernames (CSV, with the line each came from).
struct enrollment_request {
    bool by_username = false;
    std::vector<std::int64_t> user_ids;
    std::vector<std::string> usernames;
    std::map<std::string, int> line_of;  // username -> CSV line
};
// From a CSV body of usernames or a JSON {"user_ids": [...]}; 422 naming the problem.
enrollment_request parse_enrollment_csv(std::string_view csv);
enrollment_request parse_enrollment_json(const protocol::json& body);

struct enrollment_outcome {
    int requested = 0;
    int enrolled = 0;  // newly enrolled (or re-enrolled after a withdrawal)
    reevaluation decisions;
};
// All or none: 404 for a missing training, 422 `invalid_enrollment` listing every unknown user
// or non-trainee (with its CSV line).
enrollment_outcome enroll_trainees(storage::connection& c, std::int64_t training_id,
                                   enrollment_request request, protocol::unix_seconds now);

struct assignment_outcome {
    bool added = false;  // false: was assigned already
    reevaluation decisions;
};
// 404 for a missing training, 422 `not_a_trainer` (field user_id) unless the user is a trainer.
assignment_outcome assign_trainer(storage::connection& c, std::int64_t training_id,
                                  std::int64_t user_id, protocol::unix_seconds now);

enum class membership_kind { enrollment, trainer_assignment };
// Withdraws a trainee or ends a trainer's assignment: 404 `not_found` for a missing training,
// 404 `not_enrolled` / `not_assigned` when there was none.
reevaluation end_membership(storage::connection& c, membership_kind kind, std::int64_t training_id,
                            std::int64_t user_id, protocol::unix_seconds now);

}  // namespace daring::server
