#pragma once
// The live hub's insides, shared by live_hub.cpp (rooms served here) and live_hub_cluster.cpp
// (several nodes: relayed rooms, the owner's relay). Included by those two files alone.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/cluster/nats_bus.hpp"
#include "server/live/live_hub.hpp"
#include "server/live/room_relay.hpp"
#include "server/live/strand_sinks.hpp"

namespace daring::server {

namespace hub_detail {

namespace asio = boost::asio;
using strand_type = asio::strand<asio::io_context::executor_type>;

// Events wait up to `gather_window` for more before they go out, so a burst (several slides, a
// slide and a chat) reaches each client in one write. The window costs each event at most 1 ms.
constexpr auto gather_window = std::chrono::milliseconds(1);

inline std::int64_t steady_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Several nodes: a node with sockets in a room owned elsewhere says so every `alive_every`
// seconds; an owner that has not heard from a node for `node_silence` seconds drops its sockets
// and ends its open presence intervals (owner_relay::reap).
constexpr int alive_every = 2;
constexpr protocol::unix_seconds node_silence = 10;

// NATS subjects of a room: what nodes send its owner, and what the owner sends one node.
inline std::string owner_subject(std::int64_t session_id) {
    return "daring.room." + std::to_string(session_id) + ".in";
}
inline std::string node_subject(std::int64_t session_id, const std::string& node) {
    return "daring.room." + std::to_string(session_id) + ".to." + node;
}

// Control messages to a room's owner carry a manual mark as this JSON (live_hub_cluster.cpp);
// slides as protocol::slide_json(s, true).
const char* mark_name(manual_mark m);

// A room served here.
struct room_slot : std::enable_shared_from_this<room_slot> {
    explicit room_slot(asio::io_context& ioc, live_room r)
        : strand(asio::make_strand(ioc)), room(std::move(r)), flush_timer(strand) {
        room.set_deferred_delivery(true);
    }
    strand_type strand;
    live_room room;  // everything here is touched only on `strand`
    asio::steady_timer flush_timer;
    bool flush_armed = false;
    // The recorders' completions (acks) come back on `strand` through these.
    std::unique_ptr<strand_quiz_sink> quizzes;
    std::unique_ptr<strand_taking_part_sink> taking_part;
    // Several nodes: the members on other nodes, and where their deliveries go.
    std::unique_ptr<owner_relay> relay;
    nats_bus* bus = nullptr;
    std::shared_ptr<std::atomic<std::uint64_t>> frames_out;  // the hub's count

    // Runs `fn` on the room's strand, then delivers what it produced.
    post_fn poster() {
        return [weak = weak_from_this()](std::function<void()> fn) {
            if (auto self = weak.lock()) {
                asio::post(self->strand, [self, fn = std::move(fn)] {
                    fn();
                    self->settle();
                });
            }
        };
    }

    // After any room operation: deliver what it produced, now or after a short gathering window.
    void settle() {
        if (flush_armed) return;
        if (!room.has_pending()) {
            publish_relay();
            return;
        }
        flush_armed = true;
        flush_timer.expires_after(gather_window);
        flush_timer.async_wait([self = shared_from_this()](const boost::system::error_code&) {
            self->flush_armed = false;
            self->room.flush();
            self->publish_relay();
        });
    }
    // Each other node gets what the room delivered to its sockets, as one frame.
    void publish_relay() {
        if (!relay) return;
        relay->flush([this](const std::string& node, const std::string& frame) {
            ++*frames_out;
            bus->publish(node_subject(room.session_id(), node), frame);
        });
    }
};

// A room owned by another node with sockets here.
struct relay_slot {
    explicit relay_slot(asio::io_context& ioc) : strand(asio::make_strand(ioc)) {}
    strand_type strand;
    relay_endpoint endpoint;  // on `strand`
    // Below: guarded by the hub's mutex.
    std::unique_ptr<nats_bus::subscription> feed;  // node_subject(session, this node)
    room_owner owner;
    struct local_socket {
        std::uint64_t id = 0;
        relayed_join join;
        std::weak_ptr<live_participant> participant;
        // A trainee's presence, recorded here (the owner keeps it in memory only).
        bool tracked = false;
        bool visible = true;
        std::int64_t interval = 0;
        protocol::unix_seconds last_seen = 0;
    };
    std::unordered_map<live_participant*, local_socket> sockets;
};

// Sockets to close: one login session's (token_hash), or a user's (but those of login session
// `keep`; only in training `training_id` when not 0). Sent to every node with several nodes.
struct close_order {
    std::string token_hash;
    std::int64_t user_id = 0;
    std::int64_t training_id = 0;
    int code = 0;
    std::string reason;
    std::string keep;
};

struct socket_entry {
    std::weak_ptr<live_participant> participant;
    std::int64_t user_id = 0;
    std::int64_t training_id = 0;
    std::string token_hash;
    protocol::unix_seconds deadline = 0;
};

inline std::uint64_t first_seq_now() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

}  // namespace hub_detail

struct live_hub::impl : std::enable_shared_from_this<live_hub::impl> {
    using room_slot = hub_detail::room_slot;
    using relay_slot = hub_detail::relay_slot;

