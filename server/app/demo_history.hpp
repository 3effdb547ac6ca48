#pragma once
// The demo's past: the 2020 training as it happened, so every report, chart and certificate
// shows realistic data on the first visit. Deterministic: the same rows on every run.
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/time_format.hpp"
#include "storage/connection.hpp"

namespace daring::storage {
class database;
}

namespace daring::server {

struct demo_past {
    std::int64_t training_id = 0;
    std::int64_t trainer_id = 0;
    std::int64_t admin_id = 0;
    std::vector<std::int64_t> trainee_ids;  // in the order of the demo's trainee list
};

// Inside the seeding write job, after the training's three 2020 sessions were planned and
// decided: pre-test and post-test, each session started and ended by the trainer, check-ins
// for the session held in person, presence intervals (dropping and rejoining, late, partial,
// hidden for a while) for the online ones, marks with remarks, and the quiz submissions.
void seed_past_evidence(storage::connection& c, const demo_past& past);

// After the write job: certificates for the trainees whom the completion rule says completed,
// issued through the same path as a trainee's request, with deterministic codes.
int issue_past_certificates(storage::database& db, const demo_past& past,
                            const std::string& number_prefix);

}  // namespace daring::server
