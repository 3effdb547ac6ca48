#include "server/http/byte_range.hpp"

#include <charconv>
#include <optional>

namespace daring::server {

namespace {

std::optional<std::size_t> number(std::string_view s) {
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

byte_range parse_byte_range(std::string_view header, std::size_t size) {
    constexpr std::string_view unit = "bytes=";
    if (!header.starts_with(unit)) return {};
    const auto spec = header.substr(unit.size());
    if (spec.find(',') != std::string_view::npos) return {};  // several ranges: the whole
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return {};
    const auto from = spec.substr(0, dash);
    const auto to = spec.substr(dash + 1);
    if (from.empty()) {  // the last N bytes
        auto n = number(to);
        if (!n) return {};
        if (*n == 0 || size == 0) return {byte_range::kind::unsatisfiable};
        const std::size_t length = std::min(*n, size);
        return {byte_range::kind::partial, size - length, size - 1};
    }
    auto first = number(from);
    if (!first) return {};
    std::optional<std::size_t> last;
    if (!to.empty()) {
        last = number(to);
        if (!last || *last < *first) return {};
    }
    if (*first >= size) return {byte_range::kind::unsatisfiable};
    return {byte_range::kind::partial, *first, std::min(last.value_or(size - 1), size - 1)};
}

}  // namespace daring::server
