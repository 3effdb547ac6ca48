#include "server/http/http_types.hpp"

#include <algorithm>
#include <cctype>

namespace daring::server {

std::int64_t http_request::arrived_ms(std::int64_t now_ms,
                                      std::chrono::steady_clock::time_point steady_now) const {
    if (received_at == std::chrono::steady_clock::time_point{}) return now_ms;
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(steady_now - received_at).count();
    return now_ms - std::max<std::int64_t>(0, waited);
}

std::string_view http_request::header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers)
        if (name == lower_name) return value;
    return {};
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::string percent_decode(std::string_view s, bool plus_as_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::string> http_request::query_param(std::string_view name) const {
    std::string_view q = query;
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        auto eq = pair.find('=');
        std::string key = percent_decode(pair.substr(0, eq), true);
        if (key == name) {
            return eq == std::string_view::npos ? std::string{}
                                                : percent_decode(pair.substr(eq + 1), true);
        }
    }
    return std::nullopt;
}

std::string http_request::cookie(std::string_view name) const {
    for (const auto& [hname, value] : headers) {
        if (hname != "cookie") continue;
        std::string_view v = value;
        while (!v.empty()) {
            auto semi = v.find(';');
            std::string_view part = v.substr(0, semi);
            v = semi == std::string_view::npos ? std::string_view{} : v.substr(semi + 1);
            while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
            auto eq = part.find('=');
            if (eq != std::string_view::npos && part.substr(0, eq) == name) {
                return std::string(part.substr(eq + 1));
            }
        }
    }
    return {};
}

void http_response::set_header(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
        if (n == name) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

http_response json_text_response(int status, std::string text) {
    http_response r;
    r.status = status;
    r.body = std::move(text);
    r.set_header("Content-Type", "application/json; charset=utf-8");
    r.set_header("Cache-Control", "no-store");
    return r;
}

http_response json_response(int status, const protocol::json& body) {
    return json_text_response(status, protocol::dump(body));
}

http_response error_response(int status, const protocol::error& e) {
    return json_text_response(status, protocol::error_body(e));
}

http_response error_response(int status, std::string code, std::string message, std::string field) {
    return error_response(
        status, protocol::make_error(std::move(code), std::move(message), std::move(field)));
}

http_response no_content() {
    http_response r;
    r.status = 204;
    r.set_header("Cache-Control", "no-store");
    return r;
}

std::string_view status_reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "";
    }
}

std::string request_origin(const http_request& req) {
    return std::string(req.tls ? "https://" : "http://") + std::string(req.header("host"));
}

std::vector<std::pair<std::string, std::string>> default_headers(bool tls, long hsts_max_age) {
    std::vector<std::pair<std::string, std::string>> out{
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"Cache-Control", "no-store"},
        {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"}};
    if (tls && hsts_max_age > 0)
        out.emplace_back("Strict-Transport-Security", "max-age=" + std::to_string(hsts_max_age));
    return out;
}

namespace {

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

}  // namespace

void add_default_headers(http_response& res, bool tls, long hsts_max_age) {
    auto has = [&](std::string_view name) {
        return std::any_of(res.headers.begin(), res.headers.end(),
                           [&](const auto& h) { return same_name(h.first, name); });
    };
    const bool html = std::any_of(res.headers.begin(), res.headers.end(), [](const auto& h) {
        return same_name(h.first, "Content-Type") && h.second.starts_with("text/html");
    });
    for (auto& [name, value] : default_headers(tls, hsts_max_age)) {
        if (has(name)) continue;
        if (html && name == "Content-Security-Policy") continue;  // pages carry their own
        res.headers.emplace_back(std::move(name), std::move(value));
    }
}

}  // namespace daring::server
