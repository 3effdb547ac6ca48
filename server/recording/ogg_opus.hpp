#pragma once
// Ogg Opus files (RFC 7845) from Opus packets as the audio lane carried them: packets copied,
// never re-encoded; OpusHead and OpusTags on their own pages; several packets per page; granule
// positions counted in 48 kHz samples from each packet's own TOC. Silences (before the first
// packet, between speakers, audio off, restarts) are filled with one-byte TOC packets (a frame
// of zero bytes, which decoders play as silence or concealment), so that a packet stamped
// `at_ms` plays at `at_ms` in the file (to 2.5 ms, pre-skip aside). Built with libogg.
#include <cstdint>
#include <string>
#include <string_view>

namespace daring::server {

// 48 kHz samples in one Opus packet, from its TOC byte and frame count (RFC 6716 section
// 3.1); 0 for a malformed packet or one longer than 120 ms.
int opus_packet_samples(std::string_view packet);

// The pre-skip written in OpusHead: libopus's encoder delay at 48 kHz.
inline constexpr int opus_pre_skip = 312;

class ogg_opus_writer {
  public:
    // `serial`: the Ogg stream's serial number (the session id keeps a file's bytes stable).
    explicit ogg_opus_writer(std::uint32_t serial, std::string_view title = {});
    ~ogg_opus_writer();
    ogg_opus_writer(const ogg_opus_writer&) = delete;
    ogg_opus_writer& operator=(const ogg_opus_writer&) = delete;

    // Appends a packet meant to start `at_ms` after the stream's start: silence fills the
    // time up to it; a packet stamped before the end of what is written follows it directly.
    // Malformed packets are skipped (returns false).
    bool add(std::uint32_t at_ms, std::string_view packet);
    // Ends the stream and returns the whole file.
    std::string finish();
    // Milliseconds of audio written so far.
    std::uint64_t duration_ms() const { return samples_ / 48; }

  private:
    void put(std::string_view packet, int samples);
    void write_held(bool last);
    void drain(bool flush);

    struct state;
    state* s_;
    std::string out_;
    std::uint64_t samples_ = 0;     // 48 kHz samples written, pre-skip excluded
    std::uint64_t page_start_ = 0;  // samples_ when the last page went out
    static constexpr std::uint64_t max_page_samples = 48000;  // a second
    std::int64_t packetno_ = 0;
    std::string held_;  // the last packet, written once the next shows it is not the end
    int held_samples_ = 0;
    bool has_held_ = false;
};

}  // namespace daring::server
