#pragma once
// The offline file of a recording: one HTML page a trainee saves on a phone and opens without a
// network, holding the player, the timeline, the slides and the audio (base64, about 1.33x the
// Ogg file). Its script is inline and small (under 8 kB); the page needs nothing else.
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/json_text.hpp"

namespace daring::server {

// The page around its audio: `head`, then the Ogg file in base64 (when `has_audio`), then
// `tail`, so the page can be streamed from the audio file without holding it in memory.
// `recording`: the JSON of GET /recording (events, duration_ms); `slides`: [{title, body}];
// `lang`: "id" or "en".
struct offline_parts {
    std::string head;
    std::string tail;
};
// `pages`: {small image URL: "data:image/webp;base64,..."} of the deck pages the timeline shows
// (an object; empty without a deck): the page shows them, with the strokes drawn on them.
offline_parts offline_page_parts(const std::string& title, const protocol::json& recording,
                                 const protocol::json& slides, bool has_audio,
                                 const std::string& lang,
                                 const protocol::json& pages = protocol::json::object());

// The bytes offline_page adds to the audio's base64 and the JSON, at most (the player).
inline constexpr std::size_t offline_player_budget = 60 * 1024;

}  // namespace daring::server
