#include "server/sessions/room_keeper.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "server/cluster/nats_bus.hpp"
#include "server/live/live_recovery.hpp"
#include "server/sessions/session_lifecycle.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/lease_repo.hpp"
#include "storage/session_repo.hpp"

namespace daring::server {

namespace {

// A claim this recent is not given up as unused: its room is being built.
constexpr std::int64_t claim_grace_ms = 10'000;

void figure(std::string& out, const char* name, const char* type, const char* help, double value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
}

}  // namespace

room_keeper::room_keeper(storage::database& db, const clock& clk, live_link& live,
                         session_lifecycle& sessions, nats_bus& bus, keeper_settings settings)
    : db_(db),
      clk_(clk),
      live_(live),
      sessions_(sessions),
      bus_(bus),
      settings_(std::move(settings)) {}

room_keeper::~room_keeper() {
    stop();
}

std::optional<room_owner> room_keeper::known_owner(std::int64_t session_id) const {
    const auto* hub = live_.get();
    if (!hub) return std::nullopt;
    for (const auto& [id, epoch] : hub->owned_rooms())
        if (id == session_id) return room_owner{settings_.node_id, epoch};
    for (const auto& [id, owner] : hub->relayed_rooms())
        if (id == session_id) return owner;
    return std::nullopt;
}

room_owner room_keeper::place(std::int64_t session_id) {
    if (auto known = known_owner(session_id)) return *known;
    return claim(session_id);
}

room_owner room_keeper::claim(std::int64_t session_id) {
    const auto now = now_ms();
    const auto lease = db_.write([&](storage::connection& c) {
        const auto before = storage::lease_of(c, session_id);
        auto got = storage::claim_lease(c, session_id, settings_.node_id, now, settings_.lease_ms);
        const bool new_epoch = !before || before->epoch != got.epoch;
        // The last owner died: its trainees' intervals end at their last heartbeat (the other
        // nodes' trainees' go on: each node records its own).
        if (got.node_id == settings_.node_id && new_epoch && before &&
            before->node_id != settings_.node_id) {
            const int ended = storage::close_open_presence_of(c, session_id, before->node_id);
            if (ended > 0)
                spdlog::info("session {}: {} presence intervals of its last owner ({}) ended",
                             session_id, ended, before->node_id);
        }
        return got;
    });
    if (lease.node_id == settings_.node_id) {
        std::lock_guard lock(mutex_);
        claimed_[session_id] = now;
    }
    return {lease.node_id, static_cast<std::uint64_t>(lease.epoch)};
}

void room_keeper::start() {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) return;
    started_ = true;
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            try {
                round();
            } catch (const std::exception& e) {  // the database away: the next round retries
                spdlog::error("room leases: {}", e.what());
            }
            lock.lock();
            wake_.wait_for(lock, std::chrono::milliseconds(settings_.renew_ms),
                           [this] { return stopping_; });
        }
    });
}

void room_keeper::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    auto* hub = live_.get();
    if (!hub) return;
    try {
        const auto owned = hub->owned_rooms();
        db_.write([&](storage::connection& c) {
            for (const auto& [id, epoch] : owned) storage::release_lease(c, id, settings_.node_id);
            return 0;
        });
        if (!owned.empty()) spdlog::info("{} live rooms given up for other nodes", owned.size());
    } catch (const std::exception& e) {
        spdlog::error("room leases not given up (they expire by themselves): {}", e.what());
    }
}

void room_keeper::round() {
    if (!live_) return;
    renew();
    watch_relayed();
    live_->retire_subscriptions();
    if (const auto rtt = bus_.round_trip())
        round_trip_us_ = rtt->count();
    else
        round_trip_us_ = -1;
}

// Renews every lease held here; a room owned here whose lease another node took is lost; a
// lease held for a room no longer served here (it ended) is given up.
void room_keeper::renew() {
    const auto owned = live_->owned_rooms();
    const auto now = now_ms();
    std::set<std::int64_t> serving;
    for (const auto& [id, epoch] : owned) serving.insert(id);
    {
        std::lock_guard lock(mutex_);
        for (auto it = claimed_.begin(); it != claimed_.end();) {
            if (now - it->second < claim_grace_ms) {
                serving.insert(it->first);
                ++it;
            } else {
                it = claimed_.erase(it);
            }
        }
    }
    const auto held = db_.write([&](storage::connection& c) {
        auto renewed = storage::renew_leases(c, settings_.node_id, now + settings_.lease_ms);
        std::erase_if(renewed, [&](std::int64_t id) {
            if (serving.contains(id)) return false;
            storage::release_lease(c, id, settings_.node_id);
            return true;
        });
        return renewed;
    });
    for (const auto& [id, epoch] : owned)
        if (std::find(held.begin(), held.end(), id) == held.end()) live_->lose(id);
}

