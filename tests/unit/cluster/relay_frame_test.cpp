// Frames between nodes: every kind survives the trip, and nothing malformed decodes.
#include "server/cluster/relay_frame.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

namespace {

relay_frame sample(relay_kind kind) {
    relay_frame f;
    f.kind = kind;
    f.epoch = 0x0102030405060708ULL;
    f.seq = 1'700'000'000'123ULL;
    f.socket = 42;
    f.user = -7;
    f.code = 4008;
    f.a = std::string("{\"type\":\"slide\"}\0binary", 23);
    f.b = "staff";
    return f;
}

}  // namespace

TEST(RelayFrame, EveryKindSurvivesTheTripFieldForField) {
    for (int k = 1; k <= 7; ++k) {
        const auto f = sample(static_cast<relay_kind>(k));
        const auto back = decode_relay_frame(encode(f));
        ASSERT_TRUE(back) << "kind " << k;
        EXPECT_EQ(back->kind, f.kind);
        EXPECT_EQ(back->epoch, f.epoch);
        EXPECT_EQ(back->seq, f.seq);
        EXPECT_EQ(back->socket, f.socket);
        EXPECT_EQ(back->user, f.user);
        EXPECT_EQ(back->code, f.code);
        EXPECT_EQ(back->a, f.a);
        EXPECT_EQ(back->b, f.b);
    }
    relay_frame empty;
    const auto back = decode_relay_frame(encode(empty));
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->a.empty() && back->b.empty());
}

TEST(RelayFrame, EveryTruncationAndAnyTrailingByteIsRefused) {
    const auto bytes = encode(sample(relay_kind::deliveries));
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_relay_frame(bytes.substr(0, n))) << "a prefix of " << n << " bytes";
    EXPECT_FALSE(decode_relay_frame(bytes + "x"));
}

TEST(RelayFrame, UnknownKindsLengthsPastTheEndAndOversizeFramesAreRefused) {
    auto bytes = encode(sample(relay_kind::join));
    for (unsigned char kind : {0, 8, 255}) {
        auto bad = bytes;
        bad[0] = static_cast<char>(kind);
        EXPECT_FALSE(decode_relay_frame(bad)) << "kind " << int(kind);
    }
    auto long_a = bytes;
    long_a[37] = '\xff';  // a's length, low byte: past the end
    EXPECT_FALSE(decode_relay_frame(long_a));
    relay_frame big;
    big.a.assign(relay_frame_limit, 'x');
    EXPECT_FALSE(decode_relay_frame(encode(big))) << "beyond the limit";
    big.a.resize(relay_frame_limit - 100);
    EXPECT_TRUE(decode_relay_frame(encode(big))) << "within it";
}
