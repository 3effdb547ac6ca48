#pragma once
// Quizzes: the bank's value types, validation with field-named errors, answer checking and
// scoring. Pure.
//
// Scoring, per question worth `points`:
//   single, true_false: all points when the answer equals `correct`.
//   multiple: all-or-nothing by default (the chosen set equals the correct set); with the
//     quiz's `partial_credit`, points x max(0, (right choices - wrong choices) / correct count).
//   numeric: all points when |answer - correct| <= tolerance.
//   text: all points when the answer equals one of the accepted answers after normalisation
//     (ASCII case folded, surrounding spaces trimmed, inner runs of spaces collapsed).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/error.hpp"
#include "protocol/json_text.hpp"
#include "protocol/time_format.hpp"

namespace daring::protocol {

enum class quiz_kind { pre_test, post_test, poll, practice };
enum class question_type { single, multiple, true_false, numeric, text };
std::optional<quiz_kind> parse_quiz_kind(std::string_view);
std::optional<question_type> parse_question_type(std::string_view);
std::string_view to_string(quiz_kind);
std::string_view to_string(question_type);
// Polls are never scored.
inline bool is_scored(quiz_kind k) {
    return k != quiz_kind::poll;
}

inline constexpr std::size_t questions_per_quiz_limit = 100;
inline constexpr std::size_t options_per_question_limit = 10;
inline constexpr std::size_t accepted_texts_limit = 20;
inline constexpr std::size_t text_answer_limit = 200;  // characters
inline constexpr int live_quiz_duration_limit = 3600;  // seconds

struct question {
    std::int64_t id = 0;
    question_type type = question_type::single;
    std::string prompt;
    std::vector<std::string> options;  // single and multiple
    // single: index; multiple: sorted indexes; true_false: bool; numeric: number;
    // text: accepted answers (normalised).
    json correct;
    double tolerance = 0;  // numeric
    int points = 1;
};

struct quiz {
    std::int64_t id = 0;
    std::int64_t training_id = 0;
    std::string title;
    quiz_kind kind = quiz_kind::practice;
    std::optional<int> time_limit_s;       // self-paced: seconds from the start of an attempt
    std::optional<unix_seconds> opens_at;  // self-paced window
    std::optional<unix_seconds> closes_at;
    bool shuffle = false;         // options in a per-trainee order
    bool anonymous = false;       // polls: results without names
    bool partial_credit = false;  // multiple: see above
    bool allow_retakes = false;   // self-paced: more than one submission
    bool count_best = true;       // with retakes: the best (else the last) counts
    std::vector<question> questions;
    std::int64_t created_by = 0;
    unix_seconds created_at = 0;
    std::optional<std::int64_t> copied_from;
};

result<quiz> parse_quiz(const json& body);

int max_score(const quiz& q);
// Null when `answer` fits the question, else the problem (code invalid_answer).
std::optional<error> check_answer(const question& q, const json& answer);
// Points earned (0 for an answer that does not fit). `partial_credit` as the quiz's.
double score_answer(const question& q, const json& answer, bool partial_credit);
bool answer_is_correct(const question& q, const json& answer);
std::string normalize_text(std::string_view text);

// The order in which trainee `user_id` sees a question's `count` options (a permutation of
// 0..count-1, stable per quiz, question and user).
std::vector<int> option_order(std::int64_t quiz_id, std::int64_t question_id, std::int64_t user_id,
                              std::size_t count);

// For staff: everything. For a trainee (`viewer` set): no correct answers or tolerance, and
// options as {index, text} in the trainee's order when the quiz shuffles.
json to_json(const quiz& q, std::optional<std::int64_t> viewer = std::nullopt);
json questions_json(const quiz& q, std::optional<std::int64_t> viewer);

}  // namespace daring::protocol
