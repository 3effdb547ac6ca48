#pragma once
// Questions and quick polls of a live room: what a room keeps of them, what a restart restores,
// the views each role may see, and where they are stored (taking_part_sink). Pure but the sink.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"

namespace daring::server {

struct room_question {
    std::int64_t id = 0;  // the seq of its `question` event: unique in the session
    std::int64_t user_id = 0;
    std::string name;  // the author's full name
    std::string text;
    bool anonymous = false;  // to other trainees; trainers and admins always see the author
    protocol::unix_seconds asked_at = 0;
    std::set<std::int64_t> voters;
    bool answered = false;
    std::optional<std::string> answer;  // a written answer (none: answered live)
    bool hidden = false;
    std::string client_id;  // the asker's message id (a resend is not a second question)
};

struct room_poll {
    std::int64_t id = 0;  // the seq of its poll_opened event
    std::string question;
    std::vector<std::string> options;
    bool multiple = false;
    bool anonymous = false;  // exports and views never name who chose what
    std::int64_t opened_by = 0;
    protocol::unix_seconds opened_at = 0;
    std::map<std::int64_t, std::vector<int>> answers;  // user -> choices (the last answer)
};

struct poll_results {
    std::size_t answered = 0;          // trainees who answered
    std::vector<std::int64_t> counts;  // per option
};
poll_results count_poll(const room_poll& p);
protocol::json to_json(const poll_results& r);

// A question as a viewer sees it: `author` {user_id, name}, or null when a trainee views an
// anonymous one (trainers and admins always see it).
protocol::json question_json(const room_question& q, bool staff_view);
// The order trainers read questions in: not hidden first, unanswered first, most votes first,
// oldest first.
bool question_before(const room_question& a, const room_question& b);

// Where a room's questions, votes, polls and counted reactions go (the group-commit writer in
// the server; a fake in tests). Called on the room's strand; must not block. `done(stored)` runs
// after COMMIT, on any thread; a message is acknowledged only then.
class taking_part_sink {
  public:
    virtual ~taking_part_sink() = default;
    using done_fn = std::function<void(bool stored)>;
    virtual void asked(std::int64_t session_id, const room_question& q, done_fn done) = 0;
    virtual void voted(std::int64_t session_id, std::int64_t question_id, std::int64_t user_id,
                       protocol::unix_seconds at, done_fn done) = 0;
    virtual void answered(std::int64_t session_id, std::int64_t question_id, std::int64_t by,
                          const std::optional<std::string>& text, protocol::unix_seconds at,
                          done_fn done) = 0;
    // Hiding is audited (who, which question, its author).
    virtual void hidden(std::int64_t session_id, const room_question& q, std::int64_t by,
                        protocol::unix_seconds at, done_fn done) = 0;
    virtual void poll_opened(std::int64_t session_id, const room_poll& p, done_fn done) = 0;
    virtual void poll_answered(std::int64_t session_id, std::int64_t poll_id, std::int64_t user_id,
                               const std::vector<int>& choices, protocol::unix_seconds at,
                               done_fn done) = 0;
    virtual void poll_closed(std::int64_t session_id, std::int64_t poll_id, bool published,
                             protocol::unix_seconds at, done_fn done) = 0;
    // Reactions counted since the last call, per user (for participation; not acknowledged).
    virtual void reacted(std::int64_t session_id,
                         std::vector<std::pair<std::int64_t, std::int64_t>> per_user,
                         protocol::unix_seconds at) = 0;
};

// What a room rebuilt after a restart takes of its questions and open poll.
struct taking_part_recovery {
    std::vector<room_question> questions;
    std::optional<room_poll> poll;  // the open one, with its stored answers
    std::set<std::int64_t> closed_polls;
};

}  // namespace daring::server
