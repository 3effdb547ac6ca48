#pragma once
// In-room check-in codes: six digits from HMAC-SHA256(secret, session id and 30-second step),
// valid for the current and the previous step, so a code read off the projector just before it
// turns still works.
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/time_format.hpp"

namespace daring::server {

inline constexpr protocol::unix_seconds checkin_step = 30;
inline constexpr std::size_t checkin_code_length = 6;

std::string checkin_code(std::string_view secret, std::int64_t session_id, std::int64_t step);

struct current_checkin_code {
    std::string code;
    protocol::unix_seconds expires_at = 0;  // the end of its step (still accepted one step more)
};
current_checkin_code checkin_code_at(std::string_view secret, std::int64_t session_id,
                                     protocol::unix_seconds now);
bool checkin_code_valid(std::string_view secret, std::int64_t session_id, std::string_view code,
                        protocol::unix_seconds now);

}  // namespace daring::server
