// Random tokens and codes, digests in the encodings their users need, constant-time equality.
#include "server/util/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

#include "server/util/base64.hpp"

using namespace daring::server;

TEST(Tokens, RandomTokensAreBase64UrlOfTheirBytesAndDiffer) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto t = random_token(32);
        EXPECT_EQ(t.size(), 43u);  // 256 bits in 6-bit characters, no padding
        auto raw = from_base64url(t);
        ASSERT_TRUE(raw);
        EXPECT_EQ(raw->size(), 32u);
        seen.insert(t);
    }
    EXPECT_EQ(seen.size(), 100u);
}

TEST(Tokens, RandomCodesUseCrockfordsAlphabet) {
    for (int i = 0; i < 100; ++i) {
        auto code = random_code(8);
        ASSERT_EQ(code.size(), 8u);
        EXPECT_EQ(code.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
    }
}

TEST(Tokens, DigestsMatchKnownValues) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_base64("abc"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    // RFC 6455 section 1.3: the accept key of the sample handshake.
    EXPECT_EQ(sha1_base64("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
              "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(Tokens, HmacMatchesRfc4231) {
    // RFC 4231 test case 2.
    const auto mac = hmac_sha256("Jefe", "what do ya want for nothing?");
    ASSERT_EQ(mac.size(), 32u);
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    for (unsigned char b : mac) text += {hex[b >> 4], hex[b & 0xF]};
    EXPECT_EQ(text, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Tokens, ConstantTimeEqualityComparesWholeStrings) {
    EXPECT_TRUE(equal_constant_time("abc", "abc"));
    EXPECT_FALSE(equal_constant_time("abc", "abd"));
    EXPECT_FALSE(equal_constant_time("abc", "abcd"));
    EXPECT_TRUE(equal_constant_time("", ""));
}
