// The audio lane's binary messages: a speaker's packet header (arbitrary bytes are refused with
// the field at fault or accepted, never a crash) and listener records, whose encoding must
// read back exactly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/audio.hpp"

namespace audio = daring::protocol::audio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (auto packet = audio::parse_speaker_packet(bytes)) {
        if (packet->duration_ms < audio::min_duration_ms ||
            packet->duration_ms > audio::max_duration_ms || packet->packet.empty() ||
            packet->packet.size() > audio::max_packet_size)
            __builtin_trap();
        std::string record;
        const auto seq = size > 8 ? static_cast<std::uint32_t>(data[5] << 8 | data[6]) : 0u;
        audio::append_record(record, size & 1, seq, static_cast<std::uint32_t>(size),
                             packet->duration_ms, packet->packet);
        auto back = audio::parse_records(record);
        if (!back || back->size() != 1 || back->front().packet != packet->packet ||
            back->front().seq != seq || back->front().duration_ms != packet->duration_ms)
            __builtin_trap();
    } else if (packet.err().code != "bad_audio" || packet.err().field.empty()) {
        __builtin_trap();
    }
    (void)audio::parse_records(bytes);
    return 0;
}
