#include "server/cluster/delivery_batch.hpp"

#include <algorithm>
#include <limits>

namespace daring::server {

namespace {

void put(std::string& out, std::uint64_t v, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool take(std::string_view& in, std::size_t bytes, std::uint64_t& v) {
    if (in.size() < bytes) return false;
    v = 0;
    for (std::size_t i = 0; i < bytes; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(bytes);
    return true;
}

// One entry: kind (1), value (2), payload length (4) and bytes, socket count (4), sockets (8 each).
bool take_entry(std::string_view& in, delivery& d) {
    std::uint64_t kind = 0, value = 0, size = 0, count = 0;
    if (!take(in, 1, kind) || kind < 1 || kind > 4 || !take(in, 2, value) || !take(in, 4, size) ||
        size > in.size())
        return false;
    d.what = static_cast<delivery::kind>(kind);
    d.value = static_cast<std::uint16_t>(value);
    d.payload = std::make_shared<const std::string>(in.substr(0, size));
    in.remove_prefix(size);
    if (!take(in, 4, count) || count == 0 || count > in.size() / 8) return false;
    d.sockets.resize(count);
    for (auto& s : d.sockets) take(in, 8, s);
    return true;
}

}  // namespace

void delivery_batch::add(std::uint64_t socket, delivery::kind what,
                         const std::shared_ptr<const std::string>& payload, std::uint16_t value) {
    ++deliveries_;
    auto [last, first_for_socket] = last_of_.try_emplace(socket, 0);
    if (payload) {
        auto found = entry_of_.find(payload.get());
        if (found != entry_of_.end() && entries_[found->second].what == what &&
            (first_for_socket || last->second < found->second)) {
            entries_[found->second].sockets.push_back(socket);
            last->second = found->second;
            return;
        }
        entry_of_[payload.get()] = entries_.size();
    }
    entries_.push_back({what, payload, value, {socket}});
    last->second = entries_.size() - 1;
}

void delivery_batch::text(std::uint64_t socket, const std::shared_ptr<const std::string>& message) {
    add(socket, delivery::kind::text, message, 0);
}

void delivery_batch::audio(std::uint64_t socket, const std::shared_ptr<const std::string>& record,
                           std::uint16_t duration_ms) {
    add(socket, delivery::kind::audio, record, duration_ms);
}

void delivery_batch::close(std::uint64_t socket, std::uint16_t code, std::string_view reason) {
    add(socket, delivery::kind::close, nullptr, code);
    entries_.back().payload = std::make_shared<const std::string>(reason);
}

void delivery_batch::discard_audio(std::uint64_t socket) {
    add(socket, delivery::kind::discard_audio, nullptr, 0);
}

std::string delivery_batch::take_encoded() {
    auto pieces = take_pieces(std::numeric_limits<std::size_t>::max());
    return pieces.empty() ? take_pieces_empty() : std::move(pieces.front());
}

std::string delivery_batch::take_pieces_empty() {
    std::string out;
    put(out, 0, 4);
    return out;
}

std::vector<std::string> delivery_batch::take_pieces(std::size_t max_bytes) {
    // A piece: entry count (4), then entries. An entry whose sockets do not fit is split over
    // pieces (its payload repeated); every socket's deliveries stay in order across pieces.
    constexpr std::size_t head = 1 + 2 + 4 + 4;
    std::vector<std::string> pieces;
    std::string body;
    std::size_t count = 0;
    auto finish = [&] {
        if (count == 0) return;
        std::string piece;
        piece.reserve(4 + body.size());
        put(piece, count, 4);
        piece += body;
        pieces.push_back(std::move(piece));
        body.clear();
        count = 0;
    };
    for (const auto& e : entries_) {
        const std::string_view payload = e.payload ? std::string_view(*e.payload) : "";
        std::size_t from = 0;
        while (from < e.sockets.size()) {
            if (count > 0 && 4 + body.size() + head + payload.size() + 8 > max_bytes) finish();
            const std::size_t room = 4 + body.size() + head + payload.size() < max_bytes
                                         ? (max_bytes - 4 - body.size() - head - payload.size()) / 8
                                         : 0;
            const std::size_t n = std::min(e.sockets.size() - from, std::max<std::size_t>(1, room));
            put(body, static_cast<std::uint8_t>(e.what), 1);
            put(body, e.value, 2);
            put(body, payload.size(), 4);
            body += payload;
            put(body, n, 4);
            for (std::size_t i = from; i < from + n; ++i) put(body, e.sockets[i], 8);
            ++count;
            from += n;
        }
    }
    finish();
    entries_.clear();
    entry_of_.clear();
    last_of_.clear();
    deliveries_ = 0;
    return pieces;
}

std::optional<std::vector<delivery>> decode_deliveries(std::string_view in) {
    std::uint64_t count = 0;
    if (!take(in, 4, count) || count > in.size()) return std::nullopt;
    std::vector<delivery> out(count);
    for (auto& d : out)
        if (!take_entry(in, d)) return std::nullopt;
    if (!in.empty()) return std::nullopt;
    return out;
}

}  // namespace daring::server
