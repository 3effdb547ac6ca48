#include "server/services/training_access.hpp"

#include "server/http/http_types.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using protocol::role;

training_role role_in_training(storage::connection& c, std::int64_t training_id,
                               const protocol::user& u) {
    switch (u.user_role) {
        case role::admin:
            return training_role::staff;
        case role::trainer:
            return storage::is_trainer_of(c, training_id, u.id) ? training_role::staff
                                                                : training_role::none;
        case role::trainee:
            return storage::is_enrolled_in(c, training_id, u.id) ? training_role::trainee
                                                                 : training_role::none;
    }
    return training_role::none;
}

namespace {

training_role checked_role(storage::connection& c, std::int64_t training_id,
                           const protocol::user& u, const access_need& need,
                           const char* not_found) {
    const auto have = role_in_training(c, training_id, u);
    if (have == training_role::none) throw http_error(404, "not_found", not_found);
    if (have == training_role::trainee && need.role == training_role::staff) {
        if (need.denied == when_denied::hide) throw http_error(404, "not_found", not_found);
        throw http_error(403, "forbidden", std::string(need.message));
    }
    return have;
}

}  // namespace

training_role require_role(storage::connection& c, std::int64_t training_id,
                           const protocol::user& u, const access_need& need) {
    if (!storage::find_training(c, training_id))
        throw http_error(404, "not_found", "No such training");
    return checked_role(c, training_id, u, need, "No such training");
}

protocol::training require_training(storage::connection& c, std::int64_t training_id,
                                    const protocol::user& u, const access_need& need) {
    auto t = storage::find_training(c, training_id);
    if (!t) throw http_error(404, "not_found", "No such training");
    checked_role(c, training_id, u, need, "No such training");
    return *t;
}

protocol::session require_session(storage::connection& c, std::int64_t session_id,
                                  const protocol::user& u, const access_need& need) {
    auto s = storage::find_session(c, session_id);
    if (!s) throw http_error(404, "not_found", "No such session");
    checked_role(c, s->training_id, u, need, "No such session");
    return *s;
}

}  // namespace daring::server
