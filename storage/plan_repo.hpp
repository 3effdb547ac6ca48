#pragma once
// The training plan in SQLite: regions, restrictions, funding sources, trainings, trainers,
// enrollments, sessions with slides and delivery, decisions, notifications.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "protocol/user.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

// Regions. insert_region throws conflict_error("code") on a duplicate.
void insert_region(connection& c, const protocol::region& r);
std::vector<protocol::region> list_regions(connection& c);
std::optional<protocol::region> find_region(connection& c, const std::string& code);

// Restrictions.
std::int64_t insert_restriction(connection& c, const protocol::restriction& r,
                                std::optional<std::int64_t> created_by, protocol::unix_seconds now);
// By start, then id; `page.after` is {starts_on, id}.
std::vector<protocol::restriction> list_restrictions(connection& c, const std::string& region_code,
                                                     const page_request& page = every_row);
std::optional<protocol::restriction> find_restriction(connection& c, std::int64_t id);
void set_restriction_end(connection& c, std::int64_t id, std::optional<std::int64_t> ends_on);

// Funding sources. insert throws conflict_error("code") on a duplicate.
std::int64_t insert_funding_source(connection& c, const protocol::funding_source& f,
                                   protocol::unix_seconds now);
std::vector<protocol::funding_source> list_funding_sources(connection& c);
std::optional<protocol::funding_source> find_funding_source(connection& c, std::int64_t id);

// Trainings and who belongs to them.
std::int64_t insert_training(connection& c, const protocol::training& t,
                             protocol::unix_seconds now);
// Writes the changeable fields of `t` (everything but region, funding source and creation time).
void update_training(connection& c, const protocol::training& t);
std::optional<protocol::training> find_training(connection& c, std::int64_t id);
// All trainings (admin), those a trainer is assigned to, or those a trainee is enrolled in.
struct training_filter {
    std::string query;        // substring of the title
    std::string region_code;  // the region or one inside it ("62" finds "62.71")
    std::optional<int> year;  // the funding source's fiscal year
    std::optional<std::int64_t> funding_source_id;
};
// What the viewer may see (admins all, trainers theirs, trainees their enrollments), by id.
std::vector<protocol::training> list_trainings(connection& c, protocol::role viewer_role,
                                               std::int64_t viewer_id,
                                               const training_filter& filter = {},
                                               const page_request& page = every_row);
bool is_trainer_of(connection& c, std::int64_t training_id, std::int64_t user_id);
bool is_enrolled_in(connection& c, std::int64_t training_id, std::int64_t user_id);
// Returns false when already assigned.
bool assign_trainer(connection& c, std::int64_t training_id, std::int64_t user_id,
                    protocol::unix_seconds now);
// Ends an assignment; false when the user was not assigned.
bool unassign_trainer(connection& c, std::int64_t training_id, std::int64_t user_id);
std::vector<protocol::user> list_trainers(connection& c, std::int64_t training_id);
// Enrolls (or re-enrolls a withdrawn trainee); returns false when already enrolled.
bool enroll(connection& c, std::int64_t training_id, std::int64_t user_id,
            protocol::unix_seconds now);
// Returns false when not enrolled.
bool withdraw(connection& c, std::int64_t training_id, std::int64_t user_id,
              protocol::unix_seconds now);
struct enrollment_row {
    protocol::user user;
    protocol::unix_seconds enrolled_at = 0;
    std::optional<protocol::unix_seconds> withdrawn_at;
};
// A training's enrollments (withdrawn ones too), by user id; `page.after` is a user id.
std::vector<enrollment_row> list_enrollments(connection& c, std::int64_t training_id,
                                             const page_request& page = every_row);
// username -> (id, role) for the names that exist.
std::map<std::string, std::pair<std::int64_t, protocol::role>> find_users_by_name(
    connection& c, const std::vector<std::string>& usernames);
std::map<std::int64_t, protocol::role> find_roles(connection& c,
                                                  const std::vector<std::int64_t>& ids);

// Sessions.
std::int64_t insert_session(connection& c, const protocol::session& s, protocol::unix_seconds now);
std::optional<protocol::session> find_session(connection& c, std::int64_t id);
// Without slides, each session's slides are counted (empty values), not loaded.
std::vector<protocol::session> list_sessions(connection& c, std::int64_t training_id,
                                             bool with_slides);
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

// `n` (its user_id ignored) to every enrolled (not withdrawn) trainee and every assigned
// trainer of its training; each also queued in the outbox (storage/outbox_repo.hpp).
int notify_training_audience(connection& c, const protocol::notification& n);
// One notification to one user (id and created_at as given are ignored / used), queued in the
// outbox as well.
std::int64_t insert_notification(connection& c, const protocol::notification& n);
// Newest first; `page.after` is a notification id.
std::vector<protocol::notification> list_notifications(connection& c, std::int64_t user_id,
                                                       const page_request& page);

}  // namespace daring::storage
