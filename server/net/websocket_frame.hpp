#pragma once
// RFC 6455 framing for the server side of a WebSocket, without sockets: the opening handshake's
// checks and accept key, frame headers for what the server writes, and an incremental reader
// of what clients send. The live socket (websocket_session.cpp) drives these over the TCP
// stream; keeping them pure lets tests feed any byte sequence, split anywhere.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daring::server {

enum class ws_opcode : std::uint8_t {
    continuation = 0,
    text = 1,
    binary = 2,
    close = 8,
    ping = 9,
    pong = 10
};

// Close codes the transport itself uses (the application's are in live_room.hpp).
inline constexpr int ws_close_normal = 1000;
inline constexpr int ws_close_protocol_error = 1002;
inline constexpr int ws_close_invalid_payload = 1007;
inline constexpr int ws_close_too_big = 1009;

// Why an upgrade request cannot be accepted, with the HTTP status to answer: 426 when the
// client speaks another WebSocket version, 400 for anything else malformed.
struct ws_handshake_problem {
    int status;
    std::string code;
    std::string message;
};
// `version` and `key` are the Sec-WebSocket-Version and Sec-WebSocket-Key header values.
std::optional<ws_handshake_problem> check_ws_handshake(std::string_view version,
                                                       std::string_view key);
// Sec-WebSocket-Accept for a client's key: base64(SHA-1(key + RFC 6455 GUID)).
std::string ws_accept_key(std::string_view key);
// The complete 101 response for a checked handshake.
std::string ws_accept_response(std::string_view key);

// The header of an unmasked, final server frame: 2, 4 or 10 bytes.
struct ws_frame_header {
    std::array<unsigned char, 10> bytes{};
    std::size_t size = 0;
};
ws_frame_header make_ws_frame_header(ws_opcode opcode, std::uint64_t payload_size);
// A whole close frame (code and reason, the reason cut to fit a control frame).
std::string make_ws_close_frame(int code, std::string_view reason);

// What the reader found. `message` is the payload of a complete text or binary message, or
// of a ping/pong; `close_code` is the peer's close code (1005 when it sent none) or, for
// `failed`, the code to close with, and `reason` explains a failure.
struct ws_event {
    enum class kind { message, ping, pong, close, failed } type;
    ws_opcode opcode = ws_opcode::text;
    std::string payload;
    int close_code = 0;
    std::string reason;
};

// Reads client frames incrementally. Enforces what RFC 6455 asks of a server: frames must be
// masked, reserved bits clear (no extensions are negotiated), known opcodes, control frames
// final and at most 125 bytes, continuation only inside a fragmented message, minimal length
// encoding, valid UTF-8 in text messages and close reasons, valid close codes; and a message
// size limit (1009 beyond it). After a `failed` or `close` event it reads nothing more.
// Between frames it holds no heap memory: partial frames are kept only while incomplete.
// Not thread-safe: one reader per connection, used from its strand.
class ws_frame_reader {
  public:
    explicit ws_frame_reader(std::size_t message_limit) : message_limit_(message_limit) {}

    // Consumes `data` and calls `on_event(ws_event&&)` for each event found, in order.
    // Returns false once the connection must stop reading (after `close` or `failed`).
    template <class Handler>
    bool feed(std::string_view data, Handler&& on_event) {
        while (!stopped_ && !data.empty()) {
            std::optional<ws_event> event = step(data);
            if (event) on_event(std::move(*event));
        }
        return !stopped_;
    }

    // True while a frame or a fragmented message is only partly read.
    bool mid_frame() const { return header_size_ > 0 || in_payload_ || assembling_; }

  private:
    // Consumes a prefix of `data`; returns an event when one is complete.
    std::optional<ws_event> step(std::string_view& data);
    std::optional<ws_event> parse_header();
    std::optional<ws_event> finish_frame();
    ws_event fail(int code, std::string reason);

    std::size_t message_limit_;
    bool stopped_ = false;
    // The header being read (at most 14 bytes: 2 + 8 length + 4 mask).
    std::array<unsigned char, 14> header_{};
    std::size_t header_size_ = 0;
    // The frame whose payload is being read.
    bool in_payload_ = false;
    ws_opcode frame_opcode_ = ws_opcode::text;
    bool frame_final_ = false;
    std::uint64_t frame_left_ = 0;
    std::array<unsigned char, 4> mask_{};
    std::size_t mask_offset_ = 0;
    // A data message (possibly fragmented) and a control frame's payload.
    bool assembling_ = false;
    ws_opcode message_opcode_ = ws_opcode::text;
    std::string message_;
    std::string control_;
};

}  // namespace daring::server
