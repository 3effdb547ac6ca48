#include "server/net/websocket_frame.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace daring::server;

namespace {

// A client frame as a browser would send it: masked with `mask`.
std::string client_frame(unsigned opcode, std::string_view payload, bool final = true,
                         std::array<unsigned char, 4> mask = {0x12, 0x34, 0x56, 0x78}) {
    std::string f;
    f.push_back(static_cast<char>((final ? 0x80 : 0) | opcode));
    if (payload.size() < 126) {
        f.push_back(static_cast<char>(0x80 | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(payload.size() >> 8));
        f.push_back(static_cast<char>(payload.size() & 0xFF));
    } else {
        f.push_back(static_cast<char>(0x80 | 127));
        for (int i = 0; i < 8; ++i)
            f.push_back(static_cast<char>((payload.size() >> (56 - 8 * i)) & 0xFF));
    }
    for (auto b : mask) f.push_back(static_cast<char>(b));
    for (std::size_t i = 0; i < payload.size(); ++i)
        f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return f;
}

std::string close_payload(int code, std::string_view reason = {}) {
    std::string p;
    p.push_back(static_cast<char>(code >> 8));
    p.push_back(static_cast<char>(code & 0xFF));
    p.append(reason);
    return p;
}

struct fed {
    std::vector<ws_event> events;
    bool open = true;
};

fed feed_all(ws_frame_reader& r, std::string_view bytes) {
    fed out;
    out.open = r.feed(bytes, [&](ws_event&& e) { out.events.push_back(std::move(e)); });
    return out;
}

// Feeds one byte at a time: every split point of the input is exercised.
fed feed_bytewise(ws_frame_reader& r, std::string_view bytes) {
    fed out;
    for (char c : bytes) {
        out.open = r.feed(std::string_view(&c, 1),
                          [&](ws_event&& e) { out.events.push_back(std::move(e)); });
    }
    return out;
}

ws_event only_failure(std::string_view bytes, std::size_t limit = 1024) {
    ws_frame_reader r(limit);
    auto out = feed_all(r, bytes);
    EXPECT_FALSE(out.open);
    EXPECT_EQ(out.events.size(), 1u);
    if (out.events.empty()) return ws_event{ws_event::kind::message};
    return out.events.back();
}

}  // namespace

TEST(WebSocketHandshake, ComputesTheAcceptKeyOfRfc6455Section1_3) {
    EXPECT_EQ(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    const auto response = ws_accept_response("dGhlIHNhbXBsZSBub25jZQ==");
    EXPECT_EQ(response.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u);
    EXPECT_NE(response.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
              std::string::npos);
    EXPECT_NE(response.find("Upgrade: websocket\r\n"), std::string::npos);
    EXPECT_EQ(response.substr(response.size() - 4), "\r\n\r\n");
}

TEST(WebSocketHandshake, RefusesOtherVersionsWith426AndMalformedKeysWith400) {
    EXPECT_FALSE(check_ws_handshake("13", "dGhlIHNhbXBsZSBub25jZQ==").has_value());
    auto version = check_ws_handshake("8", "dGhlIHNhbXBsZSBub25jZQ==");
    ASSERT_TRUE(version.has_value());
    EXPECT_EQ(version->status, 426);
    for (std::string_view key : {"", "short", "dGhlIHNhbXBsZSBub25jZQ",
                                 "dGhlIHNhbXBsZSBub25j!Q==", "dGhlIHNhbXBsZSBub25jZQ==AAAA"}) {
        auto bad = check_ws_handshake("13", key);
        ASSERT_TRUE(bad.has_value()) << key;
        EXPECT_EQ(bad->status, 400) << key;
    }
}

TEST(WebSocketFrameHeader, UsesTheShortestLengthEncoding) {
    auto small = make_ws_frame_header(ws_opcode::text, 125);
    ASSERT_EQ(small.size, 2u);
    EXPECT_EQ(small.bytes[0], 0x81);
    EXPECT_EQ(small.bytes[1], 125);
    auto medium = make_ws_frame_header(ws_opcode::text, 126);
    ASSERT_EQ(medium.size, 4u);
    EXPECT_EQ(medium.bytes[1], 126);
    EXPECT_EQ(medium.bytes[2] * 256 + medium.bytes[3], 126);
    auto top16 = make_ws_frame_header(ws_opcode::binary, 0xFFFF);
    EXPECT_EQ(top16.size, 4u);
    auto large = make_ws_frame_header(ws_opcode::text, 0x10000);
    ASSERT_EQ(large.size, 10u);
    EXPECT_EQ(large.bytes[1], 127);
    EXPECT_EQ(large.bytes[7], 0x01);
    EXPECT_EQ(large.bytes[8], 0x00);
}

TEST(WebSocketFrameHeader, CloseFrameCarriesTheCodeAndACutReasonOnACharacterBoundary) {
    auto frame = make_ws_close_frame(4008, "slow");
    ASSERT_EQ(frame.size(), 2u + 2 + 4);
    EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x88);
    EXPECT_EQ(static_cast<unsigned char>(frame[2]) * 256 + static_cast<unsigned char>(frame[3]),
              4008);
    std::string long_reason;
    for (int i = 0; i < 70; ++i) long_reason += "é";  // two bytes each
    auto cut = make_ws_close_frame(1000, long_reason);
    EXPECT_LE(cut.size(), 2u + 125);
    // What our own reader accepts, the reason is still valid UTF-8.
    std::string masked = client_frame(8, cut.substr(2));
    ws_frame_reader r(1024);
    auto out = feed_all(r, masked);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].type, ws_event::kind::close);
    EXPECT_EQ(out.events[0].close_code, 1000);
}

