#include "server/services/membership.hpp"

#include "protocol/csv.hpp"
#include "protocol/plan.hpp"
#include "protocol/validate.hpp"
#include "server/http/http_types.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

void require_training_exists(connection& c, std::int64_t training_id) {
    if (!storage::find_training(c, training_id))
        throw http_error(404, "not_found", "No such training");
}

reevaluation redecide(connection& c, std::int64_t training_id, unix_seconds now) {
    return reevaluate(c, {std::nullopt, training_id, std::nullopt, now}, now);
}

// Usernames to trainee ids; unknown names and non-trainees are problems on their CSV line.
void resolve_usernames(connection& c, enrollment_request& r, error& problems) {
    auto found = storage::find_users_by_name(c, r.usernames);
    for (const auto& name : r.usernames) {
        auto it = found.find(name);
        const int line = r.line_of[name];
        if (it == found.end()) {
            problems.lines.push_back({line, "username", "no user '" + name + "'"});
        } else if (it->second.second != role::trainee) {
            problems.lines.push_back({line, "username", "'" + name + "' is not a trainee"});
        } else {
            r.user_ids.push_back(it->second.first);
        }
    }
}

void check_trainee_ids(connection& c, const enrollment_request& r, error& problems) {
    auto roles = storage::find_roles(c, r.user_ids);
    for (std::size_t i = 0; i < r.user_ids.size(); ++i) {
        const auto id = std::to_string(r.user_ids[i]);
        const auto field = "user_ids[" + std::to_string(i) + "]";
        auto it = roles.find(r.user_ids[i]);
        if (it == roles.end()) {
            problems.lines.push_back({0, field, "no user " + id});
        } else if (it->second != role::trainee) {
            problems.lines.push_back({0, field, "user " + id + " is not a trainee"});
        }
    }
}

}  // namespace

enrollment_request parse_enrollment_csv(std::string_view csv) {
    enrollment_request r;
    r.by_username = true;
    r.usernames = parsed_or_422(parse_username_csv(csv));
    if (auto records = parse_csv(csv)) {
        for (const auto& rec : *records)
            if (!rec.fields.empty()) r.line_of.emplace(trim(rec.fields[0]), rec.line);
    }
    return r;
}

enrollment_request parse_enrollment_json(const json& body) {
    enrollment_request r;
    r.user_ids = parsed_or_422(parse_user_ids(body));
    return r;
}

enrollment_outcome enroll_trainees(connection& c, std::int64_t training_id,
                                   enrollment_request request, unix_seconds now) {
    require_training_exists(c, training_id);
    error problems =
        make_error("invalid_enrollment", "Some users cannot be enrolled; nobody was enrolled");
    if (request.by_username) {
        resolve_usernames(c, request, problems);
    } else {
        check_trainee_ids(c, request, problems);
    }
    if (!problems.lines.empty()) throw http_error(422, problems);
    enrollment_outcome out;
    out.requested = static_cast<int>(request.user_ids.size());
    for (auto id : request.user_ids) out.enrolled += storage::enroll(c, training_id, id, now);
    out.decisions = redecide(c, training_id, now);
    return out;
}

assignment_outcome assign_trainer(connection& c, std::int64_t training_id, std::int64_t user_id,
                                  unix_seconds now) {
    require_training_exists(c, training_id);
    auto u = storage::find_user(c, user_id);
    if (!u || u->user_role != role::trainer)
        throw http_error(422, "not_a_trainer", "user_id must be a trainer's id", "user_id");
    assignment_outcome out;
    out.added = storage::assign_trainer(c, training_id, user_id, now);
    out.decisions = redecide(c, training_id, now);
    return out;
}

reevaluation end_membership(connection& c, membership_kind kind, std::int64_t training_id,
                            std::int64_t user_id, unix_seconds now) {
    require_training_exists(c, training_id);
    if (kind == membership_kind::enrollment) {
        if (!storage::withdraw(c, training_id, user_id, now))
            throw http_error(404, "not_enrolled", "That user is not enrolled");
    } else if (!storage::unassign_trainer(c, training_id, user_id)) {
        throw http_error(404, "not_assigned", "That user is not assigned to this training");
    }
    return redecide(c, training_id, now);
}

}  // namespace daring::server
