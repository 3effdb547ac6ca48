#include "server/live/room_relay.hpp"

#include <charconv>

#include "protocol/json_text.hpp"

namespace daring::server {

namespace {

// A socket of another node, as a member of the owner's room: what the room delivers to it goes
// into its node's batch (on the room's strand, like every participant call).
class remote_participant final : public live_participant {
  public:
    template <class State>
    remote_participant(std::shared_ptr<State> node, delivery_batch& batch, std::uint64_t socket)
        : keep_(std::move(node)), batch_(batch), socket_(socket) {}
    void deliver(const shared_message& message) override { batch_.text(socket_, message); }
    void close(int code, std::string_view reason) override {
        batch_.close(socket_, static_cast<std::uint16_t>(code), reason);
    }
    void deliver_audio(const shared_message& record, std::uint16_t duration_ms) override {
        batch_.audio(socket_, record, duration_ms);
    }
    void discard_audio() override { batch_.discard_audio(socket_); }
    bool presence_elsewhere() const override { return true; }

  private:
    std::shared_ptr<const void> keep_;  // the node's state, which owns batch_
    delivery_batch& batch_;
    std::uint64_t socket_;
};

protocol::json spans_json(const std::vector<time_span>& spans) {
    auto out = protocol::json::array();
    for (const auto& s : spans) out.push_back({s.from, s.to});
    return out;
}

bool read_spans(const protocol::json& j, std::vector<time_span>& out) {
    if (!j.is_array()) return false;
    for (const auto& s : j) {
        if (!s.is_array() || s.size() != 2 || !s[0].is_number_integer() ||
            !s[1].is_number_integer())
            return false;
        out.push_back({s[0].get<protocol::unix_seconds>(), s[1].get<protocol::unix_seconds>()});
    }
    return true;
}

constexpr const char* mark_names[] = {"present", "absent", "excused"};

}  // namespace

std::string encode_join(const relayed_join& j) {
    protocol::json out = {
        {"user_id", j.member.user_id},
        {"name", j.member.full_name},
        {"role", protocol::to_string(j.member.user_role)},
        {"audio", j.audio},
        {"visible", spans_json(j.prior.visible)},
        {"hidden", spans_json(j.prior.hidden)},
    };
    if (j.resume) out["resume"] = *j.resume;
    if (j.prior.checked_in_at) out["checked_in_at"] = *j.prior.checked_in_at;
    if (j.prior.mark) out["mark"] = mark_names[static_cast<int>(*j.prior.mark)];
    return out.dump();
}

std::optional<relayed_join> decode_join(std::string_view text) {
    const auto j = protocol::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("user_id") || !j["user_id"].is_number_integer() ||
        !j.contains("name") || !j["name"].is_string() || !j.contains("role") ||
        !j["role"].is_string() || !j.contains("audio") || !j["audio"].is_boolean())
        return std::nullopt;
    relayed_join out;
    out.member.user_id = j["user_id"].get<std::int64_t>();
    out.member.full_name = j["name"].get<std::string>();
    const auto r = protocol::parse_role(j["role"].get<std::string>());
    if (!r) return std::nullopt;
    out.member.user_role = *r;
    out.audio = j["audio"].get<bool>();
    if (!read_spans(j.value("visible", protocol::json::array()), out.prior.visible) ||
        !read_spans(j.value("hidden", protocol::json::array()), out.prior.hidden))
        return std::nullopt;
    if (j.contains("resume")) {
        if (!j["resume"].is_number_unsigned()) return std::nullopt;
        out.resume = j["resume"].get<std::uint64_t>();
    }
    if (j.contains("checked_in_at")) {
        if (!j["checked_in_at"].is_number_integer()) return std::nullopt;
        out.prior.checked_in_at = j["checked_in_at"].get<protocol::unix_seconds>();
    }
    if (j.contains("mark")) {
        if (!j["mark"].is_string()) return std::nullopt;
        out.prior.mark = parse_manual_mark(j["mark"].get<std::string>());
        if (!out.prior.mark) return std::nullopt;
    }
    return out;
}

std::string join_frame(const std::string& node, std::uint64_t socket, const relayed_join& j) {
    return socket_frame(relay_kind::join, node, socket, encode_join(j));
}

std::string socket_frame(relay_kind kind, const std::string& node, std::uint64_t socket,
                         std::string_view payload) {
    relay_frame f;
    f.kind = kind;
    f.socket = socket;
    f.a = payload;
    f.b = node;
    return encode(f);
}