// The rooms relayed here: an expired lease is taken over; a new owner is joined.
void room_keeper::watch_relayed() {
    const auto relayed = live_->relayed_rooms();
    if (relayed.empty()) return;
    const auto leases = db_.read([&](storage::connection& c) {
        std::map<std::int64_t, storage::room_lease> out;
        for (const auto& [id, owner] : relayed)
            if (auto l = storage::lease_of(c, id)) out[id] = *l;
        return out;
    });
    const auto now = now_ms();
    for (const auto& [id, owner] : relayed) {
        const auto found = leases.find(id);
        if (found == leases.end() || found->second.expires_ms <= now) {
            take_over(id);
            continue;
        }
        const auto& lease = found->second;
        if (lease.node_id != owner.node || static_cast<std::uint64_t>(lease.epoch) != owner.epoch) {
            spdlog::info("session {}: its room moved to node {}; sockets here join it", id,
                         lease.node_id);
            live_->rejoin(id, {lease.node_id, static_cast<std::uint64_t>(lease.epoch)});
        }
    }
}

bool room_keeper::take_over(std::int64_t session_id) {
    const auto owner = claim(session_id);
    if (owner.node != settings_.node_id) {
        live_->rejoin(session_id, owner);
        return false;
    }
    const auto now = clk_.now();
    auto info = db_.read([&](storage::connection& c) -> std::optional<room_info> {
        auto s = storage::find_session(c, session_id);
        if (!s || s->current.status != protocol::session_status::live) return std::nullopt;
        auto recovery = std::make_shared<live_recovery>(
            load_recovery(c, session_id, room_limits{}.chat_history));
        auto room = sessions_.room_of(*s, now);
        room.recovery = std::move(recovery);
        return room;
    });
    if (!info) return false;
    spdlog::warn("session {}: its owner's lease expired; this node ({}) takes the room over",
                 session_id, settings_.node_id);
    live_->take_over(*info, owner.epoch);
    return true;
}

std::string room_keeper::metrics_text() const {
    std::string out;
    const auto* hub = live_.get();
    const auto c = hub ? hub->cluster_counts() : cluster_figures{};
    const auto n = bus_.figures();
    figure(out, "daring_cluster_rooms_owned", "gauge", "Live rooms whose authority is this node.",
           static_cast<double>(c.rooms_owned));
    figure(out, "daring_cluster_rooms_relayed", "gauge",
           "Live rooms owned by another node with sockets here.",
           static_cast<double>(c.rooms_relayed));
    figure(out, "daring_cluster_relayed_sockets", "gauge",
           "Sockets here in rooms owned by another node.", static_cast<double>(c.relayed_sockets));
    figure(out, "daring_cluster_frames_in_total", "counter", "Relay frames received.",
           static_cast<double>(c.frames_in));
    figure(out, "daring_cluster_frames_out_total", "counter", "Relay frames sent by owned rooms.",
           static_cast<double>(c.frames_out));
    figure(out, "daring_cluster_relayed_deliveries_total", "counter",
           "Messages delivered here on behalf of another node's room.",
           static_cast<double>(c.relayed_deliveries));
    figure(out, "daring_cluster_frame_gaps_total", "counter",
           "Relay frames that followed a lost one (their sockets resume by seq).",
           static_cast<double>(c.gaps));
    figure(out, "daring_cluster_failovers_total", "counter",
           "Rooms this node took over after their owner's lease expired.",
           static_cast<double>(c.failovers));
    figure(out, "daring_cluster_rooms_lost_total", "counter",
           "Rooms another node took while this one held them.", static_cast<double>(c.rooms_lost));
    figure(out, "daring_cluster_heartbeats_kept_total", "counter",
           "Heartbeats of sockets here in rooms owned elsewhere, answered and recorded here.",
           static_cast<double>(c.heartbeats_kept));
    figure(out, "daring_cluster_nodes_gone_total", "counter",
           "Nodes an owned room stopped hearing from (their sockets left, their intervals ended).",
           static_cast<double>(c.nodes_gone));
    figure(out, "daring_nats_connected", "gauge", "1 while connected to NATS.",
           n.connected ? 1.0 : 0.0);
    figure(out, "daring_nats_reconnects_total", "counter", "Reconnections to NATS.",
           static_cast<double>(n.reconnects));
    figure(out, "daring_nats_publish_failures_total", "counter",
           "Publishes refused (disconnected past the buffer).",
           static_cast<double>(n.publish_failures));
    const auto rtt = round_trip_us_.load();
    figure(out, "daring_nats_round_trip_seconds", "gauge",
           "The last measured NATS round trip (-1: none while disconnected).",
           rtt < 0 ? -1.0 : static_cast<double>(rtt) / 1e6);
    return out;
}

}  // namespace daring::server
