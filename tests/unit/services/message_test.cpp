// Messages outside the app: masking addresses for logs, the MIME message, the Cloud API body,
// the template names file.
#include <gtest/gtest.h>

#include <fstream>

#include "server/services/join_links.hpp"
#include "server/services/message_templates.hpp"
#include "server/services/outbox_transport.hpp"

using namespace daring::server;

TEST(Messages, AddressesAreMaskedForLogs) {
    EXPECT_EQ(mask_address("+6281234567890"), "+62812*****890");
    EXPECT_EQ(mask_address("siti@umkm.example"), "s***@umkm.example");
    EXPECT_EQ(mask_address("12345"), "*****");
    EXPECT_EQ(mask_address("+62812345"), "*********");
}

TEST(Messages, TheMimeMessageHasEncodedHeadersAndBothParts) {
    const auto text =
        mime_message({"Perubahan sesi: Kemasan ✓", "Halo", "<p>Halo</p>"}, "daring@dinas.example",
                     "siti@umkm.example", message_id_of(42, "daring@dinas.example"), 1'600'000'000);
    EXPECT_NE(text.find("Message-ID: <daring-outbox-42@dinas.example>\r\n"), std::string::npos);
    EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
    EXPECT_NE(text.find("Date: Sun, 13 Sep 2020 12:26:40 +0000\r\n"), std::string::npos);
    EXPECT_NE(text.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
    EXPECT_NE(text.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
    EXPECT_NE(text.find("SGFsbw==\r\n"), std::string::npos);  // "Halo"
    EXPECT_EQ(text.find("Halo"), std::string::npos);          // bodies only in base64
}

TEST(Messages, TheCloudApiBodyIsATemplateMessage) {
    const auto body = whatsapp_body({"daring_rekaman", "en", {"Siti", "Replay", "https://x/#/"}},
                                    "+6281234567890");
    EXPECT_EQ(body["to"], "6281234567890");
    EXPECT_EQ(body["template"]["language"]["code"], "en");
    EXPECT_EQ(body["template"]["components"][0]["parameters"][1]["text"], "Replay");
}

TEST(Messages, TemplateNamesComeFromAFileWithClearErrors) {
    const std::string path = ::testing::TempDir() + "/templates.json";
    std::ofstream(path) << R"({"delivery_changed": "daring_sesi_berubah"})";
    EXPECT_EQ(load_template_names(path).at("delivery_changed"), "daring_sesi_berubah");
    std::ofstream(path) << R"({"delivery_changed": 3})";
    EXPECT_THROW(load_template_names(path), std::runtime_error);
    EXPECT_THROW(load_template_names(path + ".missing"), std::runtime_error);
    daring::storage::outbox_message m;
    m.kind = "recording_available";
    m.language = "en";
    m.full_name = "Siti";
    m.text_en = "Replay it";
    EXPECT_EQ(render_whatsapp(m, {}, "https://d").template_name, "daring_recording_available");
    EXPECT_EQ(render_email(m, "https://d").subject, "Session recording: ");
}

TEST(JoinLinks, ATokenIsBoundToItsUserAndSessionAndCannotBeForged) {
    const std::string secret = "rahasia-server-uji";
    const auto token = make_join_token(secret, 12, 34, 56);
    auto claim = read_join_token(secret, token);
    ASSERT_TRUE(claim);
    EXPECT_EQ(claim->user_id, 12);
    EXPECT_EQ(claim->session_id, 34);
    EXPECT_NE(make_join_token(secret, 12, 34, 57), token);  // each message its own
    EXPECT_FALSE(read_join_token("another-secret", token));
    auto other_user = token;
    other_user.replace(0, 2, "13");  // same signature, another user
    EXPECT_FALSE(read_join_token(secret, other_user));
    EXPECT_FALSE(read_join_token(secret, ""));
    EXPECT_FALSE(read_join_token(secret, "12.34.56"));
    EXPECT_FALSE(read_join_token(secret, "0.34.56." + token.substr(token.rfind('.') + 1)));
    EXPECT_FALSE(read_join_token(secret, token + ".x"));
    EXPECT_FALSE(read_join_token(secret, std::string(300, '1')));
}

TEST(JoinLinks, TheWindowOpensBeforeTheStartAndClosesAtTheEnd) {
    EXPECT_FALSE(join_window_open(1000 - 901, 1000, 2000, 900));
    EXPECT_TRUE(join_window_open(1000 - 900, 1000, 2000, 900));
    EXPECT_TRUE(join_window_open(1999, 1000, 2000, 900));
    EXPECT_FALSE(join_window_open(2000, 1000, 2000, 900));
}

TEST(JoinLinks, ATokenCannotBeMovedToAnotherSession) {
    const std::string secret = "rahasia-server-uji";
    const auto token = make_join_token(secret, 12, 34, 56);
    auto moved = token;
    moved.replace(3, 2, "35");  // "12.35.56.<mac>"
    ASSERT_EQ(moved.substr(0, 9), "12.35.56.");
    EXPECT_FALSE(read_join_token(secret, moved));
}
