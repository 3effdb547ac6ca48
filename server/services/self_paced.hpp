#pragma once
// Self-paced quizzes: an attempt starts the clock of a timed quiz; a submission is checked
// against the quiz's window, time limit and retake rule, validated answer by answer and scored
// with the one scoring rule (rules/quiz_scoring.hpp). Each function runs inside a write job and
// throws http_error for a refusal (409 for the quiz's rules, 422 naming the answer at fault).
#include <cstdint>

#include "protocol/quiz.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

// Seconds of grace after a closing time or time limit (a slow network on the last answer).
inline constexpr protocol::unix_seconds submission_grace = 30;

// 409 `quiz_not_open` / `quiz_closed` outside the quiz's window.
void start_attempt(storage::connection& c, const protocol::quiz& q, std::int64_t user_id,
                   protocol::unix_seconds now);

// Stores and returns the scored submission of `body` ({"answers": [{question_id, answer}]}).
storage::submission_row submit_answers(storage::connection& c, const protocol::quiz& q,
                                       std::int64_t user_id, const protocol::json& body,
                                       protocol::unix_seconds now);

}  // namespace daring::server
