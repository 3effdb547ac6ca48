#include "server/rules/outbox_rules.hpp"

#include <algorithm>
#include <cmath>

namespace daring::server {

std::optional<protocol::unix_seconds> next_retry_delay(
    const retry_policy& p, int attempts_made, double jitter,
    std::optional<protocol::unix_seconds> retry_after) {
    if (attempts_made >= p.max_attempts) return std::nullopt;
    const int doublings = std::clamp(attempts_made - 1, 0, 30);
    const double backoff = std::min(static_cast<double>(p.cap_s),
                                    static_cast<double>(p.base_s) * std::ldexp(1.0, doublings));
    const double scaled = backoff * (0.5 + std::clamp(jitter, 0.0, 1.0) / 2);
    auto delay = std::max<protocol::unix_seconds>(1, std::llround(scaled));
    if (retry_after && *retry_after > delay) delay = std::min(*retry_after, p.max_retry_after_s);
    return delay;
}

}  // namespace daring::server
