#include "server/http/request_rules.hpp"

#include <algorithm>
#include <cctype>

namespace daring::server {

namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const char c = text[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c) != prefix[i])
            return false;
    }
    return true;
}

std::size_t count_of(const std::vector<std::string>& names, std::string_view name) {
    return static_cast<std::size_t>(std::count(names.begin(), names.end(), name));
}

protocol::error bad(std::string message, std::string field = {}) {
    return protocol::make_error("bad_request", std::move(message), std::move(field));
}

}  // namespace

std::optional<std::string> origin_form(std::string_view target) {
    if (target.starts_with('/')) return std::string(target);
    std::size_t scheme = 0;
    if (starts_with_nocase(target, "http://"))
        scheme = 7;
    else if (starts_with_nocase(target, "https://"))
        scheme = 8;
    else
        return std::nullopt;
    const auto rest = target.substr(scheme);
    const auto end = rest.find_first_of("/?#");
    const auto authority = rest.substr(0, end);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
    if (end == std::string_view::npos) return std::string("/");
    if (rest[end] == '#') return std::nullopt;  // fragments are never sent
    const auto path = rest.substr(end);
    return path.starts_with('?') ? "/" + std::string(path) : std::string(path);
}

std::optional<protocol::error> check_request_head(const request_head& head) {
    if (head.target == "*") {
        if (head.method != "OPTIONS") return bad("The target * is for OPTIONS only");
    } else if (!origin_form(head.target)) {
        return bad("The request target must be a path (/...) or an absolute http(s) URL");
    }
    const auto hosts = count_of(head.field_names, "host");
    if (head.version >= 11 && hosts == 0) return bad("An HTTP/1.1 request needs a Host header");
    if (hosts > 1) return bad("Send one Host header");
    for (const char* once : {"authorization", "content-length", "content-type"}) {
        if (count_of(head.field_names, once) > 1)
            return bad(std::string("Send one ") + once + " header");
    }
    if (count_of(head.field_names, "transfer-encoding") > 0 &&
        count_of(head.field_names, "content-length") > 0)
        return bad("Transfer-Encoding and Content-Length must not both be sent");
    return std::nullopt;
}

std::string loggable_path(std::string_view path) {
    if (path.starts_with(join_path)) return std::string(join_path) + "[token]";
    return std::string(path);
}

}  // namespace daring::server
