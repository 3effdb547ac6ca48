#pragma once
// Who the caller is to a training: the one membership rule behind every route, report and live
// admission. Admins are staff of every training, trainers of the trainings they are assigned to;
// trainees are members of the trainings they are enrolled in (and not withdrawn from). Anyone
// else has no role, and is told 404 so that ids leak nothing.
// Every function runs inside a read or write job and throws http_error for a refusal.
#include <cstdint>
#include <string_view>

#include "protocol/plan.hpp"
#include "protocol/user.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

enum class training_role { none, trainee, staff };

training_role role_in_training(storage::connection& c, std::int64_t training_id,
                               const protocol::user& u);

// What a caller with a role, but not the one needed, is told.
enum class when_denied {
    forbid,  // 403 `forbidden` (they can see the training, so its existence is no secret)
    hide,    // 404, as for outsiders
};

struct access_need {
    training_role role = training_role::trainee;  // trainee: any role will do
    when_denied denied = when_denied::forbid;
    std::string_view message = "Only the training's trainers or an admin can do this";
};
inline constexpr access_need any_member{};
inline constexpr access_need staff_or_403{training_role::staff, when_denied::forbid};
inline constexpr access_need staff_or_404{training_role::staff, when_denied::hide};

// The caller's role in the training, throwing 404 "No such training" for a missing training
// or an outsider, and 403 or 404 (as `need` says) for a role below `need.role`.
training_role require_role(storage::connection& c, std::int64_t training_id,
                           const protocol::user& u, const access_need& need = any_member);

// The training or session if the caller may see it as `need` says; refusals as above, with
// "No such session" for sessions.
protocol::training require_training(storage::connection& c, std::int64_t training_id,
                                    const protocol::user& u, const access_need& need = any_member);
protocol::session require_session(storage::connection& c, std::int64_t session_id,
                                  const protocol::user& u, const access_need& need = any_member);

}  // namespace daring::server
