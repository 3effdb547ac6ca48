#pragma once
// Several nodes: which node owns each live room. The owner renews its lease every second; a
// lease past its expiry may be taken by another node, which raises the lease's epoch. The epoch
// fences a node that lost its room: what it publishes carries an older epoch than the new
// owner's, so relays drop it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"

namespace daring::storage {

struct room_lease {
    std::string node_id;
    std::int64_t epoch = 0;
    std::int64_t expires_ms = 0;  // Unix time in milliseconds
};

// Takes the room for `node_id` until `now_ms + ttl_ms` when it has no owner, its lease expired
// (expires_ms <= now_ms) or `node_id` holds it already. The epoch stays only when `node_id`
// renews its live lease; otherwise it rises (an epoch is never repeated). Returns the lease as
// it stands afterwards: `node_id`'s when taken, the other owner's when not.
room_lease claim_lease(connection& c, std::int64_t session_id, const std::string& node_id,
                       std::int64_t now_ms, std::int64_t ttl_ms);
// Renews every lease `node_id` still holds until `until_ms`, in one statement; returns their
// sessions (a room missing from them was taken over by another node).
std::vector<std::int64_t> renew_leases(connection& c, const std::string& node_id,
                                       std::int64_t until_ms);
// Gives the room up (the session ended, or the node shuts down): the lease expires now and
// keeps its epoch; a lease of another node stays.
void release_lease(connection& c, std::int64_t session_id, const std::string& node_id);
std::optional<room_lease> lease_of(connection& c, std::int64_t session_id);

// Reserves `count` ids of the sequence `name` above `at_least` (the highest id already used):
// returns the first; this node alone assigns [first, first + count). Inside a write job.
std::int64_t reserve_ids(connection& c, const std::string& name, std::int64_t count,
                         std::int64_t at_least);

}  // namespace daring::storage
