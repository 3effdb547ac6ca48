#pragma once
// Attendance evidence: presence intervals, in-person check-ins, marks by hand.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/replay.hpp"
#include "protocol/time_format.hpp"
#include "storage/session_scope.hpp"

namespace daring::storage {

class connection;

struct presence_row {
    std::int64_t id = 0;  // assigned by the caller (see max_presence_id)
    std::int64_t session_id = 0;
    std::int64_t user_id = 0;
    bool visible = true;
    protocol::unix_seconds started_at = 0;
    protocol::unix_seconds last_seen = 0;
    std::optional<protocol::unix_seconds> ended_at;
    std::string node;  // several nodes: the node recording it (empty: one node)
};

std::int64_t max_presence_id(connection& c);
void insert_presence(connection& c, const presence_row& row);
// Moves last_seen forward (never back) for each (id, last_seen).
void touch_presence(connection& c,
                    const std::vector<std::pair<std::int64_t, protocol::unix_seconds>>& seen);
// Ends an interval at `at` (last_seen follows).
void close_presence(connection& c, std::int64_t id, protocol::unix_seconds at);
// After a crash: every interval still open ends at its last flushed last_seen. Returns how many.
// Ends the intervals with ids up to `up_to_id` still open (those a stop left open) at their
// last recorded heartbeat.
int close_dangling_presence(connection& c, std::int64_t up_to_id);
// Several nodes: a room taken over from a node that died, or a node gone silent, ends that
// node's open intervals of the session at their last recorded heartbeat. Returns how many.
int close_open_presence_of(connection& c, std::int64_t session_id, const std::string& node);
// Intervals still open of sessions that ended at or before `ended_by`: rooms end their own at the
// end, so these belong to a node that died around it (an owner inside its lease, or a node whose
// silence its owner had not noticed yet). They end at their last recorded heartbeat. Returns
// how many.
int close_presence_of_ended_sessions(connection& c, protocol::unix_seconds ended_by);
// Several nodes: at a node's start, the intervals it left open (of every session) end at their
// last recorded heartbeat. Returns how many.
int close_dangling_presence_of_node(connection& c, const std::string& node);
// One session's intervals, of one user when given, ordered by id.
std::vector<presence_row> presence_of(connection& c, std::int64_t session_id,
                                      std::optional<std::int64_t> user_id = std::nullopt);
// One user's ended intervals of a session (what a joining trainee's attendance starts from;
// the open ones belong to connections a room tracks), ordered by id.
std::vector<presence_row> ended_presence_of(connection& c, std::int64_t session_id,
                                            std::int64_t user_id);
// The same as presence_of for every session in `scope`, ordered by id.
std::vector<presence_row> presence_in(connection& c, const session_scope& scope,
                                      std::optional<std::int64_t> user_id = std::nullopt);

// False when the trainee had already checked in (the first check-in is kept).
bool record_checkin(connection& c, std::int64_t session_id, std::int64_t user_id,
                    protocol::unix_seconds at);
// user id -> check-in time, for one session (or one user of it).
std::map<std::int64_t, protocol::unix_seconds> checkins_of(
    connection& c, std::int64_t session_id, std::optional<std::int64_t> user_id = std::nullopt);
per_session<std::map<std::int64_t, protocol::unix_seconds>> checkins_in(
    connection& c, const session_scope& scope, std::optional<std::int64_t> user_id = std::nullopt);

struct mark_row {
    std::int64_t id = 0;
    std::int64_t session_id = 0;
    std::int64_t user_id = 0;
    std::string status;  // present | absent | excused
    std::string reason;
    std::int64_t marked_by = 0;
    std::string marked_by_name;
    protocol::unix_seconds marked_at = 0;
};
std::int64_t insert_mark(connection& c, const mark_row& m);
// Every mark of a session (or one user of it), oldest first: the last per user is in force.
std::vector<mark_row> marks_of(connection& c, std::int64_t session_id,
                               std::optional<std::int64_t> user_id = std::nullopt);
// Every mark of the sessions in `scope`, oldest first.
std::vector<mark_row> marks_in(connection& c, const session_scope& scope,
                               std::optional<std::int64_t> user_id = std::nullopt);

struct attendee_row {
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::string nib;  // empty when unknown
    std::string email;
};
// The trainees enrolled (not withdrawn) in a training, by user id.
std::vector<attendee_row> enrolled_trainees(connection& c, std::int64_t training_id);

// A named secret: the stored one, or `candidate` stored now when there is none (write job).
std::string server_secret(connection& c, const std::string& name, const std::string& candidate);
// The stored one alone (a read job).
std::optional<std::string> find_server_secret(connection& c, const std::string& name);

// Replay progress of one user on one session's recording.
std::optional<protocol::replay_cursor> find_replay_cursor(connection& c, std::int64_t session_id,
                                                          std::int64_t user_id);
void save_replay_cursor(connection& c, std::int64_t session_id, std::int64_t user_id,
                        const protocol::replay_cursor& cursor);
// The played ranges of one user (replaced as a whole: they are few once merged).
void replace_replay_ranges(connection& c, std::int64_t session_id, std::int64_t user_id,
                           const std::vector<protocol::play_range>& merged);
// user id -> played ranges (merged, ordered), for one session (or one user of it).
std::map<std::int64_t, std::vector<protocol::play_range>> replay_ranges_of(
    connection& c, std::int64_t session_id, std::optional<std::int64_t> user_id = std::nullopt);
per_session<std::map<std::int64_t, std::vector<protocol::play_range>>> replay_ranges_in(
    connection& c, const session_scope& scope, std::optional<std::int64_t> user_id = std::nullopt);

// Trainees who hid their own chat lines in a session's recording.
std::vector<std::int64_t> hidden_chat_users(connection& c, std::int64_t session_id);
void set_chat_hidden(connection& c, std::int64_t session_id, std::int64_t user_id, bool hidden,
                     protocol::unix_seconds now);

}  // namespace daring::storage
