#include "server/rules/local_time.hpp"

#include <cstdlib>

namespace daring::server {

using protocol::unix_seconds;

std::string zone_name(int offset) {
    if (offset == protocol::wib_utc_offset_minutes) return "WIB";
    if (offset == protocol::wita_utc_offset_minutes) return "WITA";
    if (offset == protocol::wit_utc_offset_minutes) return "WIT";
    std::string out = offset < 0 ? "UTC-" : "UTC+";
    const int a = std::abs(offset);
    out += std::to_string(a / 60);
    if (a % 60) out += (a % 60 < 10 ? ":0" : ":") + std::to_string(a % 60);
    return out;
}

std::string format_local(unix_seconds t, int offset) {
    const auto shifted = protocol::format_rfc3339(t + static_cast<unix_seconds>(offset) * 60);
    // "YYYY-MM-DDTHH:MM:SSZ" -> "DD/MM/YYYY HH:MM"
    return shifted.substr(8, 2) + "/" + shifted.substr(5, 2) + "/" + shifted.substr(0, 4) + " " +
           shifted.substr(11, 5) + " " + zone_name(offset);
}

std::int64_t local_day(unix_seconds t, int offset) {
    const auto local = t + static_cast<unix_seconds>(offset) * 60;
    auto day = local / 86400;
    if (local % 86400 < 0) --day;
    return day;
}

}  // namespace daring::server
