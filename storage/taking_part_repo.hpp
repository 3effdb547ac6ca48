#pragma once
// Questions, votes, quick polls and reaction counts of live sessions (migration 15).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "storage/session_scope.hpp"

namespace daring::storage {

class connection;

struct question_row {
    std::int64_t session_id = 0;
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string author_name;  // read back only
    std::string text;
    bool anonymous = false;
    std::string client_id;
    protocol::unix_seconds asked_at = 0;
    std::optional<protocol::unix_seconds> answered_at;
    std::optional<std::string> answer;
    std::optional<protocol::unix_seconds> hidden_at;
    std::string hidden_by_name;     // read back only
    std::set<std::int64_t> voters;  // read back only
};
// Stores a question (again: nothing happens).
void insert_question(connection& c, const question_row& q);
// Stores a vote; false when the user had voted for it already.
bool insert_vote(connection& c, std::int64_t session_id, std::int64_t question_id,
                 std::int64_t user_id, protocol::unix_seconds at);
void mark_answered(connection& c, std::int64_t session_id, std::int64_t question_id,
                   std::int64_t by, const std::optional<std::string>& text,
                   protocol::unix_seconds at);
// Hides a question (the first hiding counts); false when it was hidden already.
bool mark_hidden(connection& c, std::int64_t session_id, std::int64_t question_id, std::int64_t by,
                 protocol::unix_seconds at);
// A session's questions with their voters, by id.
std::vector<question_row> questions_of(connection& c, std::int64_t session_id);

struct poll_row {
    std::int64_t session_id = 0;
    std::int64_t id = 0;
    std::string question;
    std::vector<std::string> options;
    bool multiple = false;
    bool anonymous = false;
    std::int64_t opened_by = 0;
    protocol::unix_seconds opened_at = 0;
    std::optional<protocol::unix_seconds> closed_at;
    bool published = false;
    std::map<std::int64_t, std::vector<int>> answers;  // read back only: user -> choices
};
void insert_poll(connection& c, const poll_row& p);
// The user's answer to the poll (replacing an earlier one).
void save_poll_answer(connection& c, std::int64_t session_id, std::int64_t poll_id,
                      std::int64_t user_id, const std::vector<int>& choices,
                      protocol::unix_seconds at);
void close_poll(connection& c, std::int64_t session_id, std::int64_t poll_id, bool published,
                protocol::unix_seconds at);
// A session's polls with their answers, by id.
std::vector<poll_row> polls_of(connection& c, std::int64_t session_id);

// Adds counted reactions per user, and their total to the minute of `at`.
void add_reactions(connection& c, std::int64_t session_id,
                   const std::vector<std::pair<std::int64_t, std::int64_t>>& per_user,
                   protocol::unix_seconds at);

// What each user did in a session, counted from the tables above (the timeline's chat, hands
// and floor are read by the reports).
struct taking_part_counts {
    std::int64_t questions = 0;
    std::int64_t votes = 0;
    std::int64_t poll_answers = 0;
    std::int64_t reactions = 0;
};
std::map<std::int64_t, taking_part_counts> taking_part_counts_of(
    connection& c, std::int64_t session_id, std::optional<std::int64_t> only_user = std::nullopt);
per_session<std::map<std::int64_t, taking_part_counts>> taking_part_counts_in(
    connection& c, const session_scope& scope,
    std::optional<std::int64_t> only_user = std::nullopt);

// Activity per minute (Unix time / 60): questions asked, votes, poll answers and reactions.
struct activity_minute {
    std::int64_t questions = 0, votes = 0, poll_answers = 0, reactions = 0;
};
std::map<std::int64_t, activity_minute> taking_part_activity(connection& c,
                                                             std::int64_t session_id);

// The highest question or poll id of a session (a rebuilt room's seq continues past it).
std::int64_t highest_taking_part_id(connection& c, std::int64_t session_id);

}  // namespace daring::storage
