#pragma once
// Sessions of a training: plan, slides, delivery (mode and status with the admin decision in
// force), start and end, what the delivery policy evaluates, and its decisions.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

// Sessions.
std::int64_t insert_session(connection& c, const protocol::session& s, protocol::unix_seconds now);
std::optional<protocol::session> find_session(connection& c, std::int64_t id);
// Without slides, each session's slides are counted (empty values), not loaded.
std::vector<protocol::session> list_sessions(connection& c, std::int64_t training_id,
                                             bool with_slides);
// Replaces the session's slides (deck pages named by deck_id and n).
void set_slides(connection& c, std::int64_t session_id, const std::vector<protocol::slide>& slides);
// Applies a plan change and clears any admin decision in force.
void update_session_plan(connection& c, std::int64_t id, const protocol::session_patch& patch);
// Sets (or with nullopt clears) the admin decision in force.
struct stored_override {
    std::optional<protocol::delivery_mode> mode;
    protocol::session_status status = protocol::session_status::scheduled;
    std::string reason;
    std::int64_t by = 0;
};
void set_override(connection& c, std::int64_t session_id, const std::optional<stored_override>& o);
// scheduled -> live, storing the attendance thresholds in force; false when the session was
// not scheduled.
bool start_session(connection& c, std::int64_t session_id, std::int64_t by,
                   protocol::unix_seconds now, int present_pct, int late_after_s);
// live -> ended; false when the session was not live.
bool end_session(connection& c, std::int64_t session_id, std::optional<std::int64_t> by,
                 protocol::unix_seconds now);
void set_session_status(connection& c, std::int64_t session_id, protocol::session_status status);
void update_delivery(connection& c, std::int64_t session_id, const protocol::delivery& d);
// Clears admin decisions on every not-yet-started session of a training (its plan changed).
void clear_overrides_for_training(connection& c, std::int64_t training_id,
                                  protocol::unix_seconds now);

// What the delivery policy needs about each session.
struct evaluation_row {
    protocol::session session;  // without slides
    protocol::delivery_mode planned_mode = protocol::delivery_mode::in_person;
    protocol::switch_policy policy = protocol::switch_policy::automatic;
    std::optional<int> room_capacity;
    std::string region_code;
    int utc_offset_minutes = protocol::default_utc_offset_minutes;
    int trainees = 0;
    int trainers = 0;
    std::optional<stored_override> override_decision;
};
struct evaluation_scope {
    std::optional<std::int64_t> session_id;
    std::optional<std::int64_t> training_id;
    std::optional<std::string> region_code;
    // Only sessions starting after this time (and not live, ended or cancelled).
    protocol::unix_seconds starting_after = 0;
};
std::vector<evaluation_row> sessions_for_evaluation(connection& c, const evaluation_scope& scope);

// Decisions, oldest first.
std::int64_t insert_decision(connection& c, const protocol::delivery_decision& d);
// Oldest first; `page.after` is a decision id.
std::vector<protocol::delivery_decision> list_decisions(connection& c, std::int64_t training_id,
                                                        const page_request& page = every_row);

}  // namespace daring::storage
