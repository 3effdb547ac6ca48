#include "server/services/join_links.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <vector>

#include "server/services/tokens.hpp"

namespace daring::server {

namespace {

constexpr std::size_t max_token_length = 200;

std::string mac_of(const std::string& secret, std::string_view payload) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest, &length);
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    // base64url of the first 24 bytes: 32 characters, 192 bits.
    for (unsigned int i = 0; i + 2 < 24; i += 3) {
        const unsigned v = (digest[i] << 16) | (digest[i + 1] << 8) | digest[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(v >> shift) & 63]);
    }
    return out;
}

std::optional<std::int64_t> positive(std::string_view text) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
    return v;
}

}  // namespace

std::string make_join_token(const std::string& secret, std::int64_t user_id,
                            std::int64_t session_id, std::int64_t nonce) {
    const auto payload =
        std::to_string(user_id) + "." + std::to_string(session_id) + "." + std::to_string(nonce);
    return payload + "." + mac_of(secret, payload);
}

std::optional<join_claim> read_join_token(const std::string& secret, std::string_view token) {
    if (token.empty() || token.size() > max_token_length) return std::nullopt;
    std::vector<std::string_view> parts;
    std::size_t at = 0;
    while (parts.size() < 5) {
        const auto dot = token.find('.', at);
        parts.push_back(token.substr(at, dot == std::string_view::npos ? token.npos : dot - at));
        if (dot == std::string_view::npos) break;
        at = dot + 1;
    }
    if (parts.size() != 4) return std::nullopt;
    auto user = positive(parts[0]), session = positive(parts[1]), nonce = positive(parts[2]);
    if (!user || !session || !nonce) return std::nullopt;
    const auto payload = token.substr(0, token.size() - parts[3].size() - 1);
    if (!equal_constant_time(mac_of(secret, payload), parts[3])) return std::nullopt;
    return join_claim{*user, *session};
}

bool join_window_open(protocol::unix_seconds now, protocol::unix_seconds starts_at,
                      protocol::unix_seconds ends_at, protocol::unix_seconds early_s) {
    return now >= starts_at - early_s && now < ends_at;
}

std::string loggable_path(std::string_view path) {
    if (path.starts_with(join_path)) return std::string(join_path) + "[token]";
    return std::string(path);
}

}  // namespace daring::server
