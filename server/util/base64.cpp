#include "server/util/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace daring::server {

std::string base64(std::string_view bytes) {
    std::string out(base64_size(bytes.size()), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_lines(std::string_view bytes) {
    constexpr std::size_t line_bytes = 57;  // 76 characters
    std::string out;
    out.reserve(base64_size(bytes.size()) + 2 * (bytes.size() / line_bytes + 1));
    for (std::size_t at = 0; at < bytes.size(); at += line_bytes) {
        out += base64(bytes.substr(at, line_bytes));
        out += "\r\n";
    }
    return out;
}

std::string base64url(std::string_view bytes) {
    auto out = base64(bytes);
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (auto& ch : out) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    return out;
}

std::optional<std::string> from_base64url(std::string_view text, std::size_t max_chars) {
    if (text.empty() || text.size() > max_chars) return std::nullopt;
    std::string standard(text);
    for (auto& ch : standard) {
        if (ch == '-')
            ch = '+';
        else if (ch == '_')
            ch = '/';
        else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= '0' && ch <= '9')))
            return std::nullopt;
    }
    const std::size_t pad = (4 - standard.size() % 4) % 4;
    if (pad == 3) return std::nullopt;  // one character left over carries no whole byte
    standard.append(pad, '=');
    std::string out(standard.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(standard.data()),
                                  static_cast<int>(standard.size()));
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

}  // namespace daring::server
