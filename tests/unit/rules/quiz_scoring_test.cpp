// The one scoring rule every quiz path uses.
#include "server/rules/quiz_scoring.hpp"

#include <gtest/gtest.h>

using namespace daring::server;
using daring::protocol::json;
namespace p = daring::protocol;

namespace {

p::question question(std::int64_t id, p::question_type type, json correct, int points = 1,
                     std::size_t options = 0) {
    p::question q;
    q.id = id;
    q.type = type;
    q.prompt = "Q" + std::to_string(id);
    for (std::size_t i = 0; i < options; ++i) q.options.push_back("option " + std::to_string(i));
    q.correct = std::move(correct);
    q.points = points;
    return q;
}

// Five questions, one of each type: 1 + 2 + 1 + 3 + 1 = 8 points.
p::quiz every_type(p::quiz_kind kind = p::quiz_kind::post_test) {
    p::quiz q;
    q.id = 7;
    q.kind = kind;
    q.questions.push_back(question(1, p::question_type::single, 2, 1, 3));
    q.questions.push_back(question(2, p::question_type::multiple, json::array({0, 2}), 2, 4));
    q.questions.push_back(question(3, p::question_type::true_false, true));
    auto numeric = question(4, p::question_type::numeric, 12.5, 3);
    numeric.tolerance = 0.5;
    q.questions.push_back(numeric);
    q.questions.push_back(question(5, p::question_type::text, json::array({"modal usaha"})));
    return q;
}

}  // namespace

TEST(QuizScoring, GivesEveryPointForEveryRightAnswer) {
    auto s = score_quiz(
        every_type(),
        {{1, 2}, {2, json::array({0, 2})}, {3, true}, {4, 12.9}, {5, "  Modal   USAHA "}});
    EXPECT_EQ(s.max_score, 8);
    EXPECT_DOUBLE_EQ(s.score, 8.0);
    EXPECT_EQ(s.answers.size(), 5u);
}

TEST(QuizScoring, GivesNothingForWrongAnswersButKeepsThem) {
    auto s = score_quiz(every_type(),
                        {{1, 0}, {2, json::array({0, 1})}, {3, false}, {4, 14.0}, {5, "laba"}});
    EXPECT_DOUBLE_EQ(s.score, 0.0);
    EXPECT_EQ(s.answers["1"], 0);
    EXPECT_EQ(s.answers["5"], "laba");
}

TEST(QuizScoring, CountsOnlyTheQuestionsAnswered) {
    auto s = score_quiz(every_type(), {{4, 12.0}});
    EXPECT_DOUBLE_EQ(s.score, 3.0);
    EXPECT_EQ(s.max_score, 8);
    EXPECT_EQ(s.answers.size(), 1u);
    EXPECT_TRUE(s.answers.contains("4"));
}

TEST(QuizScoring, IgnoresAnswersToQuestionsTheQuizDoesNotHave) {
    auto s = score_quiz(every_type(), {{1, 2}, {99, 1}});
    EXPECT_DOUBLE_EQ(s.score, 1.0);
    EXPECT_FALSE(s.answers.contains("99"));
}

TEST(QuizScoring, GivesPartialCreditOnMultipleChoiceWhenTheQuizSaysSo) {
    auto q = every_type();
    const std::map<std::int64_t, json> half{{2, json::array({0})}};  // one of two right
    EXPECT_DOUBLE_EQ(score_quiz(q, half).score, 0.0);                // all or nothing
    q.partial_credit = true;
    EXPECT_DOUBLE_EQ(score_quiz(q, half).score, 1.0);                    // 2 points x 1/2
    const std::map<std::int64_t, json> mixed{{2, json::array({0, 1})}};  // one right, one wrong
    EXPECT_DOUBLE_EQ(score_quiz(q, mixed).score, 0.0);
}

TEST(QuizScoring, NeverScoresAPollButKeepsItsAnswers) {
    auto s = score_quiz(every_type(p::quiz_kind::poll), {{1, 2}, {3, true}});
    EXPECT_DOUBLE_EQ(s.score, 0.0);
    EXPECT_EQ(s.answers.size(), 2u);
}

TEST(QuizScoring, GivesNothingForAnAnswerThatDoesNotFitItsQuestion) {
    auto s = score_quiz(every_type(), {{1, "two"}, {3, 1}, {4, "12.5"}});
    EXPECT_DOUBLE_EQ(s.score, 0.0);
    EXPECT_EQ(s.answers.size(), 3u);
}

TEST(QuizScoring, ExpressesScoresAsPercentages) {
    EXPECT_DOUBLE_EQ(percent_of(6, 8), 75.0);
    EXPECT_DOUBLE_EQ(percent_of(0, 8), 0.0);
    EXPECT_DOUBLE_EQ(percent_of(3, 0), 0.0);  // a quiz without points
}
