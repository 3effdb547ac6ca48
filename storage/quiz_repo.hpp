#pragma once
// Quizzes: the bank, live runs and their answers, scored submissions, self-paced attempts.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/quiz.hpp"

namespace daring::storage {

class connection;

// Inserts the quiz and its questions (ids assigned); returns the quiz id.
std::int64_t insert_quiz(connection& c, protocol::quiz& q);
std::optional<protocol::quiz> find_quiz(connection& c, std::int64_t id);
std::vector<protocol::quiz> quizzes_of(connection& c, std::int64_t training_id);
// True once anyone answered or submitted (then the quiz may no longer change).
bool quiz_has_answers(connection& c, std::int64_t quiz_id);
// Whether anyone submitted the quiz (live or self-paced).
bool quiz_has_submissions(connection& c, std::int64_t quiz_id);
// Replaces settings and questions (new question ids).
void replace_quiz(connection& c, std::int64_t id, protocol::quiz& q);

std::int64_t insert_run(connection& c, std::int64_t quiz_id, std::int64_t session_id,
                        std::int64_t by, protocol::unix_seconds at,
                        protocol::unix_seconds closes_at);
// Closes a run; false when it was closed already (so its results are stored once).
bool close_run(connection& c, std::int64_t run_id, protocol::unix_seconds at);

struct open_run {
    std::int64_t run_id = 0;
    std::int64_t quiz_id = 0;
    std::int64_t session_id = 0;
    protocol::unix_seconds closes_at = 0;
    bool session_live = false;
};
// Runs not closed yet, of one session or of all.
std::vector<open_run> open_runs(connection& c,
                                std::optional<std::int64_t> session_id = std::nullopt);
// The stored answers of a run: user -> question -> answer (the last one each).
std::map<std::int64_t, std::map<std::int64_t, protocol::json>> run_answers(connection& c,
                                                                           std::int64_t run_id);
// Applies a live answer unless `client_id` was applied before; false when it was (a resend).
bool record_answer(connection& c, std::int64_t run_id, std::int64_t user_id,
                   std::int64_t question_id, const protocol::json& answer,
                   const std::string& client_id, protocol::unix_seconds at);

// A live answer as the room took it.
struct answer_row {
    std::int64_t run_id = 0, user_id = 0, question_id = 0;
    std::string answer;     // JSON text
    std::string client_id;  // the client's message id ('' when none)
    protocol::unix_seconds at = 0;
};
// Applies many live answers as record_answer would one after another (in their order: the last
// answer to a question wins; a client id applied before, or earlier in `rows`, is not applied
// again). PostgreSQL: one statement for all of them.
void record_answers(connection& c, const std::vector<answer_row>& rows);

struct submission_row {
    std::int64_t id = 0;
    std::int64_t quiz_id = 0;
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::string source;  // live | self_paced
    std::optional<std::int64_t> run_id;
    double score = 0;
    int max_score = 0;
    protocol::json answers;  // question id (as text) -> answer
    protocol::unix_seconds submitted_at = 0;
};
std::int64_t insert_submission(connection& c, const submission_row& s);
// Oldest first.
std::vector<submission_row> submissions_of(connection& c, std::int64_t quiz_id,
                                           std::optional<std::int64_t> user_id = std::nullopt);

void start_attempt(connection& c, std::int64_t quiz_id, std::int64_t user_id,
                   protocol::unix_seconds at);
std::optional<protocol::unix_seconds> latest_attempt(connection& c, std::int64_t quiz_id,
                                                     std::int64_t user_id);

}  // namespace daring::storage
