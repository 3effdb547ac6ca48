#pragma once
// A live session's recording, built from what the live path stored: the timeline (every
// broadcast event, as trainees or as staff received it) and the audio (an Ogg Opus file).
// Pure: the rows in, JSON and bytes out.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "storage/live_repo.hpp"

namespace daring::server {

// The events of a recording with `at_ms` since the session started (`started_at_ms`, Unix ms),
// as a trainee (`staff` false: no staff-only events such as hands) or as staff saw them.
// Presence counts are left out; a deleted chat line keeps its place without its text, and a
// line of a user in `hidden_users` (who hid their chat in the recording) without its text and
// its author.
protocol::json recording_timeline(const std::vector<storage::timeline_event>& events,
                                  std::int64_t started_at_ms, bool staff,
                                  const std::set<std::int64_t>& hidden_users = {});

// The audio as an Ogg Opus file (see ogg_opus.hpp); empty when there is no packet.
std::string recording_audio(std::int64_t session_id, const std::string& title,
                            const std::vector<storage::audio_packet_row>& packets);

}  // namespace daring::server
