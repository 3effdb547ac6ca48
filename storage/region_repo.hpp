#pragma once
// Regions (Kemendagri codes, each with its fixed UTC offset) and the gathering restrictions
// in force in them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
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

}  // namespace daring::storage
