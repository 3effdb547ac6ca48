#include "server/services/login_throttle.hpp"

namespace daring::server {

std::string login_throttle::key(const std::string& username, const std::string& address) {
    return username + '\n' + address;
}

std::optional<protocol::unix_seconds> login_throttle::retry_after(const std::string& username,
                                                                  const std::string& address,
                                                                  protocol::unix_seconds now) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(key(username, address));
    if (it == failures_.end()) return std::nullopt;
    auto& times = it->second;
    while (!times.empty() && times.front() <= now - span_) times.pop_front();
    if (static_cast<int>(times.size()) < limit_) return std::nullopt;
    return std::max<protocol::unix_seconds>(1, times.front() + span_ - now);
}

void login_throttle::record_failure(const std::string& username, const std::string& address,
                                    protocol::unix_seconds now) {
    std::lock_guard lock(mutex_);
    if (failures_.size() >= key_limit) prune(now);
    auto& times = failures_[key(username, address)];
    times.push_back(now);
    while (static_cast<int>(times.size()) > limit_) times.pop_front();
}

void login_throttle::record_success(const std::string& username, const std::string& address) {
    std::lock_guard lock(mutex_);
    failures_.erase(key(username, address));
}

// REQUIRES: mutex_ is held.
void login_throttle::prune(protocol::unix_seconds now) {
    for (auto it = failures_.begin(); it != failures_.end();) {
        if (it->second.empty() || it->second.back() <= now - span_) {
            it = failures_.erase(it);
        } else {
            ++it;
        }
    }
    // Still full of live keys under attack: forget everything rather than grow without bound.
    if (failures_.size() >= key_limit) failures_.clear();
}

}  // namespace daring::server
