#pragma once
// Every live room of the process, each on its own strand; the bridge between WebSocket
// sessions (which post here) and rooms. Thread-safe. Asio stays in live_hub.cpp.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/live/live_room.hpp"
#include "server/rules/delivery_policy.hpp"
#include "server/util/clock.hpp"

namespace boost::asio {
class io_context;
}

namespace daring::server {

// Several nodes: the node that owns a live room, under its lease's epoch.
struct room_owner {
    std::string node;
    std::uint64_t epoch = 0;
};

// What the HTTP layer found out about a live connection before upgrading it.
struct live_admission {
    room_info room;
    live_member member;
    std::optional<std::uint64_t> resume;
    bool audio = true;                    // false: `?audio=off`, no audio until audio_subscribe
    std::string token_hash;               // the login session behind the socket
    protocol::unix_seconds deadline = 0;  // when that login session expires
    prior_attendance prior;               // trainees: their attendance so far
    std::optional<room_owner> owner;      // several nodes: where the room lives (none: here)
};

class nats_bus;

// Several nodes, this node's share (for /metrics).
struct cluster_figures {
    std::size_t rooms_owned = 0;                  // rooms whose authority is here
    std::size_t rooms_relayed = 0;                // rooms owned elsewhere with sockets here
    std::size_t relayed_sockets = 0;              // sockets here in rooms owned elsewhere
    std::uint64_t frames_in = 0, frames_out = 0;  // relay frames received / published
    std::uint64_t relayed_deliveries = 0;         // deliveries played here from other owners
    std::uint64_t gaps = 0, stale = 0;            // frames after a lost one; of an older owner
    std::uint64_t failovers = 0;        // rooms taken over from a node whose lease expired
    std::uint64_t rooms_lost = 0;       // rooms another node took while this one held them
    std::uint64_t heartbeats_kept = 0;  // relayed sockets' heartbeats answered here, not sent on
    std::uint64_t nodes_gone = 0;       // nodes an owned room stopped hearing from (reaped)
};

// Live sockets one user may hold at once (tabs, devices); a further one replaces the oldest,
// which is closed with close_replaced (4009).
inline constexpr std::size_t default_live_sockets_per_user = 5;

class event_journal;

// The outcome of an open_quiz request: the quiz and its stored run, or an error.
struct quiz_opening {
    std::optional<protocol::quiz> quiz;
    std::int64_t run_id = 0;
    protocol::unix_seconds closes_at = 0;
    std::string code, message;  // when refused
};

// What rooms ask of the rest of the server: the requests of trainers that need the database.
// Called on a room's strand: must not block (queue the work, answer from any thread).
class live_control {
  public:
    virtual ~live_control() = default;
    // A trainer sent open_quiz: check the quiz belongs to `training_id`, store the run, then
    // call `reply`.
    virtual void quiz_requested(std::int64_t session_id, std::int64_t training_id,
                                const live_room::quiz_request& request,
                                std::function<void(quiz_opening)> reply) = 0;
    // A trainer (`user_id`) sent end_session: persist the end, then end the room (live_hub::end).
    virtual void end_requested(std::int64_t session_id, std::int64_t user_id) = 0;
};

class live_hub {
  public:
    live_hub(boost::asio::io_context& ioc, const clock& clk);
    ~live_hub();

    // Presence intervals of every room go to `sink`, flushed every `flush_every` seconds.
    // Set before start().
    void set_presence_sink(presence_sink* sink, int flush_every);
    // Live quiz answers and results of every room go to `sink`. Set before start().
    void set_quiz_sink(quiz_sink* sink);
    // Questions, votes, polls and reaction counts of every room go to `sink`. Before start().
    void set_taking_part_sink(taking_part_sink* sink);
    // Every room's timeline goes to `journal`, flushed once a second. Set before start().
    void set_journal(event_journal* journal);
    // Queues the buffered timeline now (before a write that must come after it: a session's end).
    void flush_timeline();
    // Where trainers' requests that need the database go (open a quiz, end the session). Set
    // before start(); without one, such requests are refused.
    void set_control(live_control* control);
    // Whether the session's room exists (when not, an admission loads its recovery).
    bool has_room(std::int64_t session_id) const;
    // At most `limit` (>= 1) sockets per user; set before start().
    void set_sockets_per_user(std::size_t limit);
    // Whether rooms refuse audio faster than real time (benchmarks turn it off). Before start.
    void set_audio_paced(bool paced);

