#include "server/services/join_links.hpp"

#include <charconv>
#include <vector>

#include "server/util/base64.hpp"
#include "server/util/tokens.hpp"

namespace daring::server {

namespace {

constexpr std::size_t max_token_length = 200;

// base64url of the first 24 bytes of the HMAC-SHA-256: 32 characters, 192 bits.
std::string mac_of(const std::string& secret, std::string_view payload) {
    return base64url(hmac_sha256(secret, payload).substr(0, 24));
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

}  // namespace daring::server
