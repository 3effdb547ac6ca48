#pragma once
// Random tokens, digests and MACs (OpenSSL). Thread-safe; no state of ours.
#include <cstddef>
#include <string>
#include <string_view>

namespace daring::server {

// `bytes` random bytes from OpenSSL's CSPRNG, base64url without padding.
std::string random_token(std::size_t bytes);
// `chars` random characters from Crockford's base32 alphabet (no I, L, O, U): codes people
// read aloud or type from paper.
std::string random_code(std::size_t chars);
// Standard base64 of the SHA-256 digest (for CSP hash sources).
std::string sha256_base64(std::string_view data);
// Standard base64 of the SHA-1 digest (the WebSocket accept key; not for security).
std::string sha1_base64(std::string_view data);
// HMAC-SHA-256 of `data` under `key`: the 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Constant-time comparison of equal-length strings (false when lengths differ).
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace daring::server
