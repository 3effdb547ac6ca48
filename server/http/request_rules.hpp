#pragma once
// Rules of RFC 9112 (sections 3 and 6) that a request head must keep beyond what the HTTP parser
// checks: the request-target's form, Host, and header fields that may appear only once or not
// together. Pure: the transport feeds it what it parsed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/error.hpp"

namespace daring::server {

struct request_head {
    std::string_view method;
    std::string_view target;
    unsigned version = 11;                 // 10 for HTTP/1.0, 11 for HTTP/1.1
    std::vector<std::string> field_names;  // every field line's name, lower case, in order
};

// The problem that makes the request a 400 `bad_request`, or nullopt:
// - the target must be origin-form ("/path?query") or absolute-form ("http://host/path");
//   "*" only with OPTIONS; authority-form (CONNECT) is not served;
// - HTTP/1.1 needs exactly one Host, HTTP/1.0 at most one;
// - Authorization, Content-Length and Content-Type at most once each;
// - Transfer-Encoding and Content-Length never together (a smuggling vector).
std::optional<protocol::error> check_request_head(const request_head& head);

// The origin-form of a target ("/path?query"): as it is, or reduced from absolute-form
// ("http://host" alone is "/"). nullopt for any other form.
std::optional<std::string> origin_form(std::string_view target);

// Where one-tap join links point: "/j/<token>" (the token is a credential).
inline constexpr std::string_view join_path = "/j/";
// A request path as access logs may show it: a join link's token is replaced.
std::string loggable_path(std::string_view path);

}  // namespace daring::server