TEST(WebSocketFrameReader, UnmasksATextMessageOfEachLengthEncoding) {
    for (std::size_t size : {0u, 5u, 125u, 126u, 300u, 65535u, 65536u, 70000u}) {
        std::string payload(size, 'a');
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + i % 26);
        ws_frame_reader r(128 * 1024);
        auto out = feed_all(r, client_frame(1, payload));
        EXPECT_TRUE(out.open);
        ASSERT_EQ(out.events.size(), 1u) << size;
        EXPECT_EQ(out.events[0].type, ws_event::kind::message);
        EXPECT_EQ(out.events[0].opcode, ws_opcode::text);
        EXPECT_EQ(out.events[0].payload, payload) << size;
        EXPECT_FALSE(r.mid_frame());
    }
}

TEST(WebSocketFrameReader, AssemblesFragmentsWithControlFramesBetweenThemFedByteByByte) {
    std::string bytes = client_frame(1, "{\"type\":", false) + client_frame(9, "are you there") +
                        client_frame(0, "\"chat\",", false) + client_frame(10, "") +
                        client_frame(0, "\"text\":\"halo\"}", true) + client_frame(1, "[]");
    ws_frame_reader r(1024);
    auto out = feed_bytewise(r, bytes);
    EXPECT_TRUE(out.open);
    ASSERT_EQ(out.events.size(), 4u);
    EXPECT_EQ(out.events[0].type, ws_event::kind::ping);
    EXPECT_EQ(out.events[0].payload, "are you there");
    EXPECT_EQ(out.events[1].type, ws_event::kind::pong);
    EXPECT_EQ(out.events[2].type, ws_event::kind::message);
    EXPECT_EQ(out.events[2].payload, "{\"type\":\"chat\",\"text\":\"halo\"}");
    EXPECT_EQ(out.events[3].payload, "[]");
}

