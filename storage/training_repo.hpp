#pragma once
// Trainings and who belongs to them: assigned trainers and enrolled trainees.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/plan.hpp"
#include "protocol/user.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

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

}  // namespace daring::storage
