#pragma once
// The audit log of admin actions: who, what, when.
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/time_format.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

struct audit_entry {
    std::int64_t id = 0;
    std::optional<std::int64_t> actor_id;  // empty for the system
    std::string action;                    // e.g. "user.create"
    std::string target;                    // e.g. "user:12"
    std::string detail;                    // JSON object text
    protocol::unix_seconds at = 0;
    std::string actor_username, actor_name;  // read back with the entry (empty for the system)
};

void insert_audit(connection& c, const audit_entry& entry);
// The same from its parts; `detail` a JSON object.
void insert_audit(connection& c, std::optional<std::int64_t> actor_id, std::string action,
                  std::string target, const protocol::json& detail, protocol::unix_seconds at);
struct audit_filter {
    std::optional<std::int64_t> actor_id;
    std::string action;  // exact, or a prefix ending in '.' ("user.")
};
// Newest first, `page.limit + 1` at most, before `page.after` (an entry id).
std::vector<audit_entry> list_audit(connection& c, const audit_filter& filter,
                                    const page_request& page);

}  // namespace daring::storage
