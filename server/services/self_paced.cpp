#include "server/services/self_paced.hpp"

#include <map>
#include <string>

#include "server/http/http_types.hpp"
#include "server/rules/quiz_scoring.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

void check_may_submit(connection& c, const quiz& q, std::int64_t user_id, unix_seconds now) {
    if (q.opens_at && now < *q.opens_at)
        throw http_error(409, "quiz_not_open", "The quiz is not open yet");
    if (q.closes_at && now >= *q.closes_at + submission_grace)
        throw http_error(409, "quiz_closed", "The quiz has closed");
    if (!q.allow_retakes && !storage::submissions_of(c, q.id, user_id).empty())
        throw http_error(409, "already_submitted", "This quiz takes one submission per trainee");
    if (!q.time_limit_s) return;
    auto started = storage::latest_attempt(c, q.id, user_id);
    if (!started)
        throw http_error(409, "attempt_not_started", "Start an attempt first (POST .../attempts)");
    if (now > *started + *q.time_limit_s + submission_grace)
        throw http_error(409, "time_over", "The time limit of this attempt has passed");
}

// question id -> answer, each checked against its question; 422 names the answer at fault.
std::map<std::int64_t, json> checked_answers(const quiz& q, const json& body) {
    if (!body.contains("answers") || !body["answers"].is_array())
        throw http_error(422, "missing_field", "answers must be a list", "answers");
    std::map<std::int64_t, const question*> by_id;
    for (const auto& question : q.questions) by_id[question.id] = &question;
    std::map<std::int64_t, json> out;
    const auto& answers = body["answers"];
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto path = "answers[" + std::to_string(i) + "]";
        const auto& a = answers[i];
        if (!a.is_object() || !a.contains("question_id") || !a["question_id"].is_number_integer())
            throw http_error(422, "invalid_field", "each answer needs a question_id",
                             path + ".question_id");
        auto question = by_id.find(a["question_id"].get<std::int64_t>());
        if (question == by_id.end())
            throw http_error(422, "unknown_question", "No such question in this quiz",
                             path + ".question_id");
        if (out.contains(question->first))
            throw http_error(422, "invalid_field", "a question is answered twice",
                             path + ".question_id");
        const json value = a.contains("answer") ? a["answer"] : json(nullptr);
        if (auto problem = check_answer(*question->second, value))
            throw http_error(422, problem->code, problem->message, path + ".answer");
        out[question->first] = value;
    }
    return out;
}

}  // namespace

void start_attempt(connection& c, const quiz& q, std::int64_t user_id, unix_seconds now) {
    if (q.opens_at && now < *q.opens_at)
        throw http_error(409, "quiz_not_open", "The quiz is not open yet");
    if (q.closes_at && now >= *q.closes_at)
        throw http_error(409, "quiz_closed", "The quiz has closed");
    storage::start_attempt(c, q.id, user_id, now);
}

storage::submission_row submit_answers(connection& c, const quiz& q, std::int64_t user_id,
                                       const json& body, unix_seconds now) {
    check_may_submit(c, q, user_id, now);
    auto scored = score_quiz(q, checked_answers(q, body));
    storage::submission_row row;
    row.quiz_id = q.id;
    row.user_id = user_id;
    row.source = "self_paced";
    row.score = scored.score;
    row.max_score = scored.max_score;
    row.answers = std::move(scored.answers);
    row.submitted_at = now;
    row.id = storage::insert_submission(c, row);
    return row;
}

}  // namespace daring::server
