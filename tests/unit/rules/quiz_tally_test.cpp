// The per-question tally every path shows (the trainer's live view, quiz_closed, the report).
#include "server/rules/quiz_tally.hpp"

#include <gtest/gtest.h>

using namespace daring::server;
using daring::protocol::json;
namespace p = daring::protocol;

namespace {
p::question tally_question(p::question_type type, json correct, std::size_t options = 0) {
    p::question q;
    q.id = 1;
    q.type = type;
    for (std::size_t i = 0; i < options; ++i) q.options.push_back("option " + std::to_string(i));
    q.correct = std::move(correct);
    return q;
}
}  // namespace

TEST(QuizTally, StartsAtZeroInTheShapeOfEachQuestionType) {
    EXPECT_EQ(empty_tally(tally_question(p::question_type::single, 1, 3)).counts, json({0, 0, 0}));
    EXPECT_EQ(empty_tally(tally_question(p::question_type::multiple, json::array({0}), 2)).counts,
              json({0, 0}));
    EXPECT_EQ(empty_tally(tally_question(p::question_type::true_false, true)).counts,
              json({{"true", 0}, {"false", 0}}));
    EXPECT_EQ(empty_tally(tally_question(p::question_type::numeric, 4)).counts,
              json({{"correct", 0}, {"incorrect", 0}}));
    const auto none = empty_tally(tally_question(p::question_type::single, 1, 3));
    EXPECT_EQ(none.answered, 0);
    EXPECT_EQ(share_correct(none), 0.0);
}

TEST(QuizTally, CountsChoicesPerOptionAndTheShareThatIsRight) {
    const auto q = tally_question(p::question_type::single, 1, 3);
    auto t = empty_tally(q);
    for (int a : {1, 1, 2, 0}) count_answer(q, a, t);
    EXPECT_EQ(t.counts, json({1, 2, 1}));
    EXPECT_EQ(t.answered, 4);
    EXPECT_EQ(t.correct, 2);
    EXPECT_EQ(share_correct(t), 0.5);
}

TEST(QuizTally, AMultipleChoiceAnswerCountsEachOptionItPicks) {
    const auto q = tally_question(p::question_type::multiple, json::array({0, 2}), 3);
    auto t = empty_tally(q);
    count_answer(q, json::array({0, 2}), t);
    count_answer(q, json::array({2}), t);
    EXPECT_EQ(t.counts, json({1, 0, 2}));
    EXPECT_EQ(t.answered, 2);
    EXPECT_EQ(t.correct, 1);
}

TEST(QuizTally, TrueFalseByValueAndOtherTypesByRightOrWrong) {
    const auto tf = tally_question(p::question_type::true_false, false);
    auto t = empty_tally(tf);
    for (bool a : {true, false, false}) count_answer(tf, a, t);
    EXPECT_EQ(t.counts, json({{"true", 1}, {"false", 2}}));
    EXPECT_EQ(t.correct, 2);
    const auto num = tally_question(p::question_type::numeric, 10);
    auto n = empty_tally(num);
    for (int a : {10, 11, 10}) count_answer(num, a, n);
    EXPECT_EQ(n.counts, json({{"correct", 2}, {"incorrect", 1}}));
}

TEST(QuizTally, AnOptionOutsideTheQuestionCountsNowhereButIsAnswered) {
    const auto q = tally_question(p::question_type::single, 0, 2);
    auto t = empty_tally(q);
    count_answer(q, 5, t);
    count_answer(q, -1, t);
    count_answer(q, "x", t);
    EXPECT_EQ(t.counts, json({0, 0}));
    EXPECT_EQ(t.answered, 3);
}
