#pragma once
// Several nodes: which node owns each live room, and keeping it so (docs/architecture.md,
// "Several nodes"). A room's owner holds a lease row in the shared database
// (storage/lease_repo.hpp) and renews it every `renew_ms`; the first socket admitted to a room
// no node holds claims it for its node. Every round the keeper also watches the rooms this node
// relays: when the owner's lease has expired (the owner died or lost the database), this node
// claims the room, rebuilds it through the crash-recovery path and moves its sockets into it;
// when another node took it, its sockets here join the new owner. Thread-safe; the rounds run
// on the keeper's own thread (they wait for the database).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "server/live/live_hub.hpp"
#include "server/util/clock.hpp"
#include "storage/database.hpp"

namespace daring::server {

class nats_bus;
class session_lifecycle;

struct keeper_settings {
    std::string node_id;
    std::int64_t lease_ms = 3000;  // a lease not renewed for this long may be taken over
    std::int64_t renew_ms = 1000;  // between rounds (renewals, failover checks)
};

class room_keeper {
  public:
    room_keeper(storage::database& db, const clock& clk, live_link& live,
                session_lifecycle& sessions, nats_bus& bus, keeper_settings settings);
    ~room_keeper();  // stop()

    // At a live admission (a worker thread): the room's owner; when no node holds the room, this
    // node claims it. A claim that starts a new epoch ends the open presence intervals the
    // previous owner left (it is gone: its sockets reconnect and open new ones).
    room_owner place(std::int64_t session_id);
    // The owner when this node already serves the room (owned or relayed here), without the
    // database; none otherwise.
    std::optional<room_owner> known_owner(std::int64_t session_id) const;
    // One round now (the thread's work; tests): renewals, rooms lost, failovers, rejoins.
    void round();
    void start();
    // Stops the rounds and gives up the leases of the rooms owned here, so other nodes take
    // them at once rather than after the lease runs out. Idempotent.
    void stop();
    const std::string& node_id() const { return settings_.node_id; }
    const keeper_settings& settings() const { return settings_; }
    // This node's figures in Prometheus text: rooms owned and relayed, relayed sockets, relay
    // frames, failovers, the NATS connection and its last measured round trip.
    std::string metrics_text() const;

  private:
    // Claims the room for this node in the database; the owner afterwards.
    room_owner claim(std::int64_t session_id);
    void renew();
    void watch_relayed();
    bool take_over(std::int64_t session_id);
    std::int64_t now_ms() const { return clk_.now_ms(); }

    storage::database& db_;
    const clock& clk_;
    live_link& live_;
    session_lifecycle& sessions_;
    nats_bus& bus_;
    const keeper_settings settings_;
    std::mutex mutex_;                              // guards claimed_, stopping_, started_
    std::map<std::int64_t, std::int64_t> claimed_;  // session -> when claimed here (ms)
    bool stopping_ = false;
    bool started_ = false;
    std::condition_variable wake_;
    std::thread thread_;
    std::atomic<std::int64_t> round_trip_us_{-1};
};

}  // namespace daring::server
