#pragma once
// One live session's room: current slide, participants, hands, chat, a room-wide event
// sequence and a bounded ring buffer of recent broadcast events for resume.
//
// Not thread-safe: the owner (live_hub) calls every method on the room's strand. Participants
// are known only through live_participant, so tests drive a room with fakes and no sockets.
// A broadcast serialises each message once; every recipient gets the same shared buffer.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/live.hpp"
#include "protocol/plan.hpp"
#include "protocol/user.hpp"

namespace daring::server {

using shared_message = std::shared_ptr<const std::string>;

class live_participant {
public:
    virtual ~live_participant() = default;
    // Queues a message for the client. Called on the room's strand; must not block. A
    // participant whose queue is full closes itself (close code 4008) and leaves.
    virtual void deliver(const shared_message& message) = 0;
    // Closes the connection with a WebSocket close code.
    virtual void close(int code, std::string_view reason) = 0;
};

struct live_member {
    std::int64_t user_id = 0;
    std::string full_name;
    protocol::role user_role = protocol::role::trainee;
    bool staff() const { return user_role != protocol::role::trainee; }
};

struct room_limits {
    std::size_t ring_capacity = 1024;        // events kept for resume
    std::size_t chat_history = 50;           // chat messages in a welcome
    int chat_burst = 5;                      // chat messages per user per chat_window
    protocol::unix_seconds chat_window = 10;
    int abuse_limit = 50;                    // bad messages per abuse_window before 1008
    protocol::unix_seconds abuse_window = 10;
    protocol::unix_seconds presence_interval = 2;  // presence events at most this often
};

// WebSocket close codes of the live protocol (docs/protocol.md).
inline constexpr int close_normal = 1000;        // the session ended
inline constexpr int close_going_away = 1001;    // the server is shutting down
inline constexpr int close_policy = 1008;        // repeated abuse
inline constexpr int close_signed_out = 4001;    // logout or login session expired
inline constexpr int close_slow_consumer = 4008; // the send queue overflowed; resume

struct room_info {
    std::int64_t session_id = 0;
    std::string title;
    protocol::delivery_mode mode = protocol::delivery_mode::online;
    std::vector<protocol::slide> slides;
};

class live_room {
public:
    // `first_seq` is the seq before the first event; use a value that grows across restarts
    // (e.g. the creation time in ms) so a stale resume never matches a new room.
    live_room(room_info info, std::uint64_t first_seq, room_limits limits = {});

    // Adds a participant and sends it `welcome`, followed by the missed events when `resume`
    // is still covered by the ring buffer.
    void join(const std::shared_ptr<live_participant>& p, const live_member& m,
              std::optional<std::uint64_t> resume, protocol::unix_seconds now);
    void leave(live_participant* p);

    enum class outcome { none, end_requested };
    // One text message from a participant: answers it (ack/error) and broadcasts events.
    outcome receive(live_participant* p, std::string_view text, protocol::unix_seconds now);

    // Periodic work: a coalesced presence event when who is online changed.
    void tick(protocol::unix_seconds now);
    void change_mode(protocol::delivery_mode mode, const std::string& reason);
    // Broadcasts session_ended and closes every participant with `close_code`.
    void end(int close_code);
    // Closes every participant without ending the session (server shutdown).
    void close_all(int close_code, std::string_view reason);

    std::optional<live_member> member_of(live_participant* p) const {
        auto it = members_.find(p);
        if (it == members_.end()) return std::nullopt;
        return it->second.member;
    }
    // Deferred delivery: broadcast events wait in an outbox until flush(), so a burst of events
    // reaches each client as one write. Off by default (events go out at once).
    void set_deferred_delivery(bool deferred) { deferred_ = deferred; }
    bool has_pending() const { return !outbox_.empty(); }
    void flush();

    std::uint64_t seq() const { return seq_; }
    std::size_t online_users() const { return online_.size(); }
    std::size_t connections() const { return members_.size(); }
    int current_slide() const { return slide_; }
    bool ended() const { return ended_; }
    std::int64_t session_id() const { return info_.session_id; }

private:
    struct event {
        std::uint64_t seq;
        shared_message for_all;    // null: staff only
        shared_message for_staff;  // null: same as for_all
    };
    struct connection {
        std::weak_ptr<live_participant> participant;
        live_member member;
        std::vector<protocol::unix_seconds> bad;  // times of recent bad messages (at most abuse_limit)
    };

    // Assigns the next seq to `body` (and `staff_body`), serialises each once, keeps the event in
    // the ring and fans it out (now, or at the next flush when delivery is deferred).
    std::uint64_t broadcast(protocol::json body, std::optional<protocol::json> staff_body = std::nullopt,
                            bool staff_only = false);
    void send(live_participant* p, std::string text);
    void fan_out(const std::vector<const struct event*>& events);
    void refuse(live_participant* p, connection& c, const protocol::json& id, std::string_view code,
                std::string_view message, protocol::unix_seconds now, std::string_view field = {});
    protocol::json welcome(const connection& c, bool resumed) const;
    protocol::json slide_json() const;
    protocol::json participants_json() const;

    room_info info_;
    room_limits limits_;
    std::uint64_t seq_;
    int slide_ = 0;
    bool ended_ = false;
    std::unordered_map<live_participant*, connection> members_;
    std::map<std::int64_t, int> online_;  // user id -> open connections
    std::map<std::int64_t, std::string> names_;
    std::set<std::int64_t> hands_;
    std::set<std::int64_t> muted_;
    std::unordered_map<std::int64_t, std::deque<protocol::unix_seconds>> chat_times_;
    std::deque<std::pair<std::uint64_t, protocol::json>> chat_;  // recent chat events by seq
    std::deque<event> ring_;
    std::vector<event> outbox_;
    bool deferred_ = false;
    bool presence_dirty_ = false;
    protocol::unix_seconds last_presence_ = 0;
};

}  // namespace daring::server
