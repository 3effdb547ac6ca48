#pragma once
// Funding sources (DAK and others) that trainings are paid from.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

// Funding sources. insert throws conflict_error("code") on a duplicate.
std::int64_t insert_funding_source(connection& c, const protocol::funding_source& f,
                                   protocol::unix_seconds now);
std::vector<protocol::funding_source> list_funding_sources(connection& c);
std::optional<protocol::funding_source> find_funding_source(connection& c, std::int64_t id);

}  // namespace daring::storage
