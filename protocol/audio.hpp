#pragma once
// The audio lane's binary messages (docs/protocol.md, "Audio lane"). Pure: no sockets.
//
// From the speaker, one Opus packet per message:
//   [u8 version=1][u8 flags=0][u16 duration_ms][packet]
// To listeners, one or more records back to back:
//   [u8 version=1][u8 flags][u16 packet length][u32 audio_seq][u32 ms since the session
//   started][u16 duration_ms][packet]
// All integers big-endian. Record flag bit 0: a discontinuity (new speaker, audio restarted,
// server restarted): the decoder resets there.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/error.hpp"

namespace daring::protocol::audio {

inline constexpr std::uint8_t version = 1;
inline constexpr std::size_t speaker_header_size = 4;
inline constexpr std::size_t record_header_size = 14;
inline constexpr int min_duration_ms = 10;
inline constexpr int max_duration_ms = 120;
inline constexpr std::size_t max_packet_size = 1275;  // RFC 6716, one Opus packet
inline constexpr std::uint8_t flag_discontinuity = 1;

// The settings `audio_start` announces. Daring never decodes audio; it checks what clients
// need to agree on.
inline constexpr int sample_rate = 48000;
inline constexpr int min_bitrate = 6000;  // bit/s
inline constexpr int max_bitrate = 64000;

struct speaker_packet {
    std::uint16_t duration_ms = 0;
    std::string_view packet;  // a view into the message
};

// The speaker's message, or `bad_audio` naming the field at fault: `version` (a message
// shorter than the header, or another version), `duration_ms` (outside 10..120) or `packet`
// (empty or over 1,275 bytes).
result<speaker_packet> parse_speaker_packet(std::string_view message);

struct record {
    std::uint8_t flags = 0;
    std::uint32_t seq = 0;
    std::uint32_t at_ms = 0;
    std::uint16_t duration_ms = 0;
    std::string packet;
};

// Appends one record to `out`.
void append_record(std::string& out, const record& r);
void append_record(std::string& out, std::uint8_t flags, std::uint32_t seq, std::uint32_t at_ms,
                   std::uint16_t duration_ms, std::string_view packet);
// The records of a listener's message; `invalid_field` when it is not a whole number of
// well-formed records.
result<std::vector<record>> parse_records(std::string_view message);

// The speaker's message for a packet (what a sending client writes).
std::string speaker_message(std::uint16_t duration_ms, std::string_view packet);

}  // namespace daring::protocol::audio
