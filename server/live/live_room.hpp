#pragma once
// One live session's room: current slide, participants, hands, chat, a room-wide event
// sequence and a bounded ring buffer of recent broadcast events for resume.
//
// Not thread-safe: the owner (live_hub) calls every method on the room's strand. Participants
// are known only through live_participant, so tests drive a room with fakes and no sockets.
// A broadcast serialises each message once; every recipient gets the same shared buffer.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
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
#include "protocol/quiz.hpp"
#include "protocol/user.hpp"
#include "server/live/audio_lane.hpp"
#include "server/live/taking_part.hpp"
#include "server/rules/attendance_rules.hpp"
#include "server/rules/quiz_tally.hpp"

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
    // Queues one audio record (protocol/audio.hpp) on the droppable lane: beyond about a
    // second of queued audio the oldest records go, never the connection. Called on the room's
    // strand; must not block.
    virtual void deliver_audio(const shared_message& record, std::uint16_t duration_ms) = 0;
    // Drops the audio queued and not yet written (the listener switched audio off).
    virtual void discard_audio() = 0;
    // Several nodes: a socket of another node, whose node records its presence intervals and
    // answers its heartbeats; the room keeps its interval in memory only (for the live figures).
    virtual bool presence_elsewhere() const { return false; }
};

// Where a room's presence intervals go (the database through the group-commit writer in the
// server; a fake in tests). Called on the room's strand; must not block.
class presence_sink {
  public:
    virtual ~presence_sink() = default;
    // A connection's stretch with one page visibility begins; returns its interval id.
    virtual std::int64_t open(std::int64_t session_id, std::int64_t user_id, bool visible,
                              protocol::unix_seconds at) = 0;
    // The client was heard from (coalesced; written at the next flush).
    virtual void seen(std::int64_t interval_id, protocol::unix_seconds at) = 0;
    virtual void close(std::int64_t interval_id, protocol::unix_seconds at) = 0;
    // Writes the coalesced last_seen values (called by the hub's timer, from any thread).
    virtual void flush() = 0;
    // Several nodes: node `node` went silent (or died) while its trainees were in the room; its
    // open intervals of the session end at their last recorded heartbeat. One node: never called.
    virtual void node_gone(std::int64_t /*session_id*/, const std::string& /*node*/) {}
};

// Where live quiz answers go (the group-commit writer in the server; a fake in tests). Called
// on the room's strand; must not block. `done` may run on any thread.
class quiz_sink {
  public:
    virtual ~quiz_sink() = default;
    // Stores an answer (a resent client id is not applied twice); done(true) after COMMIT.
    virtual void record(std::int64_t run_id, std::int64_t user_id, std::int64_t question_id,
                        const protocol::json& answer, const std::string& client_id,
                        protocol::unix_seconds at, std::function<void(bool stored)> done) = 0;
    // The run closed at `at`: the sink stores one scored submission per trainee who answered,
    // made from the stored answers (every acknowledged answer was stored before this call).
    virtual void closed(std::int64_t quiz_id, std::int64_t run_id, protocol::unix_seconds at) = 0;
};

// Where a room's timeline goes (the event journal in the server; nothing in most tests): every
// broadcast event as trainees and staff received it, and the slide shown. Called on the room's
// strand; must not block.
class journal_sink {
  public:
    virtual ~journal_sink() = default;
    // `audio_heard_ms`: the wall-clock ms (since the epoch) up to which listeners have been sent
    // audio, 0 when none: an event is stamped no earlier, so a recording shows it after the audio
    // that preceded it even when the speaker's packets came in a burst, ahead of real time.
    virtual void event(std::int64_t session_id, std::uint64_t seq, std::string type,
                       shared_message all, shared_message staff, std::int64_t audio_heard_ms) = 0;
    virtual void slide_shown(std::int64_t session_id, int slide) = 0;
    // Every audio packet as stamped for listeners, for the recording.
    virtual void audio_packet(std::int64_t session_id, std::uint32_t seq, std::uint32_t at_ms,
                              std::uint16_t duration_ms, std::uint8_t flags,
                              std::string_view packet) = 0;
    // The audio lane's state (audio_lane::durable_json) and the audio_seq reserved so far.
    virtual void audio_changed(std::int64_t session_id, const protocol::json& state,
                               std::uint32_t seq_reserved) = 0;
    // A pointer event as sent (not a ring event: it has no seq), for the recording.
    virtual void pointer(std::int64_t session_id, const std::string& message,
                         std::int64_t audio_heard_ms) = 0;
};

