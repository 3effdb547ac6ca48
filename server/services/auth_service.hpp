#pragma once
// Login, logout and authentication of requests. Blocking (hashing, database): call from the
// worker pool only. Thread-safe.
#include <optional>
#include <string>
#include <variant>

#include "server/services/clock.hpp"
#include "server/services/password_hasher.hpp"
#include "server/services/rate_limiter.hpp"
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
using login_outcome = std::variant<login_success, login_throttled, login_refused>;

class auth_service {
  public:
    auth_service(storage::database& db, const clock& clk, const password_hasher& hasher);

    login_outcome login(const std::string& username, const std::string& password,
                        const std::string& address);
    // The live session behind a raw token, or nullopt when unknown or expired.
    std::optional<storage::auth_session> authenticate(const std::string& token);
    void logout(const std::string& token);
    // Deletes expired sessions; returns how many.
    int purge_expired();

  private:
    storage::database& db_;
    const clock& clock_;
    const password_hasher& hasher_;
    rate_limiter throttle_;
    std::string dummy_hash_;  // verified against for unknown users, for equal timing
};

}  // namespace daring::server
