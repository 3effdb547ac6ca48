#include "protocol/audio.hpp"

#include <gtest/gtest.h>

#include "protocol/live.hpp"

namespace audio = daring::protocol::audio;
namespace live = daring::protocol::live;

namespace {

std::string header(unsigned version, unsigned flags, unsigned duration) {
    return {static_cast<char>(version), static_cast<char>(flags), static_cast<char>(duration >> 8),
            static_cast<char>(duration & 0xff)};
}

}  // namespace

TEST(AudioPackets, ParsesTheSpeakersHeaderBigEndian) {
    const auto message = header(1, 0, 40) + "OPUS";  // the parsed packet is a view into it
    auto parsed = audio::parse_speaker_packet(message);
    ASSERT_TRUE(parsed) << parsed.err().message;
    EXPECT_EQ(parsed->duration_ms, 40);
    EXPECT_EQ(parsed->packet, "OPUS");
    const auto long_message = header(1, 0, 120) + "x";
    auto long_frame = audio::parse_speaker_packet(long_message);
    ASSERT_TRUE(long_frame);
    EXPECT_EQ(long_frame->duration_ms, 120);
    EXPECT_EQ(audio::speaker_message(40, "OPUS"), header(1, 0, 40) + "OPUS");
}

TEST(AudioPackets, RefusesEveryMalformedHeaderNamingTheField) {
    struct bad_case {
        std::string message;
        const char* field;
    };
    const std::vector<bad_case> cases{
        {"", "version"},
        {std::string("\x01\x00\x00", 3), "version"},  // shorter than the header
        {header(2, 0, 40) + "x", "version"},
        {header(0, 0, 40) + "x", "version"},
        {header(1, 0, 9) + "x", "duration_ms"},
        {header(1, 0, 121) + "x", "duration_ms"},
        {header(1, 0, 0) + "x", "duration_ms"},
        {header(1, 0, 65535) + "x", "duration_ms"},
        {header(1, 0, 40), "packet"},  // no packet
        {header(1, 0, 40) + std::string(1276, 'p'), "packet"},
    };
    for (const auto& c : cases) {
        auto parsed = audio::parse_speaker_packet(c.message);
        ASSERT_FALSE(parsed) << c.field;
        EXPECT_EQ(parsed.err().code, "bad_audio");
        EXPECT_EQ(parsed.err().field, c.field) << c.message.size();
    }
    EXPECT_TRUE(audio::parse_speaker_packet(header(1, 0, 40) + std::string(1275, 'p')));
}

TEST(AudioPackets, RecordsRoundTripBackToBack) {
    std::string message;
    audio::append_record(message, 1, 7, 123456, 40, "abc");
    audio::append_record(message, 0, 8, 123496, 40, std::string(300, 'z'));
    ASSERT_EQ(message.size(), 2 * audio::record_header_size + 303);
    // The header's layout, byte by byte: version, flags, length, seq, at_ms, duration.
    EXPECT_EQ(message.substr(0, 14), std::string("\x01\x01\x00\x03\x00\x00\x00\x07\x00\x01\xe2\x40"
                                                 "\x00\x28",
                                                 14));
    auto records = audio::parse_records(message);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 2u);
    EXPECT_EQ((*records)[0].flags, audio::flag_discontinuity);
    EXPECT_EQ((*records)[0].seq, 7u);
    EXPECT_EQ((*records)[0].at_ms, 123456u);
    EXPECT_EQ((*records)[0].packet, "abc");
    EXPECT_EQ((*records)[1].seq, 8u);
    EXPECT_EQ((*records)[1].packet.size(), 300u);
    EXPECT_FALSE(audio::parse_records(message.substr(0, message.size() - 1)));
    EXPECT_FALSE(audio::parse_records(message.substr(0, 10)));
}

TEST(AudioControl, ParsesAudioStartAndRefusesWhatClientsCannotAgreeOn) {
    auto ok = live::parse_client_message(
        R"({"type":"audio_start","codec":"opus","sample_rate":48000,"channels":1,"frame_ms":40,"bitrate":16000})");
    ASSERT_FALSE(ok.problem) << ok.problem->message;
    const auto& start = std::get<live::audio_start>(*ok.message);
    EXPECT_EQ(start.bitrate, 16000);
    EXPECT_EQ(start.frame_ms, 40);
    EXPECT_TRUE(live::is_staff_message(*ok.message));
    const std::vector<std::pair<std::string, std::string>> bad{
        {R"("codec":"pcm","sample_rate":48000,"channels":1,"frame_ms":40,"bitrate":16000)",
         "codec"},
        {R"("codec":"opus","sample_rate":44100,"channels":1,"frame_ms":40,"bitrate":16000)",
         "sample_rate"},
        {R"("codec":"opus","sample_rate":48000,"channels":2,"frame_ms":40,"bitrate":16000)",
         "channels"},
        {R"("codec":"opus","sample_rate":48000,"channels":1,"frame_ms":5,"bitrate":16000)",
         "frame_ms"},
        {R"("codec":"opus","sample_rate":48000,"channels":1,"frame_ms":40,"bitrate":512000)",
         "bitrate"},
        {R"("codec":"opus","sample_rate":48000,"channels":1,"frame_ms":40,"bitrate":"16k")",
         "bitrate"},
        {R"("sample_rate":48000,"channels":1,"frame_ms":40,"bitrate":16000)", "codec"},
    };
    for (const auto& [fields, field] : bad) {
        auto p = live::parse_client_message(R"({"type":"audio_start",)" + fields + "}");
        ASSERT_TRUE(p.problem) << fields;
        EXPECT_EQ(p.problem->field, field) << fields;
        EXPECT_FALSE(p.message);
    }
}

TEST(AudioControl, ParsesTheFloorAndTheSubscription) {
    auto give = live::parse_client_message(R"({"type":"give_floor","user_id":42})");
    ASSERT_FALSE(give.problem);
    EXPECT_EQ(std::get<live::give_floor>(*give.message).user_id, 42);
    EXPECT_TRUE(live::is_staff_message(*give.message));
    auto bad_give = live::parse_client_message(R"({"type":"give_floor","user_id":"42"})");
    ASSERT_TRUE(bad_give.problem);
    EXPECT_EQ(bad_give.problem->field, "user_id");
    EXPECT_TRUE(
        live::is_staff_message(*live::parse_client_message(R"({"type":"take_floor"})").message));
    EXPECT_TRUE(
        live::is_staff_message(*live::parse_client_message(R"({"type":"audio_stop"})").message));
    auto off = live::parse_client_message(R"({"type":"audio_subscribe","on":false})");
    ASSERT_FALSE(off.problem);
    EXPECT_FALSE(std::get<live::audio_subscribe>(*off.message).on);
    EXPECT_FALSE(live::is_staff_message(*off.message));
    for (const char* bad :
         {R"({"type":"audio_subscribe"})", R"({"type":"audio_subscribe","on":1})"}) {
        auto p = live::parse_client_message(bad);
        ASSERT_TRUE(p.problem) << bad;
        EXPECT_EQ(p.problem->field, "on");
    }
}
