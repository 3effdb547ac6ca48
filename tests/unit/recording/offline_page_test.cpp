// The offline page in parts around its audio: base64 streamed in pieces equals the whole
// encoding, and a page without audio is all head.
#include "server/recording/offline_page.hpp"

#include <gtest/gtest.h>

using namespace daring::server;
using daring::protocol::json;

TEST(OfflinePage, Base64InPiecesOfThreeBytesEqualsTheWhole) {
    std::string bytes;
    for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 7));
    std::string pieces;
    for (std::size_t at = 0; at < bytes.size(); at += 48)
        pieces += base64(std::string_view(bytes).substr(at, 48));
    EXPECT_EQ(pieces, base64(bytes));
    EXPECT_EQ(base64(bytes).size(), base64_size(bytes.size()));
    EXPECT_EQ(base64("Ma"), "TWE=");
}

TEST(OfflinePage, TheAudioGoesBetweenHeadAndTail) {
    const json rec = {{"session_id", 4}, {"events", json::array()}};
    const json slides = json::array({{{"title", "Kas"}, {"body", "isi"}}});
    auto with = offline_page_parts("Sesi <1>", rec, slides, true, "id");
    EXPECT_TRUE(with.head.ends_with("data:audio/ogg;base64,"));
    EXPECT_TRUE(with.tail.starts_with("\"></audio>"));
    EXPECT_NE(with.head.find("Sesi &lt;1&gt;"), std::string::npos);
    EXPECT_NE(with.tail.find("\"Kas\""), std::string::npos);
    EXPECT_LE(with.head.size() + with.tail.size(), offline_player_budget);
    auto without = offline_page_parts("Sesi", rec, slides, false, "en");
    EXPECT_TRUE(without.tail.empty());
    EXPECT_NE(without.head.find("This recording has no audio."), std::string::npos);
    EXPECT_TRUE(without.head.ends_with("</html>\n"));
}
