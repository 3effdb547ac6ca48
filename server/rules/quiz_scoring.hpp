#pragma once
// Scoring a trainee's answers to a quiz: the one rule every path uses (self-paced submissions,
// the close of a live run). Pure: no I/O.
#include <cstdint>
#include <map>

#include "protocol/quiz.hpp"

namespace daring::server {

struct quiz_score {
    double score = 0;   // points earned; 0 for polls, which are never scored
    int max_score = 0;  // the quiz's total points
    protocol::json answers = protocol::json::object();  // question id (text) -> answer
};

// Scores `answers` (question id -> answer) against the quiz. Answers to questions the quiz
// does not have are ignored; an answer that does not fit its question earns 0 and is kept.
// Partial credit for multiple-choice questions as the quiz says.
quiz_score score_quiz(const protocol::quiz& q,
                      const std::map<std::int64_t, protocol::json>& answers);

// A score as a percentage of `max_score` (0 when the quiz has no points).
double percent_of(double score, int max_score);

}  // namespace daring::server
