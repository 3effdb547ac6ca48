// The pointer and the pen over a deck page: trainers point (paced, never replayed) and draw
// strokes (ring events, kept per slide, in every welcome and slide event).
#include "server/live/live_room.hpp"

namespace daring::server {

using protocol::json;
namespace live = protocol::live;

json live_room::ink_json(int index) const {
    auto out = json::array();
    if (auto it = ink_.find(index); it != ink_.end())
        for (const auto& stroke : it->second) out.push_back(stroke);
    return out;
}

void live_room::send_pointer(std::int64_t steady_ms) {
    if (!pending_pointer_) return;
    auto message = std::make_shared<const std::string>(protocol::dump(*pending_pointer_));
    pending_pointer_.reset();
    last_pointer_ms_ = steady_ms;
    for (auto& [raw, c] : members_) {
        if (auto p = c.participant.lock()) p->deliver(message);
    }
    if (journal_) journal_->pointer(info_.session_id, *message, audio_heard_ms());
}

void live_room::flush_pointer(std::int64_t steady_ms) {
    if (pending_pointer_ && steady_ms - last_pointer_ms_ >= pointer_interval_ms)
        send_pointer(steady_ms);
}

live_room::outcome live_room::on(const live::pointer_move& m, incoming& in) {
    json ev = {{"type", "pointer"}, {"slide", slide_}};
    if (m.visible) {
        ev["x"] = m.x;
        ev["y"] = m.y;
    } else {
        ev["visible"] = false;
    }
    // The latest position wins; a move within the interval waits for the next tick.
    pending_pointer_ = std::move(ev);
    flush_pointer(in.steady_ms);
    return outcome::none;
}

live_room::outcome live_room::on(const live::ink_stroke& m, incoming& in) {
    auto& strokes = ink_[slide_];
    if (strokes.size() >= live::ink_strokes_limit) {
        refuse(in.p, in.c, in.id, "ink_full",
               "A slide holds at most " + std::to_string(live::ink_strokes_limit) +
                   " strokes: clear it first",
               in.now);
        return outcome::none;
    }
    auto stroke = live::to_json(m);
    strokes.push_back(stroke);
    broadcast({{"type", "ink"}, {"slide", slide_}, {"stroke", std::move(stroke)}});
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::ink_clear&, incoming& in) {
    ink_.erase(slide_);
    broadcast({{"type", "ink_clear"}, {"slide", slide_}});
    acknowledge(in);
    return outcome::none;
}

}  // namespace daring::server