    impl(boost::asio::io_context& io, const clock& c) : ioc(io), clk(c), timer(io) {}

    boost::asio::io_context& ioc;
    const clock& clk;
    boost::asio::steady_timer timer;

    mutable std::mutex mutex;  // guards rooms, relays, sockets, stopping, retired
    std::map<std::int64_t, std::shared_ptr<room_slot>> rooms;
    std::unordered_map<live_participant*, hub_detail::socket_entry> sockets;
    // Each user's sockets, oldest first (at most sockets_per_user).
    std::unordered_map<std::int64_t, std::vector<live_participant*>> by_user;
    std::size_t sockets_per_user = default_live_sockets_per_user;
    room_limits limits;  // of every room created
    bool stopping = false;
    live_hub* owner = nullptr;
    presence_sink* sink = nullptr;  // set before start
    quiz_sink* quizzes = nullptr;
    taking_part_sink* taking_part = nullptr;
    event_journal* journal = nullptr;
    live_control* control = nullptr;  // set before start
    int flush_every = 5;
    int ticks = 0;  // quarter seconds

    // Several nodes (set before start; bus null: one node).
    nats_bus* bus = nullptr;
    std::string node;
    std::map<std::int64_t, std::shared_ptr<relay_slot>> relays;
    std::map<std::int64_t, std::unique_ptr<nats_bus::subscription>> inboxes;  // rooms owned
    std::unique_ptr<nats_bus::subscription> closes;                // close orders of other nodes
    std::vector<std::unique_ptr<nats_bus::subscription>> retired;  // dropped off I/O threads
    std::atomic<std::uint64_t> next_socket{0};
    std::atomic<std::uint64_t> frames_in{0}, failovers{0}, rooms_lost{0};
    std::atomic<std::uint64_t> relayed_deliveries{0}, gaps{0}, stale{0};
    std::atomic<std::uint64_t> heartbeats_kept{0}, nodes_gone{0};
    std::shared_ptr<std::atomic<std::uint64_t>> frames_out =
        std::make_shared<std::atomic<std::uint64_t>>(0);  // every owned room's, so far

    std::shared_ptr<room_slot> find(std::int64_t id);
    // The room, created (rebuilt from info.recovery when given) when missing; null while
    // stopping. `epoch`: the owner's lease epoch (several nodes).
    std::shared_ptr<room_slot> find_or_create(const room_info& info, std::uint64_t epoch = 0);
    // The socket joins the hub's books (all but `sockets_per_user` newest of its user stay);
    // returns the socket it replaced, to be closed.
    std::shared_ptr<live_participant> enroll(const std::shared_ptr<live_participant>& p,
                                             const live_admission& a);
    void forget(live_participant* p);
    // What a room's answer to a message asks of the rest of the server (end, open a quiz).
    void after_receive(const std::shared_ptr<room_slot>& slot, live_room::outcome outcome,
                       live_participant* sender);
    void tick();
    void close_here(const hub_detail::close_order& o);
    // Closes here, and on every other node (several nodes).
    void close_everywhere(const hub_detail::close_order& o);

    // live_hub_cluster.cpp
    void subscribe_inbox(const std::shared_ptr<room_slot>& slot);
    void from_node(const std::shared_ptr<room_slot>& slot, const std::string& bytes);
    void apply_control(const std::shared_ptr<room_slot>& slot, const protocol::json& op);
    void attach_relayed(const std::shared_ptr<live_participant>& p, const live_admission& a);
    std::shared_ptr<relay_slot> relay_of(std::int64_t session_id);
    // Sends the owner of a room relayed or owned elsewhere a control message; false when the
    // room is neither here nor clustered.
    bool send_control(std::int64_t session_id, const protocol::json& op);
    // A relayed socket was heard from: its presence is recorded here. Its id (none when `p` is
    // not relayed in that room) and whether the message goes on to the owner: a heartbeat is
    // answered here, and crosses only when the page's visibility changed.
    struct relayed_message {
        std::uint64_t id = 0;
        bool forward = true;
    };
    std::optional<relayed_message> relayed_heard(std::int64_t session_id,
                                                 const std::shared_ptr<live_participant>& p,
                                                 std::string_view text);
    // A relayed socket left: its interval here ends; returns its id and when its presence ended.
    std::optional<std::pair<std::uint64_t, protocol::unix_seconds>> relayed_leave(
        std::int64_t session_id, live_participant* p);
    void open_presence(std::int64_t session_id, relay_slot::local_socket& s, bool visible,
                       protocol::unix_seconds now);                             // under the mutex
    void end_presence(relay_slot::local_socket& s, protocol::unix_seconds at);  // under the mutex
    // Every alive_every seconds: each relayed room's owner hears this node is there.
    void announce_relays();
    // On an owned room's strand, every second: nodes silent for node_silence seconds are gone.
    void reap_nodes(room_slot& slot, protocol::unix_seconds now);
    void retire_room(std::int64_t session_id);  // under the mutex
};

}  // namespace daring::server
