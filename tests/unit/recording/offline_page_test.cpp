// The offline page in parts around its audio; a page without audio is all head.
#include "server/recording/offline_page.hpp"

#include <gtest/gtest.h>

using namespace daring::server;
using daring::protocol::json;

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
