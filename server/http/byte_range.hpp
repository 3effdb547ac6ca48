#pragma once
// The Range request header (RFC 9110 section 14) for a representation of known size: one range
// of bytes is served (206); a header this server does not serve as ranges (several ranges,
// another unit, a malformed one) is ignored (200, the whole); a range that starts past the end
// is unsatisfiable (416).
#include <cstddef>
#include <string_view>

namespace daring::server {

struct byte_range {
    enum class kind { whole, partial, unsatisfiable } result = kind::whole;
    std::size_t first = 0;  // inclusive, when partial
    std::size_t last = 0;   // inclusive
};

byte_range parse_byte_range(std::string_view header, std::size_t size);

}  // namespace daring::server
