#pragma once
// Local time as people in Indonesia read it: a fixed UTC offset (a region's) named WIB, WITA or
// WIT. Pure: no I/O, no clock. The offsets themselves: protocol/time_format.hpp.
#include <cstdint>
#include <string>

#include "protocol/time_format.hpp"

namespace daring::server {

// "WIB", "WITA", "WIT", else "UTC+H[:MM]" / "UTC-H[:MM]".
std::string zone_name(int utc_offset_minutes);
// "11/05/2020 09:00 WIB": the wall clock at that offset (day/month/year, as the UI writes
// dates) and its zone's name.
std::string format_local(protocol::unix_seconds t, int utc_offset_minutes);
// Days since 1970-01-01 of the local date at that offset.
std::int64_t local_day(protocol::unix_seconds t, int utc_offset_minutes);

}  // namespace daring::server
