#include "server/live/room_relay.hpp"

#include "server/cluster/relay_frame.hpp"

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

  private:
    std::shared_ptr<const void> keep_;  // the node's state, which owns batch_
    delivery_batch& batch_;
    std::uint64_t socket_;
};

}  // namespace

std::shared_ptr<live_participant> owner_relay::participant(const std::string& node,
                                                           std::uint64_t socket) {
    auto& state = nodes_[node];
    if (!state) state = std::make_shared<node_state>();
    return std::make_shared<remote_participant>(state, state->batch, socket);
}

void owner_relay::flush(const publish_fn& publish) {
    for (auto& [node, state] : nodes_) {
        if (state->batch.empty()) continue;
        deliveries_ += state->batch.deliveries();
        relay_frame f;
        f.kind = relay_kind::deliveries;
        f.epoch = epoch_;
        f.seq = ++state->frames;
        f.a = state->batch.take_encoded();
        publish(node, encode(f));
    }
}

void relay_endpoint::attach(std::uint64_t socket, std::weak_ptr<live_participant> p) {
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
    if (gap) ++counts_.gaps;
    last_frame_ = frame->seq;
    ++counts_.frames;
    for (const auto& d : *batch) play(d);
    return gap ? outcome::played_after_gap : outcome::played;
}

void relay_endpoint::play(const delivery& d) {
    for (const auto socket : d.sockets) {
        auto found = sockets_.find(socket);
        auto p = found == sockets_.end() ? nullptr : found->second.lock();
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
