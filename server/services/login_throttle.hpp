#pragma once
// Login failure throttling per (username, address): after `max_failures` inside `window`,
// further attempts are refused until the oldest failure leaves the window. No permanent lockout;
// other usernames and addresses are unaffected. Thread-safe.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "protocol/time_format.hpp"

namespace daring::server {

class login_throttle {
  public:
    static constexpr int max_failures = 5;
    static constexpr protocol::unix_seconds window = 15 * 60;

    // Other limits for other uses (e.g. public lookups): `limit` events per `span` seconds.
    explicit login_throttle(int limit = max_failures, protocol::unix_seconds span = window)
        : limit_(limit), span_(span) {}
    // Keys remembered at most; the oldest are dropped beyond it, so memory stays bounded.
    static constexpr std::size_t key_limit = 100000;

    // Seconds to wait when throttled, nullopt when an attempt may proceed.
    std::optional<protocol::unix_seconds> retry_after(const std::string& username,
                                                      const std::string& address,
                                                      protocol::unix_seconds now);
    void record_failure(const std::string& username, const std::string& address,
                        protocol::unix_seconds now);
    void record_success(const std::string& username, const std::string& address);

  private:
    static std::string key(const std::string& username, const std::string& address);
    void prune(protocol::unix_seconds now);

    int limit_;
    protocol::unix_seconds span_;
    std::mutex mutex_;  // guards failures_
    std::unordered_map<std::string, std::deque<protocol::unix_seconds>> failures_;
};

}  // namespace daring::server
