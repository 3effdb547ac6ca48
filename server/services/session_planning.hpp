#pragma once
// Planning sessions: adding one to a training, changing its times or slides, and an admin's
// delivery decision (a mode, postponed, cancelled, or back to the policy). Every change
// re-decides the session's delivery in the same write job. Each function runs inside a write
// job (the caller audits in the same job) and throws http_error for a refusal.
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "server/services/delivery_service.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

struct planned_session {
    std::int64_t id = 0;
    reevaluation decisions;
};
// Stores `s` in its training (404 when missing) in the training's planned mode, then decides.
planned_session add_session(storage::connection& c, protocol::session s,
                            protocol::unix_seconds now);

// 404 when missing; 409 `session_frozen` once live, ended or cancelled. 422 (field ends_at) when
// the new times end before they start or last longer than a session may.
reevaluation change_session(storage::connection& c, std::int64_t session_id,
                            const protocol::session_patch& patch, protocol::unix_seconds now);

// A content change (title, slides) by an assigned trainer or an admin: allowed until the
// session ended or was cancelled (409 `session_frozen`), live sessions included.
void change_session_content(storage::connection& c, std::int64_t session_id,
                            const protocol::session_patch& patch);
// Deck pages named {page:{deck_id, n}} filled in from the session's ready decks (title and body
// default to the page's); 422 on slides[i].page when the session has no such page.
std::vector<protocol::slide> resolve_slides(storage::connection& c, std::int64_t session_id,
                                            std::vector<protocol::slide> slides);

// 404 when missing; 409 `session_frozen` once started, live, ended or cancelled.
reevaluation decide_by_hand(storage::connection& c, std::int64_t session_id,
                            const protocol::delivery_request& request, std::int64_t admin_id,
                            protocol::unix_seconds now);
// How a request reads in the audit log: the mode, "postpone", "cancel" or "clear".
std::string action_name(const protocol::delivery_request& request);

}  // namespace daring::server