TEST(WebSocketFrameReader, HoldsStateOnlyWhileAFrameIsIncomplete) {
    ws_frame_reader r(1024);
    const std::string frame = client_frame(1, "{\"type\":\"heartbeat\"}");
    auto first = feed_all(r, std::string_view(frame).substr(0, 5));
    EXPECT_TRUE(first.events.empty());
    EXPECT_TRUE(r.mid_frame());
    auto rest = feed_all(r, std::string_view(frame).substr(5));
    ASSERT_EQ(rest.events.size(), 1u);
    EXPECT_FALSE(r.mid_frame());
}

TEST(WebSocketFrameReader, PassesBinaryMessagesWithoutUtf8Checks) {
    ws_frame_reader r(1024);
    auto out = feed_all(r, client_frame(2, std::string("\xff\x00\xfe", 3)));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].opcode, ws_opcode::binary);
    EXPECT_EQ(out.events[0].payload.size(), 3u);
}

TEST(WebSocketFrameReader, ReportsThePeersCloseAndStopsReading) {
    ws_frame_reader r(1024);
    auto out =
        feed_all(r, client_frame(8, close_payload(1001, "bye")) + client_frame(1, "ignored"));
    EXPECT_FALSE(out.open);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].type, ws_event::kind::close);
    EXPECT_EQ(out.events[0].close_code, 1001);
    EXPECT_EQ(out.events[0].reason, "bye");

    ws_frame_reader empty(1024);
    auto none = feed_all(empty, client_frame(8, ""));
    ASSERT_EQ(none.events.size(), 1u);
    EXPECT_EQ(none.events[0].close_code, 1005);
}

TEST(WebSocketFrameReader, RefusesAMessageOverTheLimitWith1009EvenWhenFragmented) {
    EXPECT_EQ(only_failure(client_frame(1, std::string(1025, 'x'))).close_code, ws_close_too_big);
    ws_frame_reader r(1024);
    auto out = feed_all(
        r, client_frame(1, std::string(600, 'x'), false) + client_frame(0, std::string(600, 'x')));
    EXPECT_FALSE(out.open);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].type, ws_event::kind::failed);
    EXPECT_EQ(out.events[0].close_code, ws_close_too_big);
    // Exactly at the limit is fine.
    ws_frame_reader at(1024);
    EXPECT_EQ(feed_all(at, client_frame(1, std::string(1024, 'x'))).events.at(0).type,
              ws_event::kind::message);
}

TEST(WebSocketFrameReader, RefusesProtocolViolationsWith1002) {
    std::string unmasked = "\x81\x02hi";
    EXPECT_EQ(only_failure(unmasked).close_code, ws_close_protocol_error);
    std::string rsv = client_frame(1, "hi");
    rsv[0] = static_cast<char>(rsv[0] | 0x40);
    EXPECT_EQ(only_failure(rsv).close_code, ws_close_protocol_error);
    EXPECT_EQ(only_failure(client_frame(3, "x")).close_code,
              ws_close_protocol_error);  // reserved opcode
    EXPECT_EQ(only_failure(client_frame(9, "x", false)).close_code,
              ws_close_protocol_error);  // fragmented ping
    EXPECT_EQ(only_failure(client_frame(9, std::string(126, 'x'))).close_code,
              ws_close_protocol_error);
    EXPECT_EQ(only_failure(client_frame(0, "x")).close_code,
              ws_close_protocol_error);  // stray continuation
    EXPECT_EQ(only_failure(client_frame(1, "a", false) + client_frame(1, "b")).close_code,
              ws_close_protocol_error);
    EXPECT_EQ(only_failure(client_frame(8, "\x03")).close_code,
              ws_close_protocol_error);  // one-byte close
    EXPECT_EQ(only_failure(client_frame(8, close_payload(1005))).close_code,
              ws_close_protocol_error);
    EXPECT_EQ(only_failure(client_frame(8, close_payload(999))).close_code,
              ws_close_protocol_error);
    EXPECT_EQ(only_failure(client_frame(8, close_payload(5000))).close_code,
              ws_close_protocol_error);
    // A 16-bit length used for a 5-byte payload is not the minimal encoding.
    std::string padded = "\x81\xfe";
    padded += std::string("\x00\x05", 2);
    padded += std::string("\x00\x00\x00\x00", 4) + "hello";
    EXPECT_EQ(only_failure(padded).close_code, ws_close_protocol_error);
}

