#pragma once
// Login sessions recently read from the database, keyed by the token's hash, so that a signed-in
// request whose handler needs no query answers on the I/O thread. Entries live
// `session_cache_ttl` at most (a change made outside this process shows within it); logout,
// a password change and deactivation remove them at once. Thread-safe, never blocks on I/O.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "storage/auth_repo.hpp"

namespace daring::server {

inline constexpr protocol::unix_seconds session_cache_ttl = 30;
// Entries at most; a full cache is emptied (the next request of each reads the database once).
inline constexpr std::size_t session_cache_capacity = 50'000;

// A login session as requests share it (immutable; a touch makes a new one).
using session_ref = std::shared_ptr<const storage::auth_session>;

class session_cache {
  public:
    // The cached session of `token_hash`, if cached within the TTL as of `now`; else null.
    session_ref find(const std::string& token_hash, protocol::unix_seconds now) const;
    // A counter that every removal advances: read it before reading a session from the
    // database and pass it to put, which then refuses to cache a session that a logout (or a
    // password change) running meanwhile removed.
    std::uint64_t epoch() const;
    void put(session_ref s, protocol::unix_seconds now, std::uint64_t read_epoch);
    // Records a touch written through, so the cached copy does not ask for another.
    void touched(const std::string& token_hash, protocol::unix_seconds now);
    // A rendering of the session kept with it (the /me profile), dropped with the entry.
    std::shared_ptr<const std::string> rendering(const std::string& token_hash) const;
    void keep_rendering(const std::string& token_hash, std::shared_ptr<const std::string> text);
    void forget(const std::string& token_hash);
    void forget_user(std::int64_t user_id);
    std::size_t size() const;

  private:
    struct entry {
        session_ref session;
        protocol::unix_seconds cached_at = 0;
        std::shared_ptr<const std::string> rendering;
    };
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
    std::uint64_t epoch_ = 0;  // guarded by mutex_
};

}  // namespace daring::server
