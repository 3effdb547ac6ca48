#include "server/rules/quiz_scoring.hpp"

#include <string>

namespace daring::server {

quiz_score score_quiz(const protocol::quiz& q,
                      const std::map<std::int64_t, protocol::json>& answers) {
    quiz_score out;
    out.max_score = protocol::max_score(q);
    const bool scored = protocol::is_scored(q.kind);
    for (const auto& question : q.questions) {
        auto it = answers.find(question.id);
        if (it == answers.end()) continue;
        out.answers[std::to_string(question.id)] = it->second;
        if (scored) out.score += protocol::score_answer(question, it->second, q.partial_credit);
    }
    return out;
}

double percent_of(double score, int max_score) {
    return max_score > 0 ? 100.0 * score / max_score : 0.0;
}

}  // namespace daring::server
