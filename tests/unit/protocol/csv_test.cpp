#include "protocol/csv.hpp"

#include <gtest/gtest.h>

using namespace daring::protocol;

TEST(Csv, ParsesQuotedFieldsWithCommasQuotesAndLineBreaks) {
    auto r = parse_csv(
        "\xEF\xBB\xBF"
        "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"x, y", "say \"hi\""}));
    EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{"two\nlines", "z"}));
    EXPECT_EQ((*r)[2].line, 3);
}

TEST(Csv, SkipsBlankLinesAndKeepsLineNumbers) {
    auto r = parse_csv("a\n\nb\n");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[1].line, 3);
}

TEST(Csv, KeepsEmptyTrailingFields) {
    auto r = parse_csv("a,,\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[0].fields.size(), 3u);
}

TEST(Csv, NamesTheLineOfAnUnterminatedQuote) {
    auto r = parse_csv("a\n\"open,b\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, "malformed_csv");
    EXPECT_NE(r.err().message.find("Line 2"), std::string::npos);
}

TEST(Csv, RejectsAQuoteInsideAnUnquotedField) {
    EXPECT_FALSE(parse_csv("ab\"c\n").ok());
}

TEST(Csv, WritesFieldsThatParseBack) {
    std::string out;
    append_csv_field(out, "plain");
    out += ',';
    append_csv_field(out, "a,\"b\"\nc");
    out += "\r\n";
    auto r = parse_csv(out);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"plain", "a,\"b\"\nc"}));
}
