#pragma once
// Plain HTTP request/response values handed between the Beast transport (http_server.cpp) and
// the application (router, handlers). No Beast here, so handler files compile fast.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/error.hpp"
#include "protocol/json_text.hpp"

namespace daring::server {

struct http_request {
    std::string method;  // upper case, e.g. "GET"
    std::string target;  // as received: path and query
    std::string path;    // target before '?', not percent-decoded
    std::string query;   // after '?'
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string body;
    std::string remote_address;
    bool tls = false;
    // When the whole request had been read (before any queueing for a worker).
    std::chrono::steady_clock::time_point received_at{};

    // First value of a header (name in lower case), empty when absent.
    std::string_view header(std::string_view lower_name) const;
    // A decoded query parameter, nullopt when absent.
    std::optional<std::string> query_param(std::string_view name) const;
    // The value of cookie `name`, empty when absent.
    std::string cookie(std::string_view name) const;
    // The moment it arrived on a clock that reads `now_ms` at `steady_now`: now less the time
    // since it was read (now itself when received_at is unset).
    std::int64_t arrived_ms(std::int64_t now_ms, std::chrono::steady_clock::time_point steady_now =
                                                     std::chrono::steady_clock::now()) const;
};

// A response body produced piece by piece: next() runs on the worker pool (it may block on disk)
// and returns the next piece, or nullopt at the end. The transport sends each piece as an HTTP/1.1
// chunk as soon as it is produced, so the whole body is never held in memory.
class body_source {
  public:
    virtual ~body_source() = default;
    virtual std::optional<std::string> next() = 0;
};

struct http_response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::shared_ptr<body_source> stream;  // when set, the body instead of `body` (chunked)
    // With `stream`: the exact length it produces, sent as Content-Length instead of chunked
    // (media players seek better with it). A source that comes up short closes the connection.
    std::optional<std::uint64_t> stream_length;
    bool close = false;       // close the connection after this response
    std::string route_label;  // bounded label for metrics: the matched route pattern

    void set_header(std::string name, std::string value);
};

http_response json_response(int status, const protocol::json& body);
// The same from JSON already serialised.
http_response json_text_response(int status, std::string text);
http_response error_response(int status, const protocol::error& e);
http_response error_response(int status, std::string code, std::string message,
                             std::string field = {});
http_response no_content();

// Thrown by handlers for an expected client error; the boundary turns it into a response and
// does not log it as a failure.
class http_error : public std::runtime_error {
  public:
    http_error(int status, protocol::error e)
        : std::runtime_error(e.message), status(status), error(std::move(e)) {}
    http_error(int status, std::string code, std::string message, std::string field = {})
        : http_error(status,
                     protocol::make_error(std::move(code), std::move(message), std::move(field))) {}
    int status;
    protocol::error error;
    std::vector<std::pair<std::string, std::string>> headers;
};

// The parsed value, or http_error 422 with the parser's error.
template <class T>
T parsed_or_422(protocol::result<T> r) {
    if (!r) throw http_error(422, r.err());
    return std::move(*r);
}

std::string percent_decode(std::string_view text, bool plus_as_space);

// Sets what every response carries unless it set its own: X-Content-Type-Options nosniff,
// Referrer-Policy no-referrer, Cache-Control no-store, a Content-Security-Policy that allows
// nothing for bodies other than HTML pages (pages set their own), and under TLS
// Strict-Transport-Security with `hsts_max_age` seconds (none when 0).
void add_default_headers(http_response& res, bool tls, long hsts_max_age);
// The same for a response that has only a status and a content type.
std::vector<std::pair<std::string, std::string>> default_headers(bool tls, long hsts_max_age);

// "http(s)://<Host header>": the origin the client used to reach this server.
std::string request_origin(const http_request& req);

// Standard reason phrase, for logs and tests.
std::string_view status_reason(int status);

}  // namespace daring::server
