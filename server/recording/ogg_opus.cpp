#include "server/recording/ogg_opus.hpp"

#include <ogg/ogg.h>

#include <array>
#include <cstring>

namespace daring::server {

int opus_packet_samples(std::string_view packet) {
    if (packet.empty()) return 0;
    const auto toc = static_cast<unsigned char>(packet[0]);
    const int config = toc >> 3;
    // Frame sizes at 48 kHz: SILK-only (0-11) 10/20/40/60 ms, hybrid (12-15) 10/20 ms,
    // CELT-only (16-31) 2.5/5/10/20 ms.
    int frame = 0;
    if (config < 12) {
        static constexpr std::array<int, 4> silk{480, 960, 1920, 2880};
        frame = silk[config & 3];
    } else if (config < 16) {
        frame = (config & 1) ? 960 : 480;
    } else {
        frame = 120 << (config & 3);
    }
    int frames = 1;
    switch (toc & 3) {
        case 0:
            frames = 1;
            break;
        case 1:
        case 2:
            frames = 2;
            break;
        default:
            if (packet.size() < 2) return 0;
            frames = static_cast<unsigned char>(packet[1]) & 0x3f;
            if (frames == 0) return 0;
    }
    const int samples = frame * frames;
    return samples > 5760 ? 0 : samples;  // at most 120 ms
}

struct ogg_opus_writer::state {
    ogg_stream_state stream;
};

namespace {

void put16(std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>(v >> 8));
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v & 0xffff));
    put16(out, static_cast<std::uint16_t>(v >> 16));
}

std::string opus_head() {
    std::string h = "OpusHead";
    h.push_back(1);  // version
    h.push_back(1);  // channels
    put16(h, opus_pre_skip);
    put32(h, 48000);  // the input sample rate (informative)
    put16(h, 0);      // output gain
    h.push_back(0);   // channel mapping family 0: mono or stereo
    return h;
}

std::string opus_tags(std::string_view title) {
    std::string t = "OpusTags";
    const std::string vendor = "daring";
    put32(t, static_cast<std::uint32_t>(vendor.size()));
    t += vendor;
    if (title.empty()) {
        put32(t, 0);
        return t;
    }
    const std::string comment = "TITLE=" + std::string(title);
    put32(t, 1);
    put32(t, static_cast<std::uint32_t>(comment.size()));
    t += comment;
    return t;
}

// One-byte silence: CELT-only fullband TOCs of 20, 10, 5 and 2.5 ms (configs 31 to 28).
constexpr std::array<std::pair<unsigned char, int>, 4> silence{
    {{31 << 3, 960}, {30 << 3, 480}, {29 << 3, 240}, {28 << 3, 120}}};

}  // namespace

ogg_opus_writer::ogg_opus_writer(std::uint32_t serial, std::string_view title) : s_(new state) {
    ogg_stream_init(&s_->stream, static_cast<int>(serial & 0x7fffffff));
    const auto head = opus_head();
    ogg_packet p{};
    p.packet = reinterpret_cast<unsigned char*>(const_cast<char*>(head.data()));
    p.bytes = static_cast<long>(head.size());
    p.b_o_s = 1;
    p.packetno = packetno_++;
    ogg_stream_packetin(&s_->stream, &p);
    drain(true);  // OpusHead alone on the first page
    const auto tags = opus_tags(title);
    p = {};
    p.packet = reinterpret_cast<unsigned char*>(const_cast<char*>(tags.data()));
    p.bytes = static_cast<long>(tags.size());
    p.packetno = packetno_++;
    ogg_stream_packetin(&s_->stream, &p);
    drain(true);  // OpusTags ends its page
}

ogg_opus_writer::~ogg_opus_writer() {
    ogg_stream_clear(&s_->stream);
    delete s_;
}

void ogg_opus_writer::drain(bool flush) {
    ogg_page page;
    while (flush ? ogg_stream_flush(&s_->stream, &page) : ogg_stream_pageout(&s_->stream, &page)) {
        out_.append(reinterpret_cast<const char*>(page.header),
                    static_cast<std::size_t>(page.header_len));
        out_.append(reinterpret_cast<const char*>(page.body),
                    static_cast<std::size_t>(page.body_len));
        page_start_ = samples_;
    }
}

void ogg_opus_writer::write_held(bool last) {
    samples_ += static_cast<std::uint64_t>(held_samples_);
    ogg_packet p{};
    p.packet = reinterpret_cast<unsigned char*>(held_.data());
    p.bytes = static_cast<long>(held_.size());
    p.granulepos = static_cast<ogg_int64_t>(samples_ + opus_pre_skip);
    p.e_o_s = last ? 1 : 0;
    p.packetno = packetno_++;
    ogg_stream_packetin(&s_->stream, &p);
    has_held_ = false;
}

void ogg_opus_writer::put(std::string_view packet, int samples) {
    // Hold one packet back: the last one must carry end-of-stream.
    if (has_held_) {
        write_held(false);
        // A page spans at most a second (a long silence is many tiny packets, which would
        // otherwise fill one page with 255 of them: players call that a high muxing delay).
        drain(samples_ - page_start_ >= max_page_samples);
    }
    has_held_ = !packet.empty();
    held_ = std::string(packet);
    held_samples_ = samples;
}

bool ogg_opus_writer::add(std::uint32_t at_ms, std::string_view packet) {
    const int samples = opus_packet_samples(packet);
    if (samples == 0) return false;
    const std::uint64_t start = static_cast<std::uint64_t>(at_ms) * 48;
    std::uint64_t written = samples_ + (has_held_ ? held_samples_ : 0);
    for (const auto& [toc, length] : silence) {
        while (written + static_cast<std::uint64_t>(length) <= start) {
            const char one = static_cast<char>(toc);
            put(std::string_view(&one, 1), length);
            written += static_cast<std::uint64_t>(length);
        }
    }
    put(packet, samples);
    return true;
}

std::string ogg_opus_writer::finish() {
    if (has_held_) write_held(true);  // the last packet, with end-of-stream
    drain(true);
    return std::move(out_);
}

}  // namespace daring::server
