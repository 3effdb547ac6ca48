#include "protocol/audio.hpp"

namespace daring::protocol::audio {

namespace {

std::uint16_t read16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(b[at]) << 8) |
                                      static_cast<unsigned char>(b[at + 1]));
}

std::uint32_t read32(std::string_view b, std::size_t at) {
    return (static_cast<std::uint32_t>(read16(b, at)) << 16) | read16(b, at + 2);
}

void put16(std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xff));
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v >> 16));
    put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

error bad_audio(std::string message, std::string field) {
    return make_error("bad_audio", std::move(message), std::move(field));
}

}  // namespace

result<speaker_packet> parse_speaker_packet(std::string_view message) {
    if (message.size() < speaker_header_size)
        return bad_audio("An audio message starts with a 4-byte header", "version");
    if (static_cast<unsigned char>(message[0]) != version)
        return bad_audio("Audio messages are version 1", "version");
    const auto duration = read16(message, 2);
    if (duration < min_duration_ms || duration > max_duration_ms)
        return bad_audio("duration_ms must be 10 to 120", "duration_ms");
    const auto packet = message.substr(speaker_header_size);
    if (packet.empty() || packet.size() > max_packet_size)
        return bad_audio("An Opus packet is 1 to 1275 bytes", "packet");
    return speaker_packet{duration, packet};
}

void append_record(std::string& out, std::uint8_t flags, std::uint32_t seq, std::uint32_t at_ms,
                   std::uint16_t duration_ms, std::string_view packet) {
    out.reserve(out.size() + record_header_size + packet.size());
    out.push_back(static_cast<char>(version));
    out.push_back(static_cast<char>(flags));
    put16(out, static_cast<std::uint16_t>(packet.size()));
    put32(out, seq);
    put32(out, at_ms);
    put16(out, duration_ms);
    out.append(packet);
}

void append_record(std::string& out, const record& r) {
    append_record(out, r.flags, r.seq, r.at_ms, r.duration_ms, r.packet);
}

result<std::vector<record>> parse_records(std::string_view message) {
    std::vector<record> out;
    while (!message.empty()) {
        if (message.size() < record_header_size ||
            static_cast<unsigned char>(message[0]) != version)
            return make_error("invalid_field", "A record header is cut short or not version 1");
        const std::size_t length = read16(message, 2);
        if (message.size() < record_header_size + length)
            return make_error("invalid_field", "A record's packet is cut short");
        record r;
        r.flags = static_cast<std::uint8_t>(message[1]);
        r.seq = read32(message, 4);
        r.at_ms = read32(message, 8);
        r.duration_ms = read16(message, 12);
        r.packet = std::string(message.substr(record_header_size, length));
        out.push_back(std::move(r));
        message.remove_prefix(record_header_size + length);
    }
    return out;
}

std::string speaker_message(std::uint16_t duration_ms, std::string_view packet) {
    std::string out;
    out.reserve(speaker_header_size + packet.size());
    out.push_back(static_cast<char>(version));
    out.push_back(0);
    put16(out, duration_ms);
    out.append(packet);
    return out;
}

}  // namespace daring::protocol::audio
