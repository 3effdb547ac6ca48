#pragma once
// Replay progress, pure: the replay page reports its position every ~20 s and at every pause
// and seek; what was actually played is the union of the position ranges covered while
// playing, each advance bounded by the time that passed at the fastest playback speed.
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/replay.hpp"

namespace daring::server {

using protocol::play_range;
using protocol::replay_cursor;

struct replay_report {
    std::int64_t position_ms = 0;
    bool playing = false;
};

// The replay page's fastest speed, and the allowance for reports arriving unevenly.
inline constexpr double replay_max_speed = 2.0;
inline constexpr std::int64_t replay_slack_ms = 2000;

// The range played between `previous` (if it was playing) and `report`, clipped to
// [0, duration_ms) and to what could be played at `replay_max_speed` in the time between them;
// none when nothing was played (paused, a backward seek, no previous report).
std::optional<play_range> played_range(const std::optional<replay_cursor>& previous,
                                       const replay_report& report, std::int64_t now_ms,
                                       std::int64_t duration_ms);

// Sorted, with overlapping and touching ranges joined; empty ranges dropped.
std::vector<play_range> merge_ranges(std::vector<play_range> ranges);
std::int64_t covered_ms(const std::vector<play_range>& merged);

}  // namespace daring::server