live_room::outcome owner_relay::receive(std::string_view bytes, live_room& room,
                                        protocol::unix_seconds now, std::int64_t steady_ms) {
    sender_ = nullptr;
    const auto f = decode_relay_frame(bytes);
    if (!f || f->kind == relay_kind::deliveries || f->kind == relay_kind::control || f->b.empty()) {
        ++dropped_;
        return live_room::outcome::none;
    }
    auto& state = nodes_[f->b];
    if (!state) state = std::make_shared<node_state>();
    state->heard = now;
    if (state->gone) {  // its sockets were dropped here: they rejoin
        state->gone = false;
        state->resync = true;
    }
    if (f->kind == relay_kind::alive) return live_room::outcome::none;
    const auto key = std::make_pair(f->b, f->socket);
    if (f->kind == relay_kind::join) {
        const auto j = decode_join(f->a);
        if (!j || stand_ins_.contains(key)) {
            ++dropped_;
            return live_room::outcome::none;
        }
        auto p = participant(f->b, f->socket);
        stand_ins_.emplace(key, p);
        room.join(p, j->member, j->resume, now, j->prior, j->audio);
        return live_room::outcome::none;
    }
    const auto found = stand_ins_.find(key);
    if (found == stand_ins_.end()) {
        ++dropped_;
        return live_room::outcome::none;
    }
    auto* p = found->second.get();
    sender_ = p;
    switch (f->kind) {
        case relay_kind::from_socket:
            return room.receive(p, f->a, now, steady_ms);
        case relay_kind::binary:
            room.receive_binary(p, f->a, now, steady_ms);
            return live_room::outcome::none;
        default: {  // leave, as of when its node last heard from it
            protocol::unix_seconds ended = now;
            const auto* end = f->a.data() + f->a.size();
            if (std::from_chars(f->a.data(), end, ended).ptr != end || ended > now) ended = now;
            room.leave(p, ended);
            sender_ = nullptr;
            stand_ins_.erase(found);
            return live_room::outcome::none;
        }
    }
}

std::vector<std::string> owner_relay::reap(live_room& room, protocol::unix_seconds now,
                                           protocol::unix_seconds silence) {
    std::vector<std::string> gone;
    for (auto& [node, state] : nodes_) {
        if (state->gone || now - state->heard <= silence) continue;
        const auto first = stand_ins_.lower_bound({node, 0});
        // A node whose sockets all left stops saying it is alive: nothing is lost there.
        if (first == stand_ins_.end() || first->first.first != node) continue;
        auto last = first;
        while (last != stand_ins_.end() && last->first.first == node) {
            room.leave(last->second.get(), state->heard);
            ++last;
        }
        stand_ins_.erase(first, last);
        state->gone = true;
        state->batch = delivery_batch{};  // nobody there to deliver to
        gone.push_back(node);
    }
    return gone;
}
std::shared_ptr<live_participant> owner_relay::participant(const std::string& node,
                                                           std::uint64_t socket) {
    auto& state = nodes_[node];
    if (!state) state = std::make_shared<node_state>();
    return std::make_shared<remote_participant>(state, state->batch, socket);
}

void owner_relay::flush(const publish_fn& publish) {
    for (auto& [node, state] : nodes_) {
        if (state->resync) {  // a frame number skipped: the node's sockets resume and rejoin
            state->resync = false;
            state->frames += 2;
            relay_frame f;
            f.epoch = epoch_;
            f.seq = state->frames;
            f.a = delivery_batch{}.take_encoded();
            publish(node, encode(f));
        }
        if (state->batch.empty()) continue;
        deliveries_ += state->batch.deliveries();
        // Each frame within NATS' largest message, the frame's own fields included.
        for (auto& piece : state->batch.take_pieces(relay_frame_limit - 1024 - node.size())) {
            relay_frame f;
            f.kind = relay_kind::deliveries;
            f.epoch = epoch_;
            f.seq = ++state->frames;
            f.a = std::move(piece);
            publish(node, encode(f));
        }
    }
}

void relay_endpoint::attach(std::uint64_t socket, std::shared_ptr<live_participant> p) {
    sockets_[socket] = std::move(p);
}

void relay_endpoint::detach(std::uint64_t socket) {
    sockets_.erase(socket);
}

relay_endpoint::outcome relay_endpoint::receive(std::string_view bytes) {
    const auto frame = decode_relay_frame(bytes);
    const auto batch =
        frame && frame->kind == relay_kind::deliveries ? decode_deliveries(frame->a) : std::nullopt;
    if (!batch) {
        ++counts_.malformed;
        return outcome::malformed;
    }
    if (frame->epoch < epoch_) {
        ++counts_.stale;
        return outcome::stale_owner;
    }
    if (frame->epoch > epoch_) {  // a new owner numbers its frames from 1
        epoch_ = frame->epoch;
        last_frame_ = 0;
    }
    const bool gap = frame->seq != last_frame_ + 1;
    last_frame_ = frame->seq;
    ++counts_.frames;
    if (gap) {
        ++counts_.gaps;
        for (auto& [socket, p] : sockets_)
            p->close(close_slow_consumer, "events were lost; resume");
        return outcome::gap_resume;
    }
    for (const auto& d : *batch) play(d);
    return outcome::played;
}

void relay_endpoint::play(const delivery& d) {
    for (const auto socket : d.sockets) {
        const auto found = sockets_.find(socket);
        auto* p = found == sockets_.end() ? nullptr : found->second.get();
        if (!p) {
            ++counts_.unknown_sockets;
            continue;
        }
        ++counts_.deliveries;
        switch (d.what) {
            case delivery::kind::text:
                p->deliver(d.payload);
                break;
            case delivery::kind::audio:
                p->deliver_audio(d.payload, d.value);
                break;
            case delivery::kind::close:
                p->close(d.value, *d.payload);
                break;
            case delivery::kind::discard_audio:
                p->discard_audio();
                break;
        }
    }
}

}  // namespace daring::server
