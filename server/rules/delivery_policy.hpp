#pragma once
// The delivery-mode rule: given a session's plan, who is expected, the gathering restriction in
// force on the session's local date and any admin decision, how is the session delivered and why.
// Pure: no I/O, no clock (the caller passes `now`).
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "server/rules/local_time.hpp"

namespace daring::server {

// A session whose mode or status the policy changed (the live rooms hear of it after COMMIT).
struct delivery_change {
    std::int64_t session_id = 0;
    std::int64_t training_id = 0;
    protocol::delivery before;
    protocol::delivery after;
};

struct restriction_in_force {
    std::int64_t id = 0;
    int max_gathering = 0;
    std::string label;
    std::string reference;
};

struct delivery_override {
    std::optional<protocol::delivery_mode> mode;  // none for postpone/cancel
    protocol::session_status status = protocol::session_status::scheduled;
    std::string reason;
};

struct policy_input {
    protocol::session_status current_status = protocol::session_status::scheduled;
    protocol::unix_seconds starts_at = 0;
    protocol::unix_seconds now = 0;
    protocol::delivery_mode planned_mode = protocol::delivery_mode::in_person;
    protocol::switch_policy policy = protocol::switch_policy::automatic;
    int trainees = 0;                  // enrolled, not withdrawn
    int trainers = 0;                  // assigned
    std::optional<int> room_capacity;  // venue seats, trainers included (hybrid)
    std::optional<restriction_in_force> restriction;
    std::optional<delivery_override> override_decision;
};

struct policy_outcome {
    bool frozen = false;  // live, ended, cancelled or already started: leave it as it is
    protocol::delivery_mode mode = protocol::delivery_mode::in_person;
    protocol::session_status status = protocol::session_status::scheduled;
    std::optional<protocol::delivery_mode> recommended_mode;
    std::optional<std::int64_t> restriction_id;
    bool by_override = false;
    std::string reason;     // English
    std::string reason_id;  // Bahasa Indonesia
};

policy_outcome decide_delivery(const policy_input& in);

// The strictest restriction in force on the local calendar date of `starts_at` in a region with
// the given fixed UTC offset (Indonesia has no daylight saving).
std::optional<restriction_in_force> restriction_on(const std::vector<protocol::restriction>& list,
                                                   protocol::unix_seconds starts_at,
                                                   int utc_offset_minutes);

}  // namespace daring::server
