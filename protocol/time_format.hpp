#pragma once
// RFC 3339 timestamps and YYYY-MM-DD dates. Times travel as Unix seconds (UTC) inside the
// program; offsets matter only at the edges (parsing, and a region's fixed UTC offset).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daring::protocol {

using unix_seconds = std::int64_t;

// Indonesia's three time zones as fixed UTC offsets in minutes (no daylight saving). A region's
// offset is stored with it; where none is known (no region), WIB applies. Names and local
// formatting: server/rules/local_time.hpp.
inline constexpr int wib_utc_offset_minutes = 420;   // Waktu Indonesia Barat, UTC+7
inline constexpr int wita_utc_offset_minutes = 480;  // Waktu Indonesia Tengah, UTC+8
inline constexpr int wit_utc_offset_minutes = 540;   // Waktu Indonesia Timur, UTC+9
inline constexpr int default_utc_offset_minutes = wib_utc_offset_minutes;

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
std::int64_t days_from_civil(int year, unsigned month, unsigned day);
void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day);

// "2020-05-11T03:00:00Z". Always UTC with Z.
std::string format_rfc3339(unix_seconds t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)", 'T' or 't' or ' '. nullopt when invalid.
std::optional<unix_seconds> parse_rfc3339(std::string_view text);

// Dates as days since the epoch.
std::string format_date(std::int64_t days);
std::optional<std::int64_t> parse_date(std::string_view text);

}  // namespace daring::protocol
