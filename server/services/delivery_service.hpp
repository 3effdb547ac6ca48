#pragma once
// Applies the delivery policy to stored sessions: decides, records decisions, notifies the
// enrolled trainees and assigned trainers. reevaluate() runs inside a write job (on the writer
// thread, in the caller's transaction); the caller tells the live rooms after the commit.
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "server/rules/delivery_policy.hpp"
#include "storage/session_repo.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

struct evaluated_session {
    std::int64_t session_id = 0;
    std::int64_t local_day = 0;
    protocol::delivery_mode mode = protocol::delivery_mode::in_person;
    protocol::session_status status = protocol::session_status::scheduled;
};

struct reevaluation {
    std::vector<delivery_change> changes;      // mode or status changed (decision rows written)
    std::vector<evaluated_session> evaluated;  // every session looked at, after the decision
};

reevaluation reevaluate(storage::connection& c, const storage::evaluation_scope& scope,
                        protocol::unix_seconds now);

}  // namespace daring::server
