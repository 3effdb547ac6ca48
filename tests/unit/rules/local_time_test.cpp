// Local time in Indonesia's zones: names, the wall clock people read, the local date.
#include "server/rules/local_time.hpp"

#include <gtest/gtest.h>

using namespace daring::server;
using namespace daring::protocol;

TEST(LocalTime, NamesIndonesiasZonesAndSpellsOthersAsOffsets) {
    EXPECT_EQ(zone_name(wib_utc_offset_minutes), "WIB");
    EXPECT_EQ(zone_name(wita_utc_offset_minutes), "WITA");
    EXPECT_EQ(zone_name(wit_utc_offset_minutes), "WIT");
    EXPECT_EQ(zone_name(0), "UTC+0");
    EXPECT_EQ(zone_name(330), "UTC+5:30");
    EXPECT_EQ(zone_name(345), "UTC+5:45");
    EXPECT_EQ(zone_name(-570), "UTC-9:30");
    EXPECT_EQ(zone_name(65), "UTC+1:05");
}

TEST(LocalTime, FormatsTheWallClockAtTheRegionsOffset) {
    const auto t = *parse_rfc3339("2020-05-11T02:00:00Z");
    EXPECT_EQ(format_local(t, wib_utc_offset_minutes), "11/05/2020 09:00 WIB");
    EXPECT_EQ(format_local(t, wita_utc_offset_minutes), "11/05/2020 10:00 WITA");
    EXPECT_EQ(format_local(t, wit_utc_offset_minutes), "11/05/2020 11:00 WIT");
    EXPECT_EQ(format_local(*parse_rfc3339("2020-05-11T20:30:00Z"), wib_utc_offset_minutes),
              "12/05/2020 03:30 WIB");
    EXPECT_EQ(format_local(t, 330), "11/05/2020 07:30 UTC+5:30");
}

TEST(LocalTime, TheLocalDayFollowsTheOffsetAlsoBeforeTheEpoch) {
    EXPECT_EQ(local_day(-1, 0), -1);
    EXPECT_EQ(local_day(0, wib_utc_offset_minutes), 0);
    EXPECT_EQ(local_day(-25200, wib_utc_offset_minutes), 0);
    EXPECT_EQ(local_day(-25201, wib_utc_offset_minutes), -1);
    // 00:30 WIB on 11 May is still 10 May in UTC.
    EXPECT_EQ(
        format_date(local_day(*parse_rfc3339("2020-05-11T00:30:00+07:00"), wib_utc_offset_minutes)),
        "2020-05-11");
}
