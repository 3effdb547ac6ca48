#include "server/cluster/relay_frame.hpp"

namespace daring::server {

namespace {

constexpr std::size_t header_size = 1 + 8 + 8 + 8 + 8 + 4;

template <class T>
void put(std::string& out, T v) {
    auto u = static_cast<std::uint64_t>(v);
    for (std::size_t i = 0; i < sizeof(T); ++i)
        out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

template <class T>
T take(std::string_view& in) {
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        u |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(sizeof(T));
    return static_cast<T>(u);
}

bool take_bytes(std::string_view& in, std::string& out) {
    if (in.size() < 4) return false;
    const auto n = take<std::uint32_t>(in);
    if (n > in.size()) return false;
    out.assign(in.substr(0, n));
    in.remove_prefix(n);
    return true;
}

}  // namespace

std::string encode(const relay_frame& f) {
    std::string out;
    out.reserve(header_size + 8 + f.a.size() + f.b.size());
    put(out, static_cast<std::uint8_t>(f.kind));
    put(out, f.epoch);
    put(out, f.seq);
    put(out, f.socket);
    put(out, f.user);
    put(out, f.code);
    put(out, static_cast<std::uint32_t>(f.a.size()));
    out += f.a;
    put(out, static_cast<std::uint32_t>(f.b.size()));
    out += f.b;
    return out;
}

std::optional<relay_frame> decode_relay_frame(std::string_view in) {
    if (in.size() < header_size + 8 || in.size() > relay_frame_limit) return std::nullopt;
    relay_frame f;
    const auto kind = take<std::uint8_t>(in);
    if (kind < static_cast<std::uint8_t>(relay_kind::deliveries) ||
        kind > static_cast<std::uint8_t>(relay_kind::alive))
        return std::nullopt;
    f.kind = static_cast<relay_kind>(kind);
    f.epoch = take<std::uint64_t>(in);
    f.seq = take<std::uint64_t>(in);
    f.socket = take<std::uint64_t>(in);
    f.user = take<std::int64_t>(in);
    f.code = take<std::uint32_t>(in);
    if (!take_bytes(in, f.a) || !take_bytes(in, f.b) || !in.empty()) return std::nullopt;
    return f;
}

}  // namespace daring::server
