#include "server/net/websocket_frame.hpp"

#include <algorithm>

#include "protocol/validate.hpp"
#include "server/util/tokens.hpp"

namespace daring::server {

namespace {

constexpr std::string_view ws_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t control_payload_limit = 125;

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool valid_close_code(int code) {
    // RFC 6455 7.4 and the IANA registry: 1004-1006 and 1015 must never be sent on the wire.
    if (code >= 1000 && code <= 1003) return true;
    if (code >= 1007 && code <= 1014) return true;
    return code >= 3000 && code <= 4999;
}

}  // namespace

std::optional<ws_handshake_problem> check_ws_handshake(std::string_view version,
                                                       std::string_view key) {
    if (trim_spaces(version) != "13") {
        return ws_handshake_problem{
            426, "unsupported_websocket_version",
            "Only WebSocket version 13 is supported (Sec-WebSocket-Version: 13)"};
    }
    key = trim_spaces(key);
    // A base64-encoded 16-byte nonce: 22 significant characters and "==".
    const bool well_formed = key.size() == 24 && key.substr(22) == "==" &&
                             std::all_of(key.begin(), key.begin() + 22, is_base64_char);
    if (!well_formed) {
        return ws_handshake_problem{400, "bad_request",
                                    "Sec-WebSocket-Key must be a base64-encoded 16-byte value"};
    }
    return std::nullopt;
}

std::string ws_accept_key(std::string_view key) {
    std::string input(trim_spaces(key));
    input += ws_guid;
    return sha1_base64(input);
}

std::string ws_accept_response(std::string_view key) {
    return "HTTP/1.1 101 Switching Protocols\r\nServer: daring\r\nUpgrade: "
           "websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           ws_accept_key(key) + "\r\n\r\n";
}

ws_frame_header make_ws_frame_header(ws_opcode opcode, std::uint64_t payload_size) {
    ws_frame_header h;
    h.bytes[0] = static_cast<unsigned char>(0x80 | static_cast<unsigned>(opcode));
    if (payload_size < 126) {
        h.bytes[1] = static_cast<unsigned char>(payload_size);
        h.size = 2;
    } else if (payload_size <= 0xFFFF) {
        h.bytes[1] = 126;
        h.bytes[2] = static_cast<unsigned char>(payload_size >> 8);
        h.bytes[3] = static_cast<unsigned char>(payload_size);
        h.size = 4;
    } else {
        h.bytes[1] = 127;
        for (int i = 0; i < 8; ++i)
            h.bytes[2 + i] = static_cast<unsigned char>(payload_size >> (56 - 8 * i));
        h.size = 10;
    }
    return h;
}

std::string make_ws_close_frame(int code, std::string_view reason) {
    // Cut the reason to fit a control frame, on a UTF-8 character boundary.
    std::size_t cut = std::min(reason.size(), control_payload_limit - 2);
    while (cut > 0 && cut < reason.size() &&
           (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80)
        --cut;
    reason = reason.substr(0, cut);
    const auto header = make_ws_frame_header(ws_opcode::close, 2 + reason.size());
    std::string frame(reinterpret_cast<const char*>(header.bytes.data()), header.size);
    frame.push_back(static_cast<char>((code >> 8) & 0xFF));
    frame.push_back(static_cast<char>(code & 0xFF));
    frame.append(reason);
    return frame;
}

ws_event ws_frame_reader::fail(int code, std::string reason) {
    stopped_ = true;
    std::string().swap(message_);
    std::string().swap(control_);
    ws_event e{ws_event::kind::failed};
    e.close_code = code;
    e.reason = std::move(reason);
    return e;
}

std::optional<ws_event> ws_frame_reader::step(std::string_view& data) {
    if (!in_payload_) {
        std::size_t needed = 2;
        if (header_size_ >= 2) {
            const unsigned len7 = header_[1] & 0x7F;
            needed += (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header_[1] & 0x80) ? 4 : 0);
        }
        const std::size_t take = std::min(needed - header_size_, data.size());
        std::copy_n(data.begin(), take,
                    header_.begin() + static_cast<std::ptrdiff_t>(header_size_));
        header_size_ += take;
        data.remove_prefix(take);
        if (header_size_ < needed) return std::nullopt;
        if (needed == 2 && header_size_ == 2) {
            // The second byte may announce an extended length or a mask: read on.
            const unsigned len7 = header_[1] & 0x7F;
            if (len7 >= 126 || (header_[1] & 0x80)) return std::nullopt;
        }
        return parse_header();
    }
    std::string& target = frame_opcode_ >= ws_opcode::close ? control_ : message_;
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, data.size()));
    const std::size_t start = target.size();
    target.append(data.data(), take);
    for (std::size_t i = start; i < target.size(); ++i) {
        target[i] = static_cast<char>(static_cast<unsigned char>(target[i]) ^ mask_[mask_offset_]);
        mask_offset_ = (mask_offset_ + 1) & 3;
    }
    data.remove_prefix(take);
    frame_left_ -= take;
    if (frame_left_ > 0) return std::nullopt;
    return finish_frame();
}

