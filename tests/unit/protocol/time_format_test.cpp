#include "protocol/time_format.hpp"

#include <gtest/gtest.h>

using namespace daring::protocol;

TEST(TimeFormat, FormatsUtcWithZ) {
    EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_rfc3339(1589166000), "2020-05-11T03:00:00Z");
}

TEST(TimeFormat, ParsesAnyOffsetIntoUtc) {
    EXPECT_EQ(parse_rfc3339("2020-05-11T10:00:00+07:00"), 1589166000);
    EXPECT_EQ(parse_rfc3339("2020-05-11T03:00:00Z"), 1589166000);
    EXPECT_EQ(parse_rfc3339("2020-05-11T03:00:00.250Z"), 1589166000);
    EXPECT_EQ(parse_rfc3339("2020-05-10T23:00:00-04:00"), 1589166000);
}

TEST(TimeFormat, RejectsMalformedTimes) {
    for (const char* bad :
         {"", "2020-05-11", "2020-05-11T03:00:00", "2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z",
          "2020-05-11T24:00:00Z", "2020-05-11T03:00:00+7", "2020-05-11T03:00:00Zjunk"}) {
        EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
    }
}

TEST(TimeFormat, RoundTripsDatesIncludingLeapDays) {
    auto d = parse_date("2020-02-29");
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(format_date(*d), "2020-02-29");
    EXPECT_FALSE(parse_date("2021-02-29").has_value());
    EXPECT_FALSE(parse_date("2021-2-1").has_value());
}
