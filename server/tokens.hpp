#pragma once
// Random tokens and digests (OpenSSL). Thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

namespace daring::server {

// `bytes` random bytes from OpenSSL's CSPRNG, base64url without padding.
std::string random_token(std::size_t bytes);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Constant-time comparison of equal-length strings (false when lengths differ).
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace daring::server
