#pragma once
// The offline file of a recording: one HTML page a trainee saves on a phone and opens without a
// network, holding the player, the timeline, the slides and the audio (base64, about 1.33x the
// Ogg file). Its script is inline and small (under 8 kB); the page needs nothing else.
#include <string>

#include "protocol/json_text.hpp"

namespace daring::server {

// `recording`: the JSON of GET /recording (events, duration_ms); `slides`: [{title, body}];
// `ogg`: the audio file (may be empty); `lang`: "id" or "en".
std::string offline_page(const std::string& title, const protocol::json& recording,
                         const protocol::json& slides, const std::string& ogg,
                         const std::string& lang);

// The bytes offline_page adds to the audio's base64 and the JSON, at most (the player).
inline constexpr std::size_t offline_player_budget = 60 * 1024;

}  // namespace daring::server
