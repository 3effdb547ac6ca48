// The live hub across several nodes: the owner's side of a room (frames from other nodes in,
// one frame per node out) and the relaying side (a room owned elsewhere with sockets here).
// docs/architecture.md, "Several nodes".
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "server/live/live_hub_state.hpp"

namespace daring::server {

namespace asio = boost::asio;
using hub_detail::owner_subject;
using hub_detail::relay_slot;
using hub_detail::room_slot;
namespace live = protocol::live;

namespace hub_detail {

const char* mark_name(manual_mark m) {
    switch (m) {
        case manual_mark::present:
            return "present";
        case manual_mark::absent:
            return "absent";
        case manual_mark::excused:
            break;
    }
    return "excused";
}

}  // namespace hub_detail

namespace {
// Every node's close orders (logout, password change, deactivation, withdrawal).
constexpr const char* close_subject = "daring.nodes.close";
}  // namespace

void live_hub::set_cluster(nats_bus* bus, const std::string& node_id) {
    impl_->bus = bus;
    impl_->node = node_id;
    if (!bus) return;
    impl_->closes = bus->subscribe(close_subject, [i = impl_->weak_from_this()](
                                                      std::string_view, std::string_view,
                                                      std::string_view data) {
        auto self = i.lock();
        const auto j = protocol::json::parse(data, nullptr, false);
        if (!self || !j.is_object() || j.value("from", std::string()) == self->node) return;
        try {
            self->close_here({j.at("token").get<std::string>(), j.at("user").get<std::int64_t>(),
                              j.at("training").get<std::int64_t>(), j.at("code").get<int>(),
                              j.at("reason").get<std::string>(), j.at("keep").get<std::string>()});
        } catch (const protocol::json::exception&) {
            spdlog::warn("a malformed close order from another node was ignored");
        }
    });
}

void live_hub::impl::close_everywhere(const hub_detail::close_order& o) {
    close_here(o);
    if (!bus) return;
    const protocol::json j = {
        {"from", node},   {"token", o.token_hash}, {"user", o.user_id}, {"training", o.training_id},
        {"code", o.code}, {"reason", o.reason},    {"keep", o.keep}};
    bus->publish(close_subject, j.dump());
}

bool live_hub::clustered() const {
    return impl_->bus != nullptr;
}

const std::string& live_hub::node_id() const {
    return impl_->node;
}

void live_hub::impl::subscribe_inbox(const std::shared_ptr<room_slot>& slot) {
    const auto id = slot->room.session_id();
    std::weak_ptr<room_slot> weak = slot;
    inboxes[id] = bus->subscribe(owner_subject(id), [weak, i = weak_from_this()](
                                                        std::string_view, std::string_view,
                                                        std::string_view data) {
        auto s = weak.lock();
        auto self = i.lock();
        if (!s || !self) return;
        asio::post(s->strand, [s, self, bytes = std::string(data)] { self->from_node(s, bytes); });
    });
}

void live_hub::impl::from_node(const std::shared_ptr<room_slot>& slot, const std::string& bytes) {
    ++frames_in;
    if (slot->room.ended()) return;
    const auto frame = decode_relay_frame(bytes);
    if (frame && frame->kind == relay_kind::control) {
        const auto op = protocol::json::parse(frame->a, nullptr, false);
        if (op.is_object()) apply_control(slot, op);
        return;
    }
    const auto outcome =
        slot->relay->receive(bytes, slot->room, clk.now(), hub_detail::steady_now_ms());
    slot->settle();
    after_receive(slot, outcome, slot->relay->sender());
}

void live_hub::impl::apply_control(const std::shared_ptr<room_slot>& slot,
                                   const protocol::json& op) {
    const auto what = op.value("op", std::string());
    if (what == "end") {
        owner->end(slot->room.session_id());
    } else if (what == "slides") {
        if (auto slides = protocol::slides_from_json(op.value("slides", protocol::json())))
            slot->room.replace_slides(std::move(*slides));
    } else if (what == "mode") {
        if (auto mode = protocol::parse_delivery_mode(op.value("mode", std::string())))
            slot->room.change_mode(*mode, op.value("reason", std::string()));
    } else if (what == "evidence" && op.contains("user_id") && op["user_id"].is_number_integer()) {
        std::optional<protocol::unix_seconds> at;
        if (op.contains("checked_in_at") && op["checked_in_at"].is_number_integer())
            at = op["checked_in_at"].get<protocol::unix_seconds>();
        slot->room.update_evidence(op["user_id"].get<std::int64_t>(), at,
                                   parse_manual_mark(op.value("mark", std::string())), clk.now());
    } else {
        spdlog::warn("session {}: unknown control message from another node",
                     slot->room.session_id());
        return;
    }
    slot->settle();
}

bool live_hub::impl::send_control(std::int64_t session_id, const protocol::json& op) {
    relay_frame f;
    f.kind = relay_kind::control;
    f.a = op.dump();
    f.b = node;
    return bus->publish(owner_subject(session_id), encode(f));
}

std::shared_ptr<relay_slot> live_hub::impl::relay_of(std::int64_t session_id) {
    std::lock_guard lock(mutex);
    if (stopping) return nullptr;
    auto& relay = relays[session_id];
    if (relay) return relay;
    relay = std::make_shared<relay_slot>(ioc);
    std::weak_ptr<relay_slot> weak = relay;
    relay->feed = bus->subscribe(
        hub_detail::node_subject(session_id, node),
        [weak, i = weak_from_this()](std::string_view, std::string_view, std::string_view data) {
            auto r = weak.lock();
            auto self = i.lock();
            if (!r || !self) return;
            asio::post(r->strand, [r, self, bytes = std::string(data)] {
                ++self->frames_in;
                const auto before = r->endpoint.counts().deliveries;
                const auto outcome = r->endpoint.receive(bytes);
                self->relayed_deliveries += r->endpoint.counts().deliveries - before;
                if (outcome == relay_endpoint::outcome::gap_resume) ++self->gaps;
                if (outcome == relay_endpoint::outcome::stale_owner) ++self->stale;
            });
        });
    return relay;
}

void live_hub::impl::attach_relayed(const std::shared_ptr<live_participant>& p,
                                    const live_admission& a) {
    auto relay = relay_of(a.room.session_id);
    if (!relay) {
        p->close(close_going_away, "the server is shutting down");
        return;
    }
    if (auto replaced = enroll(p, a))
        replaced->close(close_replaced, "opened in another tab or device");
    const auto id = ++next_socket;
    relayed_join j{a.member, a.resume, a.audio, a.prior};
    {
        std::lock_guard lock(mutex);
        auto& s = relay->sockets[p.get()];
        s = {id, j, p};
        if (!a.member.staff()) open_presence(a.room.session_id, s, true, clk.now());
        if (a.owner->epoch >= relay->owner.epoch) relay->owner = *a.owner;
    }
    // The socket is known to the endpoint before the owner can answer the join.
    asio::post(relay->strand, [relay, id, p] { relay->endpoint.attach(id, p); });
    if (!bus->publish(owner_subject(a.room.session_id), join_frame(node, id, j)))
        p->close(close_moved, "the room cannot be reached; reconnect");
}

void live_hub::impl::open_presence(std::int64_t session_id, relay_slot::local_socket& s,
                                   bool visible, protocol::unix_seconds now) {
    s.tracked = true;
    s.visible = visible;
    s.last_seen = now;
    s.interval = sink ? sink->open(session_id, s.join.member.user_id, visible, now) : 0;
}

void live_hub::impl::end_presence(relay_slot::local_socket& s, protocol::unix_seconds at) {
    if (!s.tracked) return;
    s.tracked = false;
    if (sink && s.interval) sink->close(s.interval, at);
    s.interval = 0;
}

std::optional<live_hub::impl::relayed_message> live_hub::impl::relayed_heard(
    std::int64_t session_id, const std::shared_ptr<live_participant>& p, std::string_view text) {
    if (!bus) return std::nullopt;
    // Only a heartbeat is read here (the owner reads everything else).
    std::optional<live::parsed_message> beat;
    if (text.find("heartbeat") != std::string_view::npos) {
        beat = live::parse_client_message(text);
        if (!beat->message || !std::holds_alternative<live::heartbeat>(*beat->message))
            beat.reset();
    }
    const auto now = clk.now();
    std::lock_guard lock(mutex);
    auto relay = relays.find(session_id);
    if (relay == relays.end()) return std::nullopt;
    auto found = relay->second->sockets.find(p.get());
    if (found == relay->second->sockets.end()) return std::nullopt;
    auto& s = found->second;
    relayed_message out{s.id, true};
    if (s.tracked) s.last_seen = now;
    if (beat) {
        const bool visible = std::get<live::heartbeat>(*beat->message).visible;
        out.forward = s.tracked && visible != s.visible;  // the owner's figures follow it
        if (out.forward) {
            end_presence(s, now);
            open_presence(session_id, s, visible, now);
        }
    }
    if (s.tracked && !out.forward && sink && s.interval) sink->seen(s.interval, now);
    if (beat && !out.forward) {
        ++heartbeats_kept;
        if (!beat->id.is_null())
            asio::post(relay->second->strand,
                       [p, ack = std::make_shared<const std::string>(live::ack_message(beat->id))] {
                           p->deliver(ack);
                       });
    }
    return out;
}

std::optional<std::pair<std::uint64_t, protocol::unix_seconds>> live_hub::impl::relayed_leave(
    std::int64_t session_id, live_participant* p) {
    if (!bus) return std::nullopt;
    const auto now = clk.now();
    std::lock_guard lock(mutex);
    auto relay = relays.find(session_id);
    if (relay == relays.end()) return std::nullopt;
    auto found = relay->second->sockets.find(p);
    if (found == relay->second->sockets.end()) return std::nullopt;
    auto& s = found->second;
    // A socket that went silent ends where it was last heard from (as a room's would).
    const auto end =
        s.tracked && now - s.last_seen > limits.presence_stale_after ? s.last_seen : now;
    end_presence(s, end);
    const auto id = s.id;
    relay->second->sockets.erase(found);
    return std::make_pair(id, end);
}

void live_hub::impl::announce_relays() {
    std::vector<std::pair<std::int64_t, std::size_t>> rooms_here;
    {
        std::lock_guard lock(mutex);
        for (const auto& [id, relay] : relays)
            if (!relay->sockets.empty()) rooms_here.emplace_back(id, relay->sockets.size());
    }
    for (const auto& [id, count] : rooms_here)
        bus->publish(owner_subject(id),
                     socket_frame(relay_kind::alive, node, 0, std::to_string(count)));
}

void live_hub::impl::reap_nodes(room_slot& slot, protocol::unix_seconds now) {
    for (const auto& gone : slot.relay->reap(slot.room, now, hub_detail::node_silence)) {
        ++nodes_gone;
        spdlog::warn("session {}: node {} was not heard from for {} s; its sockets left the room",
                     slot.room.session_id(), gone, hub_detail::node_silence);
        if (sink) sink->node_gone(slot.room.session_id(), gone);
    }
}

void live_hub::impl::retire_room(std::int64_t session_id) {
    if (auto it = inboxes.find(session_id); it != inboxes.end()) {
        retired.push_back(std::move(it->second));
        inboxes.erase(it);
    }
}

std::vector<std::pair<std::int64_t, std::uint64_t>> live_hub::owned_rooms() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<std::pair<std::int64_t, std::uint64_t>> out;
    for (const auto& [id, slot] : impl_->rooms)
        out.emplace_back(id, slot->relay ? slot->relay->epoch() : 0);
    return out;
}