TEST(WebSocketFrameReader, RefusesInvalidUtf8InTextAndCloseReasonsWith1007) {
    EXPECT_EQ(only_failure(client_frame(1, "\xc3\x28")).close_code, ws_close_invalid_payload);
    EXPECT_EQ(only_failure(client_frame(1, "\xc0\xaf")).close_code,
              ws_close_invalid_payload);  // overlong
    EXPECT_EQ(only_failure(client_frame(1, "\xed\xa0\x80")).close_code,
              ws_close_invalid_payload);  // surrogate
    EXPECT_EQ(only_failure(client_frame(1, "\xf4\x90\x80\x80")).close_code,
              ws_close_invalid_payload);
    // A character split across fragments is fine.
    ws_frame_reader r(1024);
    auto out = feed_all(r, client_frame(1, "\xc3", false) + client_frame(0, "\xa9"));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].payload, "é");
    EXPECT_EQ(only_failure(client_frame(8, close_payload(1000, "\xff"))).close_code,
              ws_close_invalid_payload);
}

TEST(WebSocketFrameReader, FindsTheSameEventsWhereverTheStreamIsSplit) {
    // A conversation of every frame kind with varied sizes, cut at pseudo-random points
    // (a fixed seed: the same cuts every run).
    std::string stream;
    std::vector<std::pair<ws_event::kind, std::string>> expected;
    for (int i = 0; i < 40; ++i) {
        const std::string body(static_cast<std::size_t>((i * 977) % 70000),
                               static_cast<char>('a' + i % 26));
        switch (i % 4) {
            case 0:
                stream += client_frame(1, body);
                expected.emplace_back(ws_event::kind::message, body);
                break;
            case 1: {
                const auto half = body.size() / 2;
                stream += client_frame(2, body.substr(0, half), false) +
                          client_frame(9, "p" + std::to_string(i)) +
                          client_frame(0, body.substr(half));
                expected.emplace_back(ws_event::kind::ping, "p" + std::to_string(i));
                expected.emplace_back(ws_event::kind::message, body);
                break;
            }
            case 2:
                stream += client_frame(10, std::to_string(i));
                expected.emplace_back(ws_event::kind::pong, std::to_string(i));
                break;
            default:
                stream +=
                    client_frame(1, "{\"type\":\"heartbeat\",\"n\":" + std::to_string(i) + "}");
                expected.emplace_back(ws_event::kind::message,
                                      "{\"type\":\"heartbeat\",\"n\":" + std::to_string(i) + "}");
        }
    }
    std::uint32_t state = 12345;
    for (int round = 0; round < 20; ++round) {
        ws_frame_reader r(256 * 1024);
        std::vector<std::pair<ws_event::kind, std::string>> got;
        std::string_view rest = stream;
        while (!rest.empty()) {
            state = state * 1664525u + 1013904223u;
            const std::size_t cut =
                std::min<std::size_t>(rest.size(), 1 + (state >> 8) % (round < 10 ? 64 : 20000));
            ASSERT_TRUE(r.feed(rest.substr(0, cut), [&](ws_event&& e) {
                got.emplace_back(e.type, std::move(e.payload));
            }));
            rest.remove_prefix(cut);
        }
        ASSERT_EQ(got.size(), expected.size()) << "round " << round;
        for (std::size_t k = 0; k < got.size(); ++k) {
            EXPECT_EQ(got[k].first, expected[k].first) << "event " << k;
            EXPECT_EQ(got[k].second, expected[k].second) << "event " << k;
        }
        EXPECT_FALSE(r.mid_frame());
    }
}