// What a room rebuilt after a restart starts from (loaded from the database at admission).
struct live_recovery {
    int slide = 0;
    std::uint64_t last_seq = 0;                                  // the highest seq stored
    std::vector<std::pair<std::uint64_t, protocol::json>> chat;  // recent chat events by seq
    struct open_quiz {
        protocol::quiz def;
        std::int64_t run_id = 0;
        protocol::unix_seconds closes_at = 0;
        std::map<std::int64_t, std::map<std::int64_t, protocol::json>> answers;  // stored ones
    };
    std::optional<open_quiz> quiz;
    protocol::json audio;                // audio_lane::durable_json as last stored, or null
    std::uint32_t audio_next_seq = 0;    // past every audio_seq stored or reserved
    std::int64_t audio_last_end_ms = 0;  // where the last stored packet ended
    std::map<int, std::vector<protocol::json>> ink;  // the pen's strokes per slide
    taking_part_recovery taking_part;                // questions and the open poll
};

struct live_member {
    std::int64_t user_id = 0;
    std::string full_name;
    protocol::role user_role = protocol::role::trainee;
    bool staff() const { return user_role != protocol::role::trainee; }
};

// Pointer moves go to the room at most this often (10 a second).
inline constexpr std::int64_t pointer_interval_ms = 100;

struct room_limits {
    std::size_t ring_capacity = 1024;  // events kept for resume
    std::size_t chat_history = 50;     // chat messages in a welcome
    int chat_burst = 5;                // chat messages per user per chat_window
    protocol::unix_seconds chat_window = 10;
    int abuse_limit = 50;  // bad messages per abuse_window before 1008
    protocol::unix_seconds abuse_window = 10;
    protocol::unix_seconds presence_interval = 2;     // presence events at most this often
    protocol::unix_seconds attendance_interval = 60;  // `attendance` to each trainee
    protocol::unix_seconds roster_interval = 10;      // `roster` to trainers
    // A connection silent for longer than this ends its interval at its last message, not at
    // the moment the server noticed it was gone.
    protocol::unix_seconds presence_stale_after = 60;
    bool audio_paced = true;  // refuse a speaker's audio beyond audio_burst_ms ahead of real time
    // Reactions: counted at most this many per user a second (more are dropped; each signal
    // once per user a second besides), and sent as totals to every socket at most once per
    // reactions_interval_ms.
    int reactions_per_user = 5;
    std::int64_t reactions_interval_ms = 1000;
    // Questions: at most question_burst per user per question_window, at most question_limit in
    // a session (hidden ones count).
    int question_burst = 3;
    protocol::unix_seconds question_window = 30;
    std::size_t question_limit = 1000;
    std::size_t welcome_questions = 100;  // the first ones in the trainer's order, in a welcome
};

// WebSocket close codes of the live protocol (docs/protocol.md).
inline constexpr int close_normal = 1000;         // the session ended
inline constexpr int close_going_away = 1001;     // the server is shutting down
inline constexpr int close_policy = 1008;         // repeated abuse
inline constexpr int close_signed_out = 4001;     // logout or login session expired
inline constexpr int close_removed = 4003;        // withdrawn from / unassigned from the training
inline constexpr int close_slow_consumer = 4008;  // the send queue overflowed; resume
inline constexpr int close_moved = 1012;  // several nodes: the room moved to another node; rejoin
inline constexpr int close_replaced = 4009;  // the user's newer connection took this one's place