std::vector<std::pair<std::int64_t, room_owner>> live_hub::relayed_rooms() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<std::pair<std::int64_t, room_owner>> out;
    for (const auto& [id, relay] : impl_->relays)
        if (!relay->sockets.empty()) out.emplace_back(id, relay->owner);
    return out;
}

void live_hub::rejoin(std::int64_t session_id, const room_owner& new_owner) {
    std::vector<std::string> frames;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->relays.find(session_id);
        if (it == impl_->relays.end()) return;
        it->second->owner = new_owner;
        for (auto& [raw, local] : it->second->sockets) {
            local.join.resume.reset();  // the new owner's numbering: a fresh welcome
            frames.push_back(join_frame(impl_->node, local.id, local.join));
        }
    }
    for (const auto& f : frames) impl_->bus->publish(owner_subject(session_id), f);
}

void live_hub::take_over(const room_info& info, std::uint64_t epoch) {
    auto slot = impl_->find_or_create(info, epoch);
    if (!slot) return;
    std::vector<std::pair<std::shared_ptr<live_participant>, relayed_join>> moving;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->relays.find(info.session_id);
        if (it != impl_->relays.end()) {
            // The room records its members' presence from now on.
            const auto now = impl_->clk.now();
            for (auto& [raw, local] : it->second->sockets) {
                impl_->end_presence(local, now);
                if (auto p = local.participant.lock())
                    moving.emplace_back(std::move(p), local.join);
            }
            impl_->retired.push_back(std::move(it->second->feed));
            impl_->relays.erase(it);
        }
    }
    ++impl_->failovers;
    spdlog::warn("session {}: room taken over (epoch {}), {} sockets here move into it",
                 info.session_id, epoch, moving.size());
    asio::post(slot->strand, [slot, moving = std::move(moving), now = impl_->clk.now()] {
        for (const auto& [p, j] : moving)
            slot->room.join(p, j.member, std::nullopt, now, j.prior, j.audio);
        slot->settle();
    });
}

