#include "server/rules/quiz_tally.hpp"

#include <cstdint>
#include <vector>

namespace daring::server {

using protocol::json;
using protocol::question_type;

question_tally empty_tally(const protocol::question& q) {
    question_tally t;
    if (q.type == question_type::single || q.type == question_type::multiple)
        t.counts = json(std::vector<int>(q.options.size(), 0));
    else if (q.type == question_type::true_false)
        t.counts = {{"true", 0}, {"false", 0}};
    else
        t.counts = {{"correct", 0}, {"incorrect", 0}};
    return t;
}

namespace {
// An option index as validated answers hold it; anything else counts nowhere.
void bump(json& counts, const json& option) {
    if (!option.is_number_integer() || option.get<std::int64_t>() < 0) return;
    const auto i = option.get<std::size_t>();
    if (i < counts.size()) counts[i] = counts[i].get<int>() + 1;
}
}  // namespace

void count_answer(const protocol::question& q, const json& answer, question_tally& t) {
    ++t.answered;
    const bool right = protocol::answer_is_correct(q, answer);
    if (right) ++t.correct;
    if (q.type == question_type::single) {
        bump(t.counts, answer);
    } else if (q.type == question_type::multiple) {
        if (answer.is_array())
            for (const auto& i : answer) bump(t.counts, i);
    } else {
        const auto* key = q.type == question_type::true_false
                              ? (answer.is_boolean() && answer.get<bool>() ? "true" : "false")
                              : (right ? "correct" : "incorrect");
        t.counts[key] = t.counts.value(key, 0) + 1;
    }
}

double share_correct(const question_tally& t) {
    return t.answered ? static_cast<double>(t.correct) / t.answered : 0.0;
}

}  // namespace daring::server