struct room_info {
    std::int64_t session_id = 0;
    std::string title;
    protocol::delivery_mode mode = protocol::delivery_mode::online;
    std::vector<protocol::slide> slides;
    std::int64_t training_id = 0;      // quizzes must belong to it
    time_span window;                  // the scheduled window widened to the actual start
    attendance_thresholds thresholds;  // stored on the session when it went live
    std::optional<protocol::unix_seconds> started_at;  // audio stamps count from here
    // Set when the room is (re)built from the database after a restart.
    std::shared_ptr<const live_recovery> recovery;
};

class live_room {
  public:
    // `first_seq` is the seq before the first event; use a value that grows across restarts
    // (e.g. the creation time in ms) so a stale resume never matches a new room.
    live_room(room_info info, std::uint64_t first_seq, room_limits limits = {});

    // Adds a participant and sends it `welcome`, followed by the missed events when `resume`
    // is still covered by the ring buffer.
    // A trainee's presence interval opens here; `prior` seeds their attendance the first time
    // they are seen by this room. `audio_on` false: the socket receives no audio records until
    // it sends audio_subscribe {on:true} (`?audio=off` on the live URL).
    void join(const std::shared_ptr<live_participant>& p, const live_member& m,
              std::optional<std::uint64_t> resume, protocol::unix_seconds now,
              const prior_attendance& prior = {}, bool audio_on = true);
    // Closes the connection's presence interval.
    void leave(live_participant* p, protocol::unix_seconds now);
    // Presence intervals go to `sink` (none: not recorded). Set before the first join.
    void set_presence_sink(presence_sink* sink) { sink_ = sink; }
    void set_quiz_sink(quiz_sink* sink) { quiz_sink_ = sink; }
    void set_journal(journal_sink* sink) { journal_ = sink; }
    void set_taking_part_sink(taking_part_sink* sink) { taking_part_ = sink; }
    // A room rebuilt after a restart: the slide, recent chat and the open quiz (with its
    // deadline and stored answers) as they were. Call before the first join.
    void restore(const live_recovery& r);

    // open_quiz from a trainer (after receive() answered quiz_requested): what was asked.
    struct quiz_request {
        std::int64_t quiz_id = 0;
        int duration_s = 0;
        std::int64_t by = 0;
        protocol::json id;  // the client's message id
        std::weak_ptr<live_participant> from;
    };
    std::optional<quiz_request> take_quiz_request() {
        return std::exchange(quiz_request_, std::nullopt);
    }
    // The quiz was found and its run stored: broadcast quiz_opened and take answers until
    // `closes_at`, the stored run's (what a restarted server restores).
    void open_quiz(const quiz_request& r, protocol::quiz q, std::int64_t run_id,
                   protocol::unix_seconds closes_at);
    // The quiz could not open: tell the trainer who asked.
    void refuse_quiz(const quiz_request& r, std::string_view code, std::string_view message);
    // Broadcasts quiz_closed (per-question results), sends each trainee their score, stores it.
    void close_quiz(protocol::unix_seconds now);
    // quiz_tally to trainers when answers came in since the last one (the hub calls it 4 times a
    // second at most).
    void flush_tally();
    // A pointer move held back by the pace limit goes out now (called with the tally's tick).
    void flush_pointer(std::int64_t steady_ms);
    // The reactions counted since the last `reactions` go out as totals (called with the tally's
    // tick; at most once per reactions_interval_ms): every kind to trainers and admins, the
    // reactions without the signals to trainees.
    void flush_reactions(std::int64_t steady_ms);
    // Votes of questions and the open poll's tally since the last call: one question_votes
    // event per question whose votes changed, poll_tally to trainers and admins (called with the
    // tally's tick, 4 times a second).
    void flush_taking_part();
    // Reactions a user sent in this room (counted ones), for participation.
    std::uint64_t reactions_of(std::int64_t user_id) const;
    bool quiz_open() const { return quiz_.has_value(); }

