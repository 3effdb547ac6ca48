#pragma once
// Base64 (RFC 4648 section 4) and base64url (section 5, no padding), over OpenSSL's encoder.
// Pure and thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daring::server {

// Standard alphabet with '=' padding.
std::string base64(std::string_view bytes);
// The characters base64 makes of `bytes` bytes.
inline constexpr std::uint64_t base64_size(std::uint64_t bytes) {
    return 4 * ((bytes + 2) / 3);
}
// Standard base64 in lines of 76 characters, each ended by CRLF (MIME, RFC 2045).
std::string base64_lines(std::string_view bytes);
// URL- and file-safe alphabet ('-', '_'), no padding.
std::string base64url(std::string_view bytes);
// The bytes of an unpadded base64url text; nullopt when it is not one (other characters, an
// impossible length, or longer than `max_chars`).
std::optional<std::string> from_base64url(std::string_view text, std::size_t max_chars = 4096);

}  // namespace daring::server
