#pragma once
// At most `limit` events per (key, who) inside a sliding window of `span` seconds: once reached,
// further attempts wait until the oldest event leaves the window. No permanent lockout; other
// keys are unaffected. Used for login failures per (username, address), wrong check-in codes
// per (session, trainee) and public certificate lookups per address. Thread-safe.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "protocol/time_format.hpp"

namespace daring::server {

class rate_limiter {
  public:
    // Login failures and wrong check-in codes: 5 per 15 minutes.
    static constexpr int max_failures = 5;
    static constexpr protocol::unix_seconds window = 15 * 60;

    explicit rate_limiter(int limit = max_failures, protocol::unix_seconds span = window)
        : limit_(limit), span_(span) {}
    // Keys remembered at most; the oldest are dropped beyond it, so memory stays bounded.
    static constexpr std::size_t key_limit = 100000;

    // Seconds to wait when the limit is reached, nullopt when an attempt may proceed.
    std::optional<protocol::unix_seconds> retry_after(const std::string& key,
                                                      const std::string& who,
                                                      protocol::unix_seconds now);
    // Counts one event (a failure, a lookup).
    void record(const std::string& key, const std::string& who, protocol::unix_seconds now);
    // Forgets the events of (key, who), e.g. after a successful login.
    void forget(const std::string& key, const std::string& who);

  private:
    static std::string slot(const std::string& key, const std::string& who);
    void prune(protocol::unix_seconds now);

    int limit_;
    protocol::unix_seconds span_;
    std::mutex mutex_;  // guards events_
    std::unordered_map<std::string, std::deque<protocol::unix_seconds>> events_;
};

}  // namespace daring::server
