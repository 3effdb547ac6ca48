#pragma once
// What nodes send each other about a live room, one frame per NATS message: a fixed header
// (kind, the owner's lease epoch, a seq, a socket, a user, a code) and two byte strings whose
// meaning depends on the kind. Little-endian, length-prefixed; decode() refuses anything
// malformed (a frame from another node is checked like any input).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daring::server {

enum class relay_kind : std::uint8_t {
    deliveries = 1,   // owner -> a node: a = a delivery_batch for that node's sockets
    from_socket = 2,  // node -> owner: a socket's text message (a)
    binary = 3,       // node -> owner: a socket's binary (audio) message (a)
    join = 4,         // node -> owner: a socket joins; a = its admission as JSON
    leave = 5,        // node -> owner: a socket left; a = when its presence ended (decimal)
    control = 6,      // any node -> owner: a = what the server changed (JSON: end, slides, ...)
    alive = 7,        // node -> owner, every 2 s: the node is there; a = its sockets (decimal)
};

struct relay_frame {
    relay_kind kind = relay_kind::deliveries;
    std::uint64_t epoch = 0;   // the owner's lease epoch (frames of an older one are dropped)
    std::uint64_t seq = 0;     // the owner's count of frames to this node (a gap: lost)
    std::uint64_t socket = 0;  // a socket's id on its node
    std::int64_t user = 0;
    std::uint32_t code = 0;
    std::string a, b;
};

// The largest frame (NATS' default maximum payload).
inline constexpr std::size_t relay_frame_limit = 1 << 20;

std::string encode(const relay_frame& f);
// The frame, or none when `bytes` is not exactly one well-formed frame within the limit.
std::optional<relay_frame> decode_relay_frame(std::string_view bytes);

}  // namespace daring::server
