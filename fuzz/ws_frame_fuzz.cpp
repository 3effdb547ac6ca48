// The WebSocket frame reader: arbitrary client bytes, fed in pieces whose sizes the input
// chooses, never crash, never produce an event after the reader stopped, and never keep more
// than the message limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/net/websocket_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    constexpr std::size_t limit = 4096;
    daring::server::ws_frame_reader reader(limit);
    // The first byte sets the piece size (1..256): the same events wherever the stream splits.
    const std::size_t piece = static_cast<std::size_t>(data[0]) + 1;
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    bool open = true;
    while (open && !rest.empty()) {
        const auto n = std::min(piece, rest.size());
        open = reader.feed(rest.substr(0, n), [&](daring::server::ws_event&& e) {
            if (e.type == daring::server::ws_event::kind::message && e.payload.size() > limit)
                __builtin_trap();
        });
        rest.remove_prefix(n);
    }
    return 0;
}