    enum class outcome { none, end_requested, quiz_requested };
    // A binary message: the speaker's audio packet, stamped and fanned out to every listener
    // with audio on (never back to the speaker's own sockets). From anyone else `error`
    // not_speaker, while audio is off audio_off, a malformed header bad_audio with the field,
    // faster than real time audio_too_fast; each counts as abuse. Never read as text.
    // `steady_ms`: a monotonic clock in ms (audio stamps are measured with it).
    // `now_ms`: the wall clock in ms (-1: now * 1000), for the session's start to the ms.
    void receive_binary(live_participant* p, std::string_view bytes, protocol::unix_seconds now,
                        std::int64_t steady_ms, std::int64_t now_ms = -1);
    // One text message from a participant: answers it (ack/error) and broadcasts events.
    // `steady_ms`: a monotonic clock in ms (pointer moves are paced with it).
    outcome receive(live_participant* p, std::string_view text, protocol::unix_seconds now,
                    std::int64_t steady_ms = 0);

    // Periodic work: a coalesced presence event when who is online changed, `attendance` to
    // trainees about once a minute, `roster` to trainers.
    void tick(protocol::unix_seconds now);
    void change_mode(protocol::delivery_mode mode, const std::string& reason);
    // The session's slides changed: later show_slide uses them; trainers get `slides
    // {count}` (not a ring event) to reload the list. The slide shown stays shown.
    void replace_slides(std::vector<protocol::slide> slides);
    // Broadcasts session_ended, ends every presence interval and closes every participant with
    // `close_code`.
    void end(int close_code, protocol::unix_seconds now);
    // Ends every presence interval and closes every participant without ending the session
    // (server shutdown).
    void close_all(int close_code, std::string_view reason, protocol::unix_seconds now);

    // A trainee's attendance so far, as the room sees it (open intervals count up to `now`).
    struct attendance_view {
        presence_summary presence;
        attendance_status status = attendance_status::absent;
    };
    attendance_view attendance_of(std::int64_t user_id, protocol::unix_seconds now) const;
    // A check-in or a mark stored while the session is live: the trainee's figures take it into
    // account at once, and their open connections get a fresh `attendance`.
    void update_evidence(std::int64_t user_id, std::optional<protocol::unix_seconds> checked_in_at,
                         std::optional<manual_mark> mark, protocol::unix_seconds now);

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
    std::int64_t training_id() const { return info_.training_id; }

  private:
    struct event {
        std::uint64_t seq;
        shared_message for_all;    // null: staff only
        shared_message for_staff;  // null: same as for_all
    };
    struct connection {
        std::weak_ptr<live_participant> participant;
        live_member member;
        std::vector<protocol::unix_seconds>
            bad;  // times of recent bad messages (at most abuse_limit)
        // Trainees: the open presence interval.
        std::int64_t interval = 0;
        bool visible = true;
        protocol::unix_seconds interval_start = 0;
        protocol::unix_seconds last_seen = 0;
        protocol::unix_seconds next_attendance = 0;
        bool tracked = false;
        bool elsewhere = false;  // presence recorded by the socket's node (several nodes)
        bool audio_on = true;    // audio_subscribe
    };
    // A trainee's closed presence, kept for the live attendance figures.
    struct attendee {
        prior_attendance evidence;            // closed spans, check-in, mark
        std::vector<live_participant*> open;  // connections now in the room
    };

