// Decks in the protocol: sniffing the type from the bytes, the page titles, the handout names
// and types, the slide list with pages, and the pen's messages.
#include "protocol/deck.hpp"

#include <gtest/gtest.h>

#include "protocol/live.hpp"
#include "protocol/plan.hpp"
#include "protocol/validate.hpp"

using namespace daring::protocol;

namespace {

std::string zip_with_first_member(const std::string& name, const std::string& content) {
    std::string out = "PK\x03\x04";
    out += std::string(22, '\0');
    out.push_back(static_cast<char>(name.size()));
    out.push_back('\0');
    out += std::string(2, '\0');
    return out + name + content;
}

}  // namespace

TEST(DeckSniffing, KnowsEachKindByItsBytes) {
    EXPECT_EQ(sniff_deck("%PDF-1.7\n..."), deck_kind::pdf);
    EXPECT_EQ(sniff_deck("junk before %PDF-1.4"), deck_kind::pdf);
    EXPECT_EQ(sniff_deck(zip_with_first_member("mimetype",
                                               "application/vnd.oasis.opendocument.presentation")),
              deck_kind::odp);
    EXPECT_EQ(
        sniff_deck(zip_with_first_member("[Content_Types].xml", "...ppt/presentation.xml...")),
        deck_kind::pptx);
    std::string ole = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    std::string stream_name;
    for (char ch : std::string("PowerPoint Document")) {
        stream_name.push_back(ch);
        stream_name.push_back('\0');
    }
    EXPECT_EQ(sniff_deck(ole + std::string(100, '\0') + stream_name), deck_kind::ppt);
    EXPECT_EQ(sniff_deck("\xEF\xBB\xBF  <?xml version=\"1.0\"?><office:document "
                         "office:mimetype=\"application/vnd.oasis.opendocument.presentation\">"),
              deck_kind::fodp);
}

TEST(DeckSniffing, RefusesWhatIsNoDeckWhateverItsName) {
    EXPECT_FALSE(sniff_deck(""));
    EXPECT_FALSE(sniff_deck("Presentasi.pdf"));
    EXPECT_FALSE(sniff_deck(zip_with_first_member("word/document.xml", "...")));
    EXPECT_FALSE(sniff_deck(zip_with_first_member(
        "mimetype", "application/vnd.oasis.opendocument.text")));  // a text document
    EXPECT_FALSE(sniff_deck("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 a Word file"));
    EXPECT_FALSE(sniff_deck("<?xml version=\"1.0\"?><svg/>"));
    EXPECT_FALSE(sniff_deck("PK\x03\x04"));  // truncated
}

TEST(DeckPages, TitleIsTheFirstLineOfTextOrTheNumber) {
    deck_page p;
    p.n = 4;
    p.text = "\n  \nHarga dan margin\nProduk";
    EXPECT_EQ(page_title(p), "Harga dan margin");
    p.text = "";
    EXPECT_EQ(page_title(p), "Halaman 4");
    p.text = std::string(100, 'a');
    EXPECT_EQ(page_title(p).size(), 80u);
    p.text = "Pemasaran " + std::string(90, 'x') + "é";  // never cut inside a character
    EXPECT_TRUE(utf8_length(page_title(p)).has_value());
}

TEST(DeckPages, FailureCodesHaveSentencesInBothLanguages) {
    for (const char* code : {deck_damaged, deck_encrypted, deck_too_many_pages, deck_too_slow,
                             deck_too_large_output, deck_unavailable, deck_interrupted}) {
        EXPECT_TRUE(parse_known_code(code)) << code;
        EXPECT_NE(deck_error_message(code), deck_error_message_id(code)) << code;
    }
    EXPECT_EQ(deck_error_message_id(deck_damaged), "Berkas rusak dan tidak dapat dibuka");
    EXPECT_FALSE(parse_known_code("shell; rm -rf"));
}

TEST(Handouts, NamesAreOneLineWithoutPaths) {
    EXPECT_EQ(clean_material_name("  Modul 1.pdf "), "Modul 1.pdf");
    EXPECT_FALSE(clean_material_name(""));
    EXPECT_FALSE(clean_material_name("../etc/passwd"));
    EXPECT_FALSE(clean_material_name("a\\b"));
    EXPECT_FALSE(clean_material_name(".."));
    EXPECT_FALSE(clean_material_name("baris\nbaru"));
    EXPECT_FALSE(clean_material_name(std::string(121, 'a')));
    EXPECT_TRUE(clean_material_name(std::string(120, 'a')));
}

TEST(Handouts, TheContentTypeComesFromTheBytes) {
    EXPECT_EQ(material_content_type("%PDF-1.4", "x.txt"), "application/pdf");
    EXPECT_EQ(material_content_type("\x89PNG\r\n\x1a\nxxxx", "x"), "image/png");
    EXPECT_EQ(material_content_type("<html><script>", "x.html"), "application/octet-stream");
    EXPECT_EQ(material_content_type("catatan biasa", "catatan.txt"), "text/plain; charset=utf-8");
}