    // Starts the timer (4 times a second: quiz tallies; once a second: (presence coalescing,
    // attendance figures, login expiry, presence flushes).
    void start();
    // Creates the room of a session that just went live (no-op when it exists).
    void open(const room_info& info);
    // Broadcasts session_ended, closes the room's sockets with 1000, forgets the room.
    void end(std::int64_t session_id);
    // A socket joins (creating the room after a restart) / leaves / sends a text message.
    void attach(const std::shared_ptr<live_participant>& p, const live_admission& a);
    void detach(std::int64_t session_id, live_participant* p);
    void receive(std::int64_t session_id, const std::shared_ptr<live_participant>& p,
                 std::string text);
    // A binary message: the audio lane's (refused until a speaker holds the floor).
    void receive_binary(std::int64_t session_id, const std::shared_ptr<live_participant>& p,
                        std::string bytes);
    // Closes the sockets of a login session (logout) with 4001.
    void close_token(const std::string& token_hash);
    // Closes every live socket of a user but those of login session `keep` (a token hash),
    // with `code` (4001 after a password change, 4003 on deactivation).
    void close_user(std::int64_t user_id, int code, const std::string& reason,
                    const std::string& keep = {});
    // Closes a user's sockets in the training's rooms with 4003 (withdrawn or unassigned).
    void close_member(std::int64_t training_id, std::int64_t user_id);
    // A check-in or mark was stored for a trainee of a live session (see live_room).
    void update_evidence(std::int64_t session_id, std::int64_t user_id,
                         std::optional<protocol::unix_seconds> checked_in_at,
                         std::optional<manual_mark> mark);
    // Server shutdown: every socket closes with 1001; no new rooms.
    void shutdown();
    // A session's slides changed (a deck became ready, a trainer edited them), after COMMIT.
    void slides_changed(std::int64_t session_id, std::vector<protocol::slide> slides);
    // A session's mode or status changed (after COMMIT, from any thread).
    void delivery_changed(const delivery_change& change);

    std::size_t room_count() const;
    std::size_t socket_count() const;

    // Several nodes (docs/architecture.md, "Several nodes"). Set before start(); without it the
    // hub serves every room itself. A room lives on its owner (an admission's `owner`); a
    // socket admitted to a room owned elsewhere is relayed: its messages go to the owner over
    // `bus`, and what the owner delivers comes back to it. Ending, check-ins and mode changes of
    // a room owned elsewhere are sent to the owner.
    void set_cluster(nats_bus* bus, const std::string& node_id);
    bool clustered() const;
    const std::string& node_id() const;
    // The rooms owned here, each with its lease epoch.
    std::vector<std::pair<std::int64_t, std::uint64_t>> owned_rooms() const;
    // The rooms relayed here, each with the owner its sockets joined.
    std::vector<std::pair<std::int64_t, room_owner>> relayed_rooms() const;
    // The owner of a relayed room changed (a failover elsewhere): its sockets here join again,
    // at the new owner.
    void rejoin(std::int64_t session_id, const room_owner& owner);
    // This node took over a relayed room whose owner's lease expired: the room is rebuilt from
    // `info.recovery` under `epoch` and the sockets here move into it without closing.
    void take_over(const room_info& info, std::uint64_t epoch);
    // Another node took a room owned here (this node missed its renewals): the sockets here
    // close with 1012 (they reconnect and are placed again) and the room is forgotten.
    void lose(std::int64_t session_id);
    // Drops the NATS subscriptions of rooms no longer served here (it may wait for the server:
    // call from a thread that may block, not an I/O thread).
    void retire_subscriptions();
    cluster_figures cluster_counts() const;

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

// The live rooms, once the transport has attached them. Set before the first request and
// cleared after the last one (by the transport); read from any thread. Null while no transport
// runs (tests of the application alone), so callers check it.
class live_link {
  public:
    live_hub* get() const { return hub_.load(std::memory_order_acquire); }
    void set(live_hub* hub) { hub_.store(hub, std::memory_order_release); }
    explicit operator bool() const { return get() != nullptr; }
    live_hub* operator->() const { return get(); }

  private:
    std::atomic<live_hub*> hub_{nullptr};
};

// The session id of "/api/v1/sessions/{id}/live", if `path` is that.
std::optional<std::int64_t> live_session_id(std::string_view path);

}  // namespace daring::server