    // Assigns the next seq to `body` (and `staff_body`), serialises each once, keeps the event in
    // the ring and fans it out (now, or at the next flush when delivery is deferred).
    std::uint64_t broadcast(protocol::json body,
                            std::optional<protocol::json> staff_body = std::nullopt,
                            bool staff_only = false);
    void send(live_participant* p, std::string text);
    void fan_out(const std::vector<const struct event*>& events);
    void refuse(live_participant* p, connection& c, const protocol::json& id, std::string_view code,
                std::string_view message, protocol::unix_seconds now, std::string_view field = {});
    protocol::json welcome(const connection& c, bool resumed) const;
    protocol::json slide_json() const;
    protocol::json participants_json() const;
    void open_interval(connection& c, bool visible, protocol::unix_seconds now);
    void close_interval(connection& c, protocol::unix_seconds now);
    void heard_from(live_participant* p, connection& c, protocol::unix_seconds now,
                    std::optional<bool> visible);
    void close_presence(protocol::unix_seconds now);
    // A trainee's `attendance` figure, for each of their connections.
    shared_message attendance_message(std::int64_t user_id, protocol::unix_seconds now) const;
    void send_roster(protocol::unix_seconds now);

    struct live_quiz {
        protocol::quiz def;
        std::int64_t run_id = 0;
        protocol::unix_seconds closes_at = 0;
        std::map<std::int64_t, std::map<std::int64_t, protocol::json>>
            answers;                                             // user -> question -> answer
        std::set<std::pair<std::int64_t, std::string>> applied;  // (user, client id)
        bool tally_dirty = false;
    };
    void receive_answer(live_participant* p, connection& c, const protocol::live::answer& a,
                        const protocol::json& id, protocol::unix_seconds now);

    // One parsed client message being handled: who sent it, its id (for the ack), when.
    struct incoming {
        live_participant* p;
        connection& c;
        const protocol::json& id;
        protocol::unix_seconds now;
        std::int64_t steady_ms = 0;
    };
    void acknowledge(const incoming& in);
    outcome on(const protocol::live::heartbeat& m, incoming& in);
    outcome on(const protocol::live::chat_send& m, incoming& in);
    outcome on(const protocol::live::hand& m, incoming& in);
    outcome on(const protocol::live::show_slide& m, incoming& in);
    outcome on(const protocol::live::end_session& m, incoming& in);
    outcome on(const protocol::live::delete_chat& m, incoming& in);
    outcome on(const protocol::live::mute& m, incoming& in);
    outcome on(const protocol::live::pointer_move& m, incoming& in);
    outcome on(const protocol::live::ink_stroke& m, incoming& in);
    outcome on(const protocol::live::ink_clear& m, incoming& in);
    outcome on(const protocol::live::react& m, incoming& in);
    outcome on(const protocol::live::ask_question& m, incoming& in);
    outcome on(const protocol::live::vote& m, incoming& in);
    outcome on(const protocol::live::answer_question& m, incoming& in);
    outcome on(const protocol::live::hide_question& m, incoming& in);
    outcome on(const protocol::live::open_poll& m, incoming& in);
    outcome on(const protocol::live::close_poll& m, incoming& in);
    outcome on(const protocol::live::poll_answer& m, incoming& in);
    // The ack once the sink stored it (at once without a sink), `not_stored` when it failed.
    taking_part_sink::done_fn ack_when_stored(const incoming& in);
    // A visible question by id, or null (refused with not_found).
    room_question* find_question(std::int64_t id, const incoming& in);
    protocol::json questions_json(const connection& c) const;
    protocol::json poll_json(const connection& c) const;
    void restore_taking_part(const taking_part_recovery& r);
    // Hands the reactions counted since the last call to the sink (from tick, once a second).
    void save_reactions(protocol::unix_seconds now);
    // Closes the open poll: poll_closed to everyone (results to trainees when published).
    void finish_poll(bool publish, protocol::unix_seconds now, taking_part_sink::done_fn done);
    // The strokes on slide `index` (an empty array when none).
    protocol::json ink_json(int index) const;
    void send_pointer(std::int64_t steady_ms);
    outcome on(const protocol::live::open_quiz& m, incoming& in);
    outcome on(const protocol::live::close_quiz& m, incoming& in);
    outcome on(const protocol::live::answer& m, incoming& in);
    outcome on(const protocol::live::audio_start& m, incoming& in);
    outcome on(const protocol::live::audio_stop& m, incoming& in);
    outcome on(const protocol::live::give_floor& m, incoming& in);
    outcome on(const protocol::live::take_floor& m, incoming& in);
    outcome on(const protocol::live::audio_subscribe& m, incoming& in);
    // Broadcasts audio_state and stores the lane's state.
    void audio_changed();
    // The session's start as wall-clock ms since the epoch.
    std::int64_t started_wall_ms() const;
    // Wall-clock ms up to which listeners were sent audio by this process, 0 when none.
    std::int64_t audio_heard_ms() const;
    void fan_out_audio(const shared_message& record, std::uint16_t duration_ms,
                       std::int64_t speaker);
    protocol::json quiz_snapshot(const connection& c) const;
    std::vector<question_tally> tally() const;  // REQUIRES: a quiz is open
    protocol::json tally_json() const;