TEST(SlideList, APageIsNamedByDeckAndNumberAndATextSlideNeedsATitle) {
    auto ok = parse_session_patch(
        json{{"slides",
              {{{"page", {{"deck_id", 3}, {"n", 2}}}}, {{"title", "Catatan"}, {"body", "teks"}}}}});
    ASSERT_TRUE(ok) << ok.err().message;
    ASSERT_EQ(ok->slides->size(), 2u);
    EXPECT_EQ((*ok->slides)[0].page->deck_id, 3);
    EXPECT_EQ((*ok->slides)[0].page->n, 2);
    EXPECT_FALSE((*ok->slides)[1].page);

    auto no_n = parse_session_patch(json{{"slides", {{{"page", {{"deck_id", 3}}}}}}});
    ASSERT_FALSE(no_n);
    EXPECT_EQ(no_n.err().field, "slides[0].page.n");
    auto too_far =
        parse_session_patch(json{{"slides", {{{"page", {{"deck_id", 3}, {"n", 301}}}}}}});
    ASSERT_FALSE(too_far);
    auto untitled = parse_session_patch(json{{"slides", {{{"body", "tanpa judul"}}}}});
    ASSERT_FALSE(untitled);
    EXPECT_EQ(untitled.err().field, "slides[0].title");
}

TEST(SlideList, APageSlideShowsItsImagesAsUrls) {
    slide s{"Judul", "teks",
            slide_page{.deck_id = 5,
                       .n = 1,
                       .width = 1280,
                       .height = 720,
                       .small = "ab",
                       .large = "cd",
                       .small_bytes = 10,
                       .large_bytes = 20}};
    auto j = slide_json(s);
    EXPECT_EQ(j["page"]["small"], "/api/v1/decks/5/pages/ab.webp");
    EXPECT_EQ(j["page"]["large"], "/api/v1/decks/5/pages/cd.webp");
    EXPECT_EQ(j["page"]["width"], 1280);
    EXPECT_FALSE(slide_json({"Teks", "isi", std::nullopt}).contains("page"));
}

// Between nodes slides keep their pictures' stored names, and read back as they were.
TEST(SlideList, StoredSlidesReadBackWholeAndAnythingElseIsRefused) {
    const std::vector<slide> slides{
        {"Judul", "teks", slide_page{5, 1, 1280, 720, "ab", "cd", 10, 20}},
        {"Teks", "isi", std::nullopt}};
    auto list = json::array();
    for (const auto& s : slides) list.push_back(slide_json(s, true));
    EXPECT_EQ(list[0]["page"]["small"], "ab");
    const auto back = slides_from_json(list);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].title, "Judul");
    ASSERT_TRUE((*back)[0].page);
    EXPECT_EQ((*back)[0].page->large, "cd");
    EXPECT_EQ((*back)[0].page->large_bytes, 20);
    EXPECT_FALSE((*back)[1].page);
    EXPECT_FALSE(slides_from_json(json::object()));
    EXPECT_FALSE(slides_from_json(json::parse(R"([{"title":"x"}])"))) << "no body";
    EXPECT_FALSE(slides_from_json(json::parse(R"([{"title":"x","body":"y","page":{"n":1}}])")));
}

TEST(PenMessages, StrokesAreCheckedPointByPoint) {
    auto good = live::parse_client_message(
        R"({"type":"ink","stroke":{"id":"s1","color":"#16a34a","width":4,"points":[[0,0],[1,1]]}})");
    ASSERT_TRUE(good.message) << good.problem->message;
    auto s = std::get<live::ink_stroke>(*good.message);
    EXPECT_EQ(s.points.size(), 2u);
    for (const char* bad :
         {R"({"type":"ink","stroke":{"id":"s","color":"red","width":4,"points":[[0,0]]}})",
          R"({"type":"ink","stroke":{"id":"s","color":"#000000","width":99,"points":[[0,0]]}})",
          R"({"type":"ink","stroke":{"id":"s","color":"#000000","width":4,"points":[[1.5,0]]}})",
          R"({"type":"ink","stroke":{"id":"s","color":"#000000","width":4,"points":[]}})",
          R"({"type":"ink","stroke":{"id":"s","color":"#000000","width":4,"points":[[0]]}})",
          R"({"type":"ink"})"}) {
        auto p = live::parse_client_message(bad);
        EXPECT_FALSE(p.message) << bad;
        EXPECT_TRUE(p.problem) << bad;
    }
    std::string many = R"({"type":"ink","stroke":{"id":"s","color":"#000000","width":4,"points":[)";
    for (int i = 0; i < 501; ++i) many += (i ? ",[0.5,0.5]" : "[0.5,0.5]");
    many += "]}}";
    EXPECT_FALSE(live::parse_client_message(many).message);
}

TEST(PenMessages, ThePointerIsAPlaceOnThePageOrHidden) {
    auto p = live::parse_client_message(R"({"type":"pointer","x":0.25,"y":0.75})");
    ASSERT_TRUE(p.message);
    EXPECT_DOUBLE_EQ(std::get<live::pointer_move>(*p.message).x, 0.25);
    auto hidden = live::parse_client_message(R"({"type":"pointer","visible":false})");
    ASSERT_TRUE(hidden.message);
    EXPECT_FALSE(std::get<live::pointer_move>(*hidden.message).visible);
    EXPECT_FALSE(live::parse_client_message(R"({"type":"pointer","x":2,"y":0})").message);
    EXPECT_FALSE(live::parse_client_message(R"({"type":"pointer","x":0.5})").message);
    EXPECT_TRUE(live::is_staff_message(*p.message));
}
