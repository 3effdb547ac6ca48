#pragma once
// The per-question tally of a quiz's answers: the one count the live room shows the trainer,
// broadcasts when a quiz closes, and the quiz report prints. Pure: no I/O.
#include "protocol/quiz.hpp"

namespace daring::server {

struct question_tally {
    int answered = 0;  // trainees who answered the question
    int correct = 0;   // of them, those whose answer is right (scored or not)
    // Single and multiple choice: a count per option, in option order. True/false:
    // {"true": n, "false": n}. Short answer: {"correct": n, "incorrect": n}.
    protocol::json counts;
};

// Every count at zero for `q`.
question_tally empty_tally(const protocol::question& q);
// Counts one trainee's answer (already validated against `q`).
void count_answer(const protocol::question& q, const protocol::json& answer, question_tally& t);
// The share of answers that are right, 0 when nobody answered.
double share_correct(const question_tally& t);

}  // namespace daring::server
