#include "server/rules/replay_rules.hpp"

#include <algorithm>

namespace daring::server {

std::optional<play_range> played_range(const std::optional<replay_cursor>& previous,
                                       const replay_report& report, std::int64_t now_ms,
                                       std::int64_t duration_ms) {
    if (!previous || !previous->playing) return std::nullopt;
    const auto elapsed = std::max<std::int64_t>(0, now_ms - previous->reported_ms);
    const auto plausible =
        static_cast<std::int64_t>(static_cast<double>(elapsed) * replay_max_speed) +
        replay_slack_ms;
    play_range r{previous->position_ms, report.position_ms};
    r.to_ms = std::min(r.to_ms, r.from_ms + plausible);
    r.from_ms = std::clamp<std::int64_t>(r.from_ms, 0, duration_ms);
    r.to_ms = std::clamp<std::int64_t>(r.to_ms, 0, duration_ms);
    if (r.to_ms <= r.from_ms) return std::nullopt;
    return r;
}

std::vector<play_range> merge_ranges(std::vector<play_range> ranges) {
    std::sort(ranges.begin(), ranges.end(),
              [](const play_range& a, const play_range& b) { return a.from_ms < b.from_ms; });
    std::vector<play_range> out;
    for (const auto& r : ranges) {
        if (r.to_ms <= r.from_ms) continue;
        if (!out.empty() && r.from_ms <= out.back().to_ms) {
            out.back().to_ms = std::max(out.back().to_ms, r.to_ms);
        } else {
            out.push_back(r);
        }
    }
    return out;
}

std::int64_t covered_ms(const std::vector<play_range>& merged) {
    std::int64_t sum = 0;
    for (const auto& r : merged) sum += r.to_ms - r.from_ms;
    return sum;
}

}  // namespace daring::server
