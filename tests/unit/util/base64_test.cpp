// Base64 and base64url: the RFC 4648 test vectors, pieces that concatenate (the offline page
// streams its audio that way), MIME lines, and refusals of what is not base64url.
#include "server/util/base64.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

TEST(Base64, EncodesTheRfc4648Vectors) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foob"), "Zm9vYg==");
    EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(Base64, PiecesOfWholeTriplesConcatenateToTheWholeEncoding) {
    std::string bytes;
    for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 7));
    std::string pieces;
    for (std::size_t at = 0; at < bytes.size(); at += 48)
        pieces += base64(std::string_view(bytes).substr(at, 48));
    EXPECT_EQ(pieces, base64(bytes));
    EXPECT_EQ(base64(bytes).size(), base64_size(bytes.size()));
}

TEST(Base64, MimeLinesHoldSeventySixCharactersEach) {
    const std::string bytes(200, 'x');
    const auto text = base64_lines(bytes);
    EXPECT_EQ(text.substr(0, 78), base64(bytes.substr(0, 57)) + "\r\n");
    EXPECT_EQ(text.find("\r\n"), 76u);
    std::string joined;
    for (std::size_t at = 0; at < text.size();) {
        const auto end = text.find("\r\n", at);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - at, 76u);
        joined += text.substr(at, end - at);
        at = end + 2;
    }
    EXPECT_EQ(joined, base64(bytes));
    EXPECT_EQ(base64_lines(""), "");
}

TEST(Base64Url, UsesTheSafeAlphabetWithoutPadding) {
    const std::string bytes("\xfb\xff\xfe", 3);
    EXPECT_EQ(base64(bytes), "+//+");
    EXPECT_EQ(base64url(bytes), "-__-");
    EXPECT_EQ(base64url("f"), "Zg");
    EXPECT_EQ(base64url("fo"), "Zm8");
}

TEST(Base64Url, DecodesWhatItEncodes) {
    const std::string samples[] = {"a",    "ab",     "abc",
                                   "abcd", "1:42,7", std::string("\0\xff\x10", 3)};
    for (const auto& text : samples) EXPECT_EQ(from_base64url(base64url(text)), text);
}

TEST(Base64Url, RefusesWhatIsNotBase64Url) {
    EXPECT_FALSE(from_base64url(""));
    EXPECT_FALSE(from_base64url("Zm9v="));  // padding is not ours
    EXPECT_FALSE(from_base64url("Zm+v"));   // the standard alphabet
    EXPECT_FALSE(from_base64url("Zm9vY"));  // 5 characters: no whole byte in the last
    EXPECT_FALSE(from_base64url("Zm 9v"));
    EXPECT_FALSE(from_base64url(std::string(41, 'A'), 40));
    EXPECT_TRUE(from_base64url(std::string(40, 'A'), 40));
}
