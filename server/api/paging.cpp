#include "server/api/paging.hpp"

#include <openssl/evp.h>

#include <charconv>

namespace daring::server {

namespace {

const char* const cursor_version = "1:";

std::string base64url(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (auto& ch : out) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    return out;
}

std::optional<std::string> from_base64url(std::string text) {
    if (text.empty() || text.size() > 200) return std::nullopt;
    for (auto& ch : text) {
        if (ch == '-')
            ch = '+';
        else if (ch == '_')
            ch = '/';
        else if (!std::isalnum(static_cast<unsigned char>(ch)))
            return std::nullopt;
    }
    const std::size_t pad = (4 - text.size() % 4) % 4;
    if (pad == 3) return std::nullopt;
    text.append(pad, '=');
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::optional<std::vector<std::int64_t>> decode_cursor(const std::string& cursor,
                                                       std::size_t key_size) {
    auto text = from_base64url(cursor);
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
