#pragma once
// A speaker's and a listener's side of the audio lane, for integration tests: numbered stand-in
// packets (the server never decodes them), and reading records until enough arrived.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/audio.hpp"
#include "tests/support/ws_client.hpp"

namespace daring::test {

namespace audio = daring::protocol::audio;

inline constexpr std::uint8_t binary_opcode = 0x2;
inline constexpr auto audio_frame = std::chrono::milliseconds(40);

inline nlohmann::json audio_start(int bitrate = 16000) {
    return {{"type", "audio_start"}, {"codec", "opus"}, {"sample_rate", 48000},
            {"channels", 1},         {"frame_ms", 40},  {"bitrate", bitrate}};
}

// An 80-byte stand-in for an Opus packet (the server never decodes), numbered.
inline std::string fake_packet(int i, std::size_t size = 80) {
    std::string p = "pkt" + std::to_string(i) + ":";
    p.resize(size, 'o');
    return p;
}

inline void send_packet(ws_client& c, int i, std::size_t size = 80) {
    c.send_frame(binary_opcode, audio::speaker_message(40, fake_packet(i, size)));
}

inline std::vector<audio::record> records_of(const ws_client& c) {
    std::vector<audio::record> out;
    for (const auto& message : c.binaries) {
        auto parsed = audio::parse_records(message);
        EXPECT_TRUE(parsed) << "a binary message that is not whole records";
        if (parsed) out.insert(out.end(), parsed->begin(), parsed->end());
    }
    return out;
}

// Reads until `count` records arrived (or the timeout); returns them. Counts as it goes (each
// message parsed once), so that a slow build (sanitizers) still reads as fast as it receives.
inline std::vector<audio::record> read_records(ws_client& c, std::size_t count,
                                               std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t records = 0, parsed = 0;
    while (records < count && std::chrono::steady_clock::now() < deadline) {
        if (!c.wait_binaries(c.binaries.size() + 1, std::chrono::milliseconds(500)) && !c.open())
            break;
        for (; parsed < c.binaries.size(); ++parsed) {
            auto r = audio::parse_records(c.binaries[parsed]);
            records += r ? r->size() : 0;
        }
    }
    return records_of(c);
}

}  // namespace daring::test
