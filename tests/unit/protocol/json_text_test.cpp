#include "protocol/json_text.hpp"

#include <gtest/gtest.h>

using namespace daring::protocol;

TEST(JsonText, ParsesAnObject) {
    auto r = parse_json_object(R"({"a":[1,2,{"b":"c"}]})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)["a"][2]["b"], "c");
}

TEST(JsonText, RejectsMalformedText) {
    auto r = parse_json("{\"a\":");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, "malformed_json");
}

TEST(JsonText, AcceptsNestingAtTheLimitAndRejectsOneDeeper) {
    std::string at_limit = std::string(json_depth_limit, '[') + std::string(json_depth_limit, ']');
    EXPECT_TRUE(parse_json(at_limit).ok());
    std::string too_deep = "[" + at_limit + "]";
    auto r = parse_json(too_deep);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, "json_too_deep");
}

TEST(JsonText, IgnoresBracketsInsideStringsWhenMeasuringDepth) {
    std::string text = R"({"s":")" + std::string(100, '[') + R"(\"{{{"})";
    EXPECT_EQ(json_nesting_depth(text), 1);
    EXPECT_TRUE(parse_json(text).ok());
}

TEST(JsonText, RequiresAnObjectWhenAsked) {
    auto r = parse_json_object("[1]");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, "expected_object");
}

TEST(ErrorBody, HasCodeMessageAndFieldAsApiMdSays) {
    auto body =
        json::parse(error_body(make_error("invalid_field", "nik must be 16 digits", "nik")));
    EXPECT_EQ(body["error"]["code"], "invalid_field");
    EXPECT_EQ(body["error"]["message"], "nik must be 16 digits");
    EXPECT_EQ(body["error"]["field"], "nik");
}
