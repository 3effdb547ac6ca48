#pragma once
// Replay progress values shared by the rules that merge them and the storage that keeps them.
#include <cstdint>

namespace daring::protocol {

// Positions in milliseconds of a recording; `to` exclusive.
struct play_range {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
};

// The last progress report of one user on one recording.
struct replay_cursor {
    std::int64_t position_ms = 0;
    bool playing = false;
    std::int64_t reported_ms = 0;  // server time of the report, Unix milliseconds
};

}  // namespace daring::protocol
