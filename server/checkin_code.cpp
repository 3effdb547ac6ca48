#include "server/checkin_code.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

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

current_checkin_code checkin_code_at(std::string_view secret, std::int64_t session_id, protocol::unix_seconds now) {
    const auto step = now / checkin_step;
    return {checkin_code(secret, session_id, step), (step + 1) * checkin_step};
}

bool checkin_code_valid(std::string_view secret, std::int64_t session_id, std::string_view code,
                        protocol::unix_seconds now) {
    if (code.size() != checkin_code_length) return false;
    const auto step = now / checkin_step;
    return code == checkin_code(secret, session_id, step) || code == checkin_code(secret, session_id, step - 1);
}

std::string qr_svg(std::string_view text) {
    const std::string input(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!qr) throw std::runtime_error("the text does not fit in a QR code");
    const int margin = 4;
    const int size = qr->width + 2 * margin;
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
                      std::to_string(size) + "\" shape-rendering=\"crispEdges\">" +
                      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < qr->width; ++y) {
        for (int x = 0; x < qr->width; ++x) {
            if (qr->data[y * qr->width + x] & 1) {
                svg += "M" + std::to_string(x + margin) + " " + std::to_string(y + margin) + "h1v1h-1z";
            }
        }
    }
    svg += "\"/></svg>";
    return svg;
}

}  // namespace daring::server
