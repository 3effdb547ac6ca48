#include "server/recording/ogg_opus.hpp"

#include <gtest/gtest.h>
#include <ogg/ogg.h>

#include <vector>

using namespace daring::server;

namespace {

struct page_info {
    bool bos = false, eos = false;
    std::int64_t granule = 0;
    int packets = 0;
    std::vector<std::string> bodies;  // the packets completed on the page
};

// Reads a file back with libogg: every page and its packets.
std::vector<page_info> read_pages(const std::string& file) {
    ogg_sync_state sync;
    ogg_sync_init(&sync);
    char* buffer = ogg_sync_buffer(&sync, static_cast<long>(file.size()));
    std::copy(file.begin(), file.end(), buffer);
    ogg_sync_wrote(&sync, static_cast<long>(file.size()));
    std::vector<page_info> pages;
    ogg_stream_state stream;
    bool started = false;
    ogg_page page;
    while (ogg_sync_pageout(&sync, &page) == 1) {
        if (!started) {
            ogg_stream_init(&stream, ogg_page_serialno(&page));
            started = true;
        }
        page_info info;
        info.bos = ogg_page_bos(&page);
        info.eos = ogg_page_eos(&page);
        info.granule = ogg_page_granulepos(&page);
        ogg_stream_pagein(&stream, &page);
        ogg_packet packet;
        while (ogg_stream_packetout(&stream, &packet) == 1) {
            ++info.packets;
            info.bodies.emplace_back(reinterpret_cast<const char*>(packet.packet),
                                     static_cast<std::size_t>(packet.bytes));
        }
        pages.push_back(std::move(info));
    }
    if (started) ogg_stream_clear(&stream);
    ogg_sync_clear(&sync);
    return pages;
}

// A 40 ms packet: CELT fullband 20 ms frames (config 31), code 1 (two frames of equal size).
std::string packet_40ms(int i) {
    std::string p(1, static_cast<char>(0xF9));
    p += std::string(80, static_cast<char>('a' + i % 26));
    return p;
}

}  // namespace

TEST(OpusPackets, CountsSamplesFromTheTocAndFrameCount) {
    EXPECT_EQ(opus_packet_samples(std::string(1, static_cast<char>(0xF8))), 960);   // CELT 20 ms
    EXPECT_EQ(opus_packet_samples(std::string(1, static_cast<char>(0xE0))), 120);   // CELT 2.5 ms
    EXPECT_EQ(opus_packet_samples(std::string(1, static_cast<char>(0x18))), 2880);  // SILK 60 ms
    EXPECT_EQ(opus_packet_samples(std::string(1, static_cast<char>(0x78))), 960);   // hybrid 20 ms
    EXPECT_EQ(opus_packet_samples(std::string("\xF9xx", 3)), 1920);                 // two frames
    EXPECT_EQ(opus_packet_samples(std::string("\xFB\x06", 2)), 5760);            // six 20 ms frames
    EXPECT_EQ(opus_packet_samples(std::string("\xFB\x07", 2)), 0);               // 140 ms: too long
    EXPECT_EQ(opus_packet_samples(std::string("\xFB\x00", 2)), 0);               // no frame
    EXPECT_EQ(opus_packet_samples(std::string(1, static_cast<char>(0xFB))), 0);  // cut short
    EXPECT_EQ(opus_packet_samples(""), 0);
}

TEST(OggOpus, WritesHeadTagsAndPacketsWithGranulesAndEndOfStream) {
    ogg_opus_writer w(42, "Sesi 1");
    for (int i = 0; i < 300; ++i)
        ASSERT_TRUE(w.add(static_cast<std::uint32_t>(40 * i), packet_40ms(i)));
    EXPECT_FALSE(w.add(12'000, ""));  // malformed packets are skipped
    const auto file = w.finish();
    const auto pages = read_pages(file);
    ASSERT_GE(pages.size(), 4u);
    EXPECT_TRUE(pages[0].bos);
    ASSERT_EQ(pages[0].packets, 1);
    EXPECT_EQ(pages[0].bodies[0].substr(0, 8), "OpusHead");
    EXPECT_EQ(pages[0].bodies[0].size(), 19u);
    EXPECT_EQ(pages[0].granule, 0);
    ASSERT_EQ(pages[1].packets, 1);
    EXPECT_EQ(pages[1].bodies[0].substr(0, 8), "OpusTags");
    EXPECT_NE(pages[1].bodies[0].find("TITLE=Sesi 1"), std::string::npos);
    EXPECT_EQ(pages[1].granule, 0);
    int audio_packets = 0;
    std::int64_t previous = 0;
    bool several = false;
    for (std::size_t i = 2; i < pages.size(); ++i) {
        audio_packets += pages[i].packets;
        several = several || pages[i].packets > 1;
        EXPECT_GT(pages[i].granule, previous);
        previous = pages[i].granule;
        EXPECT_EQ(pages[i].eos, i + 1 == pages.size());
    }
    EXPECT_TRUE(several) << "several packets per page";
    EXPECT_EQ(audio_packets, 300);  // the packets as given, no filler: they follow each other
    EXPECT_EQ(pages.back().granule, opus_pre_skip + 300 * 1920);
    EXPECT_EQ(pages[2].bodies[0], packet_40ms(0));  // copied, not re-encoded
    EXPECT_EQ(w.duration_ms(), 12'000u);
}

TEST(OggOpus, FillsSilencesSoThatEachPacketPlaysAtItsStamp) {
    ogg_opus_writer w(7);
    ASSERT_TRUE(w.add(1'000, packet_40ms(0)));  // audio starts 1 s into the session
    ASSERT_TRUE(w.add(1'040, packet_40ms(1)));
    ASSERT_TRUE(w.add(5'002, packet_40ms(2)));  // a pause; 2 ms is below the 2.5 ms grid
    ASSERT_TRUE(w.add(5'000, packet_40ms(3)));  // stamped early: follows the previous
    const auto pages = read_pages(w.finish());
    std::int64_t samples = 0;
    std::vector<std::int64_t> starts;  // where each real packet starts, in samples
    for (std::size_t i = 2; i < pages.size(); ++i) {
        for (const auto& body : pages[i].bodies) {
            if (body.size() > 1) starts.push_back(samples);
            samples += opus_packet_samples(body);
        }
    }
    ASSERT_EQ(starts.size(), 4u);
    EXPECT_EQ(starts[0], 1'000 * 48);
    EXPECT_EQ(starts[1], 1'040 * 48);
    EXPECT_EQ(starts[2], 5'000 * 48);  // the nearest 2.5 ms step at or before its stamp
    EXPECT_EQ(starts[3], 5'040 * 48);
    EXPECT_EQ(pages.back().granule, opus_pre_skip + samples);
    EXPECT_TRUE(pages.back().eos);
}

TEST(OggOpus, ALongSilenceStillMakesPagesOfAtMostASecond) {
    // A restart's silence of 8 s is 400 one-byte packets: one page would span 5 s.
    ogg_opus_writer w(7);
    ASSERT_TRUE(w.add(0, packet_40ms(0)));
    ASSERT_TRUE(w.add(8'000, packet_40ms(1)));
    ASSERT_TRUE(w.add(8'040, packet_40ms(2)));
    const auto pages = read_pages(w.finish());
    ASSERT_GT(pages.size(), 8u);
    std::int64_t previous = opus_pre_skip;
    for (std::size_t i = 2; i < pages.size(); ++i) {
        EXPECT_LE(pages[i].granule - previous, 48'000 + 1'920) << "page " << i;
        previous = pages[i].granule;
    }
}
