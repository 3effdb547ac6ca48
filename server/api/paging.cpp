#include "server/api/paging.hpp"

#include <charconv>

#include "server/util/base64.hpp"

namespace daring::server {

namespace {

const char* const cursor_version = "1:";
constexpr std::size_t max_cursor_chars = 200;  // a longer cursor was never ours

std::optional<std::vector<std::int64_t>> decode_cursor(const std::string& cursor,
                                                       std::size_t key_size) {
    auto text = from_base64url(cursor, max_cursor_chars);
    if (!text || !text->starts_with(cursor_version)) return std::nullopt;
    std::vector<std::int64_t> key;
    const char* p = text->data() + 2;
    const char* end = text->data() + text->size();
    while (p < end) {
        std::int64_t v = 0;
        auto [next, ec] = std::from_chars(p, end, v);
        if (ec != std::errc()) return std::nullopt;
        key.push_back(v);
        p = next;
        if (p < end && *p++ != ',') return std::nullopt;
    }
    if (key.size() != key_size) return std::nullopt;
    return key;
}

// The request's query without `cursor` and `limit`, as received.
std::string other_parameters(const std::string& query) {
    std::string out;
    std::size_t at = 0;
    while (at <= query.size() && !query.empty()) {
        auto amp = query.find('&', at);
        if (amp == std::string::npos) amp = query.size();
        const auto part = query.substr(at, amp - at);
        if (!part.empty() && !part.starts_with("cursor=") && !part.starts_with("limit="))
            out += part + "&";
        at = amp + 1;
        if (amp == query.size()) break;
    }
    return out;
}

}  // namespace

std::string encode_cursor(const std::vector<std::int64_t>& key) {
    std::string text = cursor_version;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (i) text += ',';
        text += std::to_string(key[i]);
    }
    return base64url(text);
}

storage::page_request read_page(const http_request& req, std::size_t key_size,
                                std::size_t default_limit, std::size_t max_limit) {
    storage::page_request page;
    page.limit = default_limit;
    if (auto l = req.query_param("limit")) {
        const std::string text = std::move(*l);
        std::size_t v = 0;
        const char* end = text.data() + text.size();
        auto [p, ec] = std::from_chars(text.data(), end, v);
        if (ec != std::errc() || p != end || v < 1 || v > max_limit)
            throw http_error(400, "invalid_query",
                             "limit must be 1 to " + std::to_string(max_limit), "limit");
        page.limit = v;
    }
    if (auto c = req.query_param("cursor")) {
        auto key = decode_cursor(*c, key_size);
        if (!key)
            throw http_error(400, "invalid_query",
                             "cursor is not one this list gave out; start again without it",
                             "cursor");
        page.after = std::move(*key);
    }
    return page;
}

std::string next_link(const http_request& req, std::size_t limit,
                      const std::vector<std::int64_t>& key) {
    return "<" + req.path + "?" + other_parameters(req.query) + "limit=" + std::to_string(limit) +
           "&cursor=" + encode_cursor(key) + ">; rel=\"next\"";
}

}  // namespace daring::server
