#include "server/rules/checkin_code.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

namespace daring::server {

std::string checkin_code(std::string_view secret, std::int64_t session_id, std::int64_t step) {
    const std::string message = std::to_string(session_id) + ":" + std::to_string(step);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
    // Dynamic truncation as in RFC 4226.
    const int offset = digest[length - 1] & 0x0f;
    const std::uint32_t value = (static_cast<std::uint32_t>(digest[offset] & 0x7f) << 24) |
                                (static_cast<std::uint32_t>(digest[offset + 1]) << 16) |
                                (static_cast<std::uint32_t>(digest[offset + 2]) << 8) |
                                static_cast<std::uint32_t>(digest[offset + 3]);
    char out[8];
    std::snprintf(out, sizeof out, "%06u", value % 1000000u);
    return out;
}

current_checkin_code checkin_code_at(std::string_view secret, std::int64_t session_id,
                                     protocol::unix_seconds now) {
    const auto step = now / checkin_step;
    return {checkin_code(secret, session_id, step), (step + 1) * checkin_step};
}

bool checkin_code_valid(std::string_view secret, std::int64_t session_id, std::string_view code,
                        protocol::unix_seconds now) {
    if (code.size() != checkin_code_length) return false;
    const auto step = now / checkin_step;
    return code == checkin_code(secret, session_id, step) ||
           code == checkin_code(secret, session_id, step - 1);
}

}  // namespace daring::server
