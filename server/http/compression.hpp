#pragma once
// gzip for answers worth it: JSON, CSV, text and HTML bodies of at least
// compress_min_bytes (smaller ones gain less than the header costs), to clients that accept
// gzip. Streamed bodies, ranges and bodies already encoded are left alone.
#include <cstddef>

#include "server/http/http_types.hpp"

namespace daring::server {

inline constexpr std::size_t compress_min_bytes = 1024;
// Beyond this the body is sent as it is (the time to compress would hold a thread too long).
inline constexpr std::size_t compress_max_bytes = 16u << 20;

// Compresses `res.body` in place (Content-Encoding: gzip, Vary: Accept-Encoding) when the rules
// above allow; returns whether it did.
bool compress_if_worth(const http_request& req, http_response& res);

}  // namespace daring::server