std::optional<ws_event> ws_frame_reader::parse_header() {
    const unsigned b0 = header_[0], b1 = header_[1];
    header_size_ = 0;
    if (b0 & 0x70) return fail(ws_close_protocol_error, "reserved bits set without an extension");
    const unsigned op = b0 & 0x0F;
    if (op > 2 && (op < 8 || op > 10)) return fail(ws_close_protocol_error, "unknown opcode");
    if (!(b1 & 0x80)) return fail(ws_close_protocol_error, "client frames must be masked");
    const auto opcode = static_cast<ws_opcode>(op);
    const bool final = (b0 & 0x80) != 0;
    std::uint64_t length = b1 & 0x7F;
    std::size_t at = 2;
    if (length == 126) {
        length = (std::uint64_t{header_[2]} << 8) | header_[3];
        at = 4;
        if (length < 126)
            return fail(ws_close_protocol_error, "frame length not minimally encoded");
    } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | header_[2 + i];
        at = 10;
        if (length >> 63) return fail(ws_close_protocol_error, "frame length out of range");
        if (length <= 0xFFFF)
            return fail(ws_close_protocol_error, "frame length not minimally encoded");
    }
    std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(at), 4, mask_.begin());
    mask_offset_ = 0;

    if (opcode >= ws_opcode::close) {
        if (!final) return fail(ws_close_protocol_error, "fragmented control frame");
        if (length > control_payload_limit)
            return fail(ws_close_protocol_error, "control frame over 125 bytes");
    } else if (opcode == ws_opcode::continuation) {
        if (!assembling_)
            return fail(ws_close_protocol_error, "continuation frame without a message");
    } else {
        if (assembling_)
            return fail(ws_close_protocol_error, "new message inside a fragmented message");
        assembling_ = true;
        message_opcode_ = opcode;
    }
    if (opcode < ws_opcode::close) {
        if (length > message_limit_ - message_.size()) {
            return fail(ws_close_too_big,
                        "message over " + std::to_string(message_limit_) + " bytes");
        }
        // Reserve no more than a read's worth: a claimed length costs memory only as its bytes
        // actually arrive (a client announcing 256 KiB and sending nothing holds nothing).
        message_.reserve(message_.size() +
                         std::min<std::size_t>(static_cast<std::size_t>(length), 16 * 1024));
    }
    frame_opcode_ = opcode;
    frame_final_ = final;
    frame_left_ = length;
    in_payload_ = true;
    if (length == 0) return finish_frame();
    return std::nullopt;
}

std::optional<ws_event> ws_frame_reader::finish_frame() {
    in_payload_ = false;
    switch (frame_opcode_) {
        case ws_opcode::ping:
        case ws_opcode::pong: {
            ws_event e{frame_opcode_ == ws_opcode::ping ? ws_event::kind::ping
                                                        : ws_event::kind::pong};
            e.opcode = frame_opcode_;
            e.payload = std::move(control_);
            control_ = std::string();
            return e;
        }
        case ws_opcode::close: {
            ws_event e{ws_event::kind::close};
            e.opcode = ws_opcode::close;
            if (control_.empty()) {
                e.close_code = 1005;
            } else if (control_.size() == 1) {
                return fail(ws_close_protocol_error, "close frame with a one-byte payload");
            } else {
                e.close_code = (static_cast<unsigned char>(control_[0]) << 8) |
                               static_cast<unsigned char>(control_[1]);
                if (!valid_close_code(e.close_code))
                    return fail(ws_close_protocol_error, "invalid close code");
                e.reason = control_.substr(2);
                if (!protocol::utf8_length(e.reason))
                    return fail(ws_close_invalid_payload, "close reason is not UTF-8");
            }
            stopped_ = true;
            std::string().swap(control_);
            std::string().swap(message_);
            return e;
        }
        default:
            break;
    }
    if (!frame_final_) return std::nullopt;
    assembling_ = false;
    if (message_opcode_ == ws_opcode::text && !protocol::utf8_length(message_)) {
        return fail(ws_close_invalid_payload, "text message is not valid UTF-8");
    }
    ws_event e{ws_event::kind::message};
    e.opcode = message_opcode_;
    e.payload = std::move(message_);
    message_ = std::string();
    return e;
}

}  // namespace daring::server