    room_info info_;
    room_limits limits_;
    std::uint64_t seq_;
    int slide_ = 0;
    bool ended_ = false;
    std::unordered_map<live_participant*, connection> members_;
    std::map<std::int64_t, int> online_;  // user id -> open connections
    std::map<std::int64_t, std::string> names_;
    std::set<std::int64_t> staff_users_;  // trainers and admins seen in the room
    std::set<std::int64_t> hands_;
    std::set<std::int64_t> muted_;
    std::unordered_map<std::int64_t, std::deque<protocol::unix_seconds>> chat_times_;
    std::deque<std::pair<std::uint64_t, protocol::json>> chat_;  // recent chat events by seq
    std::deque<event> ring_;
    std::vector<event> outbox_;
    bool deferred_ = false;
    bool presence_dirty_ = false;
    protocol::unix_seconds last_presence_ = 0;
    presence_sink* sink_ = nullptr;
    quiz_sink* quiz_sink_ = nullptr;
    journal_sink* journal_ = nullptr;
    std::optional<live_quiz> quiz_;
    std::optional<quiz_request> quiz_request_;
    std::set<std::int64_t> closed_quizzes_;                 // answers to these get quiz_closed
    std::unordered_map<std::int64_t, attendee> attendees_;  // trainees seen by this room
    std::optional<protocol::unix_seconds> last_roster_;     // none: send at the next tick
    audio_lane audio_;
    std::optional<std::int64_t> audio_origin_ms_;  // steady ms of the session's start
    // The pen: strokes per slide index (cleared when the slides change), and the pointer,
    // sent at most once per pointer_interval_ms (a faster move waits for the next tick).
    std::map<int, std::vector<protocol::json>> ink_;
    std::optional<protocol::json> pending_pointer_;
    std::int64_t last_pointer_ms_ = -1'000'000;
    // Reactions since the last `reactions`, each user's in the current second, and all of a
    // user's counted ones.
    std::array<std::uint64_t, protocol::live::reaction_kinds> reactions_{};
    struct reaction_budget {
        protocol::unix_seconds second = -1;
        int reactions = 0;         // reactions counted this second
        std::uint8_t signals = 0;  // the signals counted this second, one bit each
    };
    std::unordered_map<std::int64_t, reaction_budget> reaction_second_;
    std::unordered_map<std::int64_t, std::uint64_t> reactions_by_user_;
    std::int64_t last_reactions_ms_ = -1'000'000;
    std::unordered_map<std::int64_t, std::int64_t> reactions_unsaved_;  // per user, to the sink
    // Questions by id, the ids of askers' messages, each asker's recent question times, the
    // questions whose votes changed since the last question_votes; the open poll.
    taking_part_sink* taking_part_ = nullptr;
    std::map<std::int64_t, room_question> questions_;
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> asked_;
    std::unordered_map<std::int64_t, std::deque<protocol::unix_seconds>> question_times_;
    std::set<std::int64_t> votes_dirty_;
    std::optional<room_poll> poll_;
    bool poll_dirty_ = false;
    std::set<std::int64_t> closed_polls_;
};

}  // namespace daring::server
