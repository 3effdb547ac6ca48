#pragma once
// The durable side of live sessions: the timeline of broadcast events and the state a room
// rebuilt after a restart starts from (slide, highest seq).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/time_format.hpp"
#include "storage/session_scope.hpp"

namespace daring::storage {

class connection;

struct timeline_event {
    std::int64_t session_id = 0;
    std::uint64_t seq = 0;
    std::int64_t at_ms = 0;  // Unix time in milliseconds
    std::string type;
    std::optional<std::string> body;        // as trainees received it; none: staff only
    std::optional<std::string> staff_body;  // as staff received it, when different
};
// Appends events (a seq already stored is ignored).
void append_events(connection& c, const std::vector<timeline_event>& events);
// The trainer's pointer over a page: not a ring event (no seq), kept for the recording.
struct pointer_row {
    std::int64_t session_id = 0;
    std::int64_t at_ms = 0;  // Unix time in milliseconds
    std::string body;        // the pointer message as sent
};
void append_pointer(connection& c, const std::vector<pointer_row>& rows);
// A session's pointer moves as timeline events (type "pointer", seq 0), by time.
std::vector<timeline_event> session_pointer_events(connection& c, std::int64_t session_id);
// A session's events of the given types (all when empty), by seq.
std::vector<timeline_event> session_events(connection& c, std::int64_t session_id,
                                           const std::vector<std::string>& types = {});
// The same for every session in `scope`, by session id and seq.
std::vector<timeline_event> session_events_in(connection& c, const session_scope& scope,
                                              const std::vector<std::string>& types = {});

struct live_state {
    int slide = 0;
    std::uint64_t last_seq = 0;
    std::optional<std::string> audio;      // the audio lane's state (JSON), once audio started
    std::uint32_t audio_seq_reserved = 0;  // audio_seq values handed out stay below this
};
void save_live_state(connection& c, std::int64_t session_id, const live_state& s,
                     protocol::unix_seconds now);
std::optional<live_state> find_live_state(connection& c, std::int64_t session_id);

// One audio packet as the room stamped it for listeners (protocol/audio.hpp).
struct audio_packet_row {
    std::int64_t session_id = 0;
    std::uint32_t seq = 0;
    std::uint32_t at_ms = 0;  // since the session started
    std::uint16_t duration_ms = 0;
    std::uint8_t flags = 0;
    std::string packet;
};
// Appends packets (a seq already stored is ignored).
void append_audio(connection& c, const std::vector<audio_packet_row>& packets);
// A session's packets with seq >= from_seq, by seq, at most `limit`.
std::vector<audio_packet_row> session_audio(connection& c, std::int64_t session_id,
                                            std::uint32_t from_seq = 0,
                                            std::size_t limit = SIZE_MAX);
// Where a session's stored audio ends: the seq after the last stored packet, and that
// packet's end in ms since the start; nullopt when none is stored.
struct audio_tail {
    std::uint32_t next_seq = 0;
    std::int64_t end_ms = 0;
};
std::optional<audio_tail> find_audio_tail(connection& c, std::int64_t session_id);

// Deletes a session's recording (its timeline events and audio packets) and records who did;
// false when it was deleted before.
bool delete_recording(connection& c, std::int64_t session_id, std::optional<std::int64_t> by,
                      protocol::unix_seconds now);
bool recording_deleted(connection& c, std::int64_t session_id);
// Sessions that ended before `ended_before` and still have a recording (events or audio).
std::vector<std::int64_t> expired_recordings(connection& c, protocol::unix_seconds ended_before);

}  // namespace daring::storage
