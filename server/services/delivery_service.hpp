#pragma once
// Applies the delivery policy to stored sessions: decides, records decisions, notifies the
// enrolled trainees and assigned trainers. reevaluate() runs inside a write job (on the writer
// thread, in the caller's transaction); the listener hears about changes after the commit.
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "storage/plan_repo.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

struct delivery_change {
    std::int64_t session_id = 0;
    std::int64_t training_id = 0;
    protocol::delivery before;
    protocol::delivery after;
};

// The hook for live rooms: a session's mode changed (called after COMMIT, on a worker thread).
class delivery_listener {
  public:
    virtual ~delivery_listener() = default;
    virtual void delivery_changed(const delivery_change& change) = 0;
};

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

// "2020-05-11 09:00 WIB" for a fixed UTC offset.
std::string format_local(protocol::unix_seconds t, int utc_offset_minutes);

}  // namespace daring::server
