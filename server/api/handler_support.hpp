#pragma once
// Small pieces every handler file uses: the access rules by name, turning a parse result into
// a value or a 422, a JSON list of values, and telling the live rooms of delivery changes.
#include <utility>
#include <vector>

#include "protocol/error.hpp"
#include "protocol/json_text.hpp"
#include "server/api/context.hpp"
#include "server/services/delivery_service.hpp"

namespace daring::server {

inline const access admin_only = access::roles({protocol::role::admin});
inline const access staff_only = access::roles({protocol::role::admin, protocol::role::trainer});
inline const access trainee_only = access::roles({protocol::role::trainee});

// A JSON array of to_json(item) for every item.
template <class T>
protocol::json json_list(const std::vector<T>& items) {
    auto out = protocol::json::array();
    for (const auto& item : items) out.push_back(to_json(item));
    return out;
}

// After a commit: the live rooms (when a transport runs) hear of every delivery change.
void publish_changes(services& s, const reevaluation& ev);

// The login session's cookie (HttpOnly, SameSite=Strict; Secure under TLS).
std::string session_cookie(const std::string& token, bool secure, protocol::unix_seconds max_age);

}  // namespace daring::server
