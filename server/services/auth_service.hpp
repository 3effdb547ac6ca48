#pragma once
// Login, logout and authentication of requests. Blocking (hashing, database): call from the
// worker pool only, except `cached`, which never blocks. Thread-safe.
#include <optional>
#include <string>
#include <variant>

#include "server/services/password_hasher.hpp"
#include "server/services/rate_limiter.hpp"
#include "server/services/session_cache.hpp"
#include "server/util/clock.hpp"
#include "storage/auth_repo.hpp"
#include "storage/database.hpp"

namespace daring::server {

inline constexpr protocol::unix_seconds session_idle_timeout = 12 * 3600;
inline constexpr protocol::unix_seconds session_absolute_timeout = 7 * 24 * 3600;
// last_seen is written at most this often per session, to keep reads cheap.
inline constexpr protocol::unix_seconds session_touch_interval = 60;
inline constexpr const char* session_cookie_name = "daring_session";

struct login_success {
    protocol::user user;
    std::string token;
    std::string csrf_token;
};
struct login_throttled {
    protocol::unix_seconds retry_after;
};
struct login_refused {};
// The password was right but the account is deactivated (checked after the password, so the
// answer tells nothing to someone who does not know it).
struct login_deactivated {};
using login_outcome =
    std::variant<login_success, login_throttled, login_refused, login_deactivated>;

class auth_service {
  public:
    auth_service(storage::database& db, const clock& clk, const password_hasher& hasher);

    login_outcome login(const std::string& username, const std::string& password,
                        const std::string& address);
    // The login session behind a raw token, or null when unknown or expired.
    session_ref authenticate(const std::string& token);
    // A login session for `user` without a password (a one-tap join link, verified by the
    // caller), written in the caller's write job.
    login_success sign_in_within(storage::connection& c, const protocol::user& user);
    // The same from the session cache alone: null when not cached (then call authenticate on
    // a worker). Never blocks; safe on an I/O thread.
    session_ref cached(const std::string& token);
    void logout(const std::string& token);
    // Ends a user's login sessions but `keep` (a token hash; empty: all), in the database and
    // the cache. Blocking (a write).
    void end_user_sessions(std::int64_t user_id, const std::string& keep = {});
    // Drops a user's cached sessions (after a password change, deactivation or an edit).
    void forget_user(std::int64_t user_id) { cache_.forget_user(user_id); }
    session_cache& cache() { return cache_; }
    // Deletes expired sessions; returns how many.
    int purge_expired();

  private:
    storage::database& db_;
    const clock& clock_;
    const password_hasher& hasher_;
    rate_limiter throttle_;
    session_cache cache_;
    // Checks the idle and absolute timeouts and writes last_seen through when due: the session
    // if still valid. Never blocks (the writes are queued).
    session_ref still_valid(session_ref session, protocol::unix_seconds now);
    std::string dummy_hash_;  // verified against for unknown users, for equal timing
};

}  // namespace daring::server