void live_hub::lose(std::int64_t session_id) {
    std::shared_ptr<room_slot> slot;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->rooms.find(session_id);
        if (it == impl_->rooms.end()) return;
        slot = it->second;
        impl_->rooms.erase(it);
        impl_->retire_room(session_id);
    }
    ++impl_->rooms_lost;
    spdlog::warn("session {}: another node took the room; its sockets here reconnect", session_id);
    asio::post(slot->strand, [slot, now = impl_->clk.now()] {
        slot->room.close_all(close_moved, "the room moved to another node", now);
    });
}

void live_hub::retire_subscriptions() {
    std::vector<std::unique_ptr<nats_bus::subscription>> dropping;
    {
        std::lock_guard lock(impl_->mutex);
        dropping.swap(impl_->retired);
        for (auto it = impl_->relays.begin(); it != impl_->relays.end();) {
            if (it->second->sockets.empty()) {
                dropping.push_back(std::move(it->second->feed));
                it = impl_->relays.erase(it);
            } else {
                ++it;
            }
        }
    }
    dropping.clear();  // unsubscribes, waiting for the server's confirmation
}

cluster_figures live_hub::cluster_counts() const {
    cluster_figures out;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->bus) out.rooms_owned = impl_->rooms.size();
        for (const auto& [id, relay] : impl_->relays) {
            if (relay->sockets.empty()) continue;
            ++out.rooms_relayed;
            out.relayed_sockets += relay->sockets.size();
        }
    }
    out.frames_in = impl_->frames_in;
    out.frames_out = *impl_->frames_out;
    out.relayed_deliveries = impl_->relayed_deliveries;
    out.gaps = impl_->gaps;
    out.stale = impl_->stale;
    out.failovers = impl_->failovers;
    out.rooms_lost = impl_->rooms_lost;
    out.heartbeats_kept = impl_->heartbeats_kept;
    out.nodes_gone = impl_->nodes_gone;
    return out;
}

}  // namespace daring::server
