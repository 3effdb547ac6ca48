#pragma once
// The durable side of live sessions: the timeline of broadcast events and the state a room
// rebuilt after a restart starts from (slide, highest seq).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/time_format.hpp"

namespace daring::storage {

class connection;

struct timeline_event {
    std::int64_t session_id = 0;
    std::uint64_t seq = 0;
    std::int64_t at_ms = 0;  // Unix time in milliseconds
    std::string type;
    std::optional<std::string> body;        // as trainees received it; none: staff only
    std::optional<std::string> staff_body;  // as staff received it, when different
};
// Appends events (a seq already stored is ignored).
void append_events(connection& c, const std::vector<timeline_event>& events);
// A session's events of the given types (all when empty), by seq.
std::vector<timeline_event> session_events(connection& c, std::int64_t session_id,
                                           const std::vector<std::string>& types = {});

struct live_state {
    int slide = 0;
    std::uint64_t last_seq = 0;
};
void save_live_state(connection& c, std::int64_t session_id, const live_state& s,
                     protocol::unix_seconds now);
std::optional<live_state> find_live_state(connection& c, std::int64_t session_id);

}  // namespace daring::storage
