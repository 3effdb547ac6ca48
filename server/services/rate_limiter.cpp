#include "server/services/rate_limiter.hpp"

namespace daring::server {

std::string rate_limiter::slot(const std::string& key, const std::string& who) {
    return key + '\n' + who;
}

std::optional<protocol::unix_seconds> rate_limiter::retry_after(const std::string& key,
                                                                const std::string& who,
                                                                protocol::unix_seconds now) {
    std::lock_guard lock(mutex_);
    auto it = events_.find(slot(key, who));
    if (it == events_.end()) return std::nullopt;
    auto& times = it->second;
    while (!times.empty() && times.front() <= now - span_) times.pop_front();
    if (static_cast<int>(times.size()) < limit_) return std::nullopt;
    return std::max<protocol::unix_seconds>(1, times.front() + span_ - now);
}

void rate_limiter::record(const std::string& key, const std::string& who,
                          protocol::unix_seconds now) {
    std::lock_guard lock(mutex_);
    if (events_.size() >= key_limit) prune(now);
    auto& times = events_[slot(key, who)];
    times.push_back(now);
    while (static_cast<int>(times.size()) > limit_) times.pop_front();
}

void rate_limiter::forget(const std::string& key, const std::string& who) {
    std::lock_guard lock(mutex_);
    events_.erase(slot(key, who));
}

// REQUIRES: mutex_ is held.
void rate_limiter::prune(protocol::unix_seconds now) {
    for (auto it = events_.begin(); it != events_.end();) {
        if (it->second.empty() || it->second.back() <= now - span_) {
            it = events_.erase(it);
        } else {
            ++it;
        }
    }
    // Still full of live keys under attack: forget everything rather than grow without bound.
    if (events_.size() >= key_limit) events_.clear();
}

}  // namespace daring::server
