#include "protocol/quiz.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace daring::protocol;

namespace {

quiz parse_ok(const json& body) {
    auto q = parse_quiz(body);
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.err().field + ": " + q.err().message);
    return q.ok() ? *q : quiz{};
}

json one(json question) {
    return {{"title", "Uji"}, {"kind", "pre_test"}, {"questions", json::array({question})}};
}

std::string bad_field(const json& body) {
    auto q = parse_quiz(body);
    return q.ok() ? "(accepted)" : q.err().field;
}

}  // namespace

TEST(QuizValidation, NamesTheBadField) {
    EXPECT_EQ(bad_field(one(
                  {{"type", "single"}, {"prompt", "?"}, {"options", {"a", "b"}}, {"correct", 2}})),
              "questions[0].correct");
    EXPECT_EQ(bad_field(one({{"type", "numeric"}, {"prompt", "?"}, {"correct", "lima"}})),
              "questions[0].correct");
    EXPECT_EQ(
        bad_field(one({{"type", "numeric"}, {"prompt", "?"}, {"correct", 5}, {"tolerance", -1}})),
        "questions[0].tolerance");
    EXPECT_EQ(
        bad_field(one({{"type", "single"}, {"prompt", "?"}, {"options", {"a"}}, {"correct", 0}})),
        "questions[0].options");
    EXPECT_EQ(bad_field(one({{"type", "essay"}, {"prompt", "?"}, {"correct", "x"}})),
              "questions[0].type");
    EXPECT_EQ(bad_field(one({{"type", "true_false"}, {"prompt", "?"}})), "questions[0].correct");
    EXPECT_EQ(bad_field({{"title", "Uji"}, {"kind", "pre_test"}, {"questions", json::array()}}),
              "questions");
    EXPECT_EQ(bad_field({{"title", "Uji"}, {"kind", "ujian"}, {"questions", json::array()}}),
              "kind");
    EXPECT_EQ(bad_field({{"kind", "poll"}, {"questions", json::array()}}), "title");
    json anon = one({{"type", "true_false"}, {"prompt", "?"}, {"correct", true}});
    anon["anonymous"] = true;
    EXPECT_EQ(bad_field(anon), "anonymous");  // only polls
}

TEST(QuizScoring, SingleTrueFalseNumericWithToleranceAndText) {
    auto q = parse_ok(
        {{"title", "Uji"},
         {"kind", "post_test"},
         {"questions",
          {{{"type", "single"},
            {"prompt", "Modal?"},
            {"options", {"a", "b", "c"}},
            {"correct", 1},
            {"points", 2}},
           {{"type", "true_false"}, {"prompt", "Laba = omzet?"}, {"correct", false}},
           {{"type", "numeric"}, {"prompt", "Margin %?"}, {"correct", 25}, {"tolerance", 0.5}},
           {{"type", "text"},
            {"prompt", "Singkatan?"},
            {"correct", {"Usaha Mikro Kecil Menengah", "UMKM"}}}}}});
    const auto& qs = q.questions;
    EXPECT_EQ(max_score(q), 5);
    EXPECT_EQ(score_answer(qs[0], 1, false), 2);
    EXPECT_EQ(score_answer(qs[0], 2, false), 0);
    EXPECT_EQ(score_answer(qs[1], false, false), 1);
    EXPECT_EQ(score_answer(qs[1], true, false), 0);
    EXPECT_EQ(score_answer(qs[2], 25.5, false), 1);
    EXPECT_EQ(score_answer(qs[2], 24.4, false), 0);
    EXPECT_EQ(score_answer(qs[3], "  umkm ", false), 1);
    EXPECT_EQ(score_answer(qs[3], "usaha   MIKRO kecil menengah", false), 1);
    EXPECT_EQ(score_answer(qs[3], "UKM", false), 0);
    // Wrong types score nothing and are named.
    EXPECT_TRUE(check_answer(qs[0], "1"));
    EXPECT_TRUE(check_answer(qs[0], 3));
    EXPECT_TRUE(check_answer(qs[1], 0));
    EXPECT_TRUE(check_answer(qs[2], "dua puluh"));
    EXPECT_EQ(check_answer(qs[2], "x")->code, "invalid_answer");
    EXPECT_EQ(score_answer(qs[0], "1", false), 0);
}

TEST(QuizScoring, MultipleAllOrNothingOrPartialCredit) {
    auto q = parse_ok(one({{"type", "multiple"},
                           {"prompt", "Biaya tetap?"},
                           {"options", {"sewa", "bahan", "gaji", "listrik"}},
                           {"correct", {0, 2}},
                           {"points", 4}}));
    const auto& m = q.questions[0];
    EXPECT_EQ(score_answer(m, json::array({2, 0}), false), 4);
    EXPECT_EQ(score_answer(m, json::array({0}), false), 0);
    EXPECT_EQ(score_answer(m, json::array({0}), true), 2);        // one of two right
    EXPECT_EQ(score_answer(m, json::array({0, 1}), true), 0);     // one right, one wrong
    EXPECT_EQ(score_answer(m, json::array({0, 1, 2}), true), 2);  // two right, one wrong
    EXPECT_EQ(score_answer(m, json::array({1, 3}), true), 0);     // never below zero
    EXPECT_TRUE(check_answer(m, json::array({0, 0})));            // twice
    EXPECT_TRUE(check_answer(m, json::array({4})));
}

TEST(QuizShuffle, IsAStablePermutationPerTrainee) {
    auto a = option_order(5, 9, 101, 6);
    EXPECT_EQ(a, option_order(5, 9, 101, 6));
    auto sorted = a;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    int differs = 0;
    for (int user = 102; user < 122; ++user) differs += option_order(5, 9, user, 6) != a;
    EXPECT_GT(differs, 15);
    // A trainee's view lists options with their bank index, in their order, and no answers.
    auto q = parse_ok(one(
        {{"type", "single"}, {"prompt", "?"}, {"options", {"a", "b", "c", "d"}}, {"correct", 3}}));
    q.shuffle = true;
    q.id = 5;
    q.questions[0].id = 9;
    auto view = questions_json(q, 101)[0];
    EXPECT_FALSE(view.contains("correct"));
    const auto order = option_order(5, 9, 101, 4);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(view["options"][i]["index"], order[i]);
    EXPECT_TRUE(questions_json(q, std::nullopt)[0].contains("correct"));
}

TEST(QuizValidation, PollOpinionQuestionsNeedNoRightAnswer) {
    auto poll = [](json question) {
        return json{{"title", "Jajak"}, {"kind", "poll"}, {"questions", json::array({question})}};
    };
    const auto q =
        parse_ok(poll({{"type", "single"}, {"prompt", "Favorit?"}, {"options", {"a", "b", "c"}}}));
    ASSERT_EQ(q.questions.size(), 1u);
    EXPECT_TRUE(q.questions[0].correct.is_null());
    EXPECT_FALSE(check_answer(q.questions[0], 2).has_value());  // any option is a valid opinion
    EXPECT_TRUE(check_answer(q.questions[0], 3).has_value());
    EXPECT_EQ(score_answer(q.questions[0], 1, false), 0.0);
    parse_ok(poll({{"type", "multiple"}, {"prompt", "Yang mana?"}, {"options", {"a", "b"}}}));
    parse_ok(poll({{"type", "true_false"}, {"prompt", "Setuju?"}}));
    // Tallies of numeric and text questions count right and wrong answers: they still need one.
    EXPECT_EQ(bad_field(poll({{"type", "numeric"}, {"prompt", "Berapa?"}})),
              "questions[0].correct");
    EXPECT_EQ(bad_field(poll({{"type", "text"}, {"prompt", "Apa?"}})), "questions[0].correct");
    // Scored kinds always need it.
    EXPECT_EQ(bad_field(one({{"type", "single"}, {"prompt", "?"}, {"options", {"a", "b"}}})),
              "questions[0].correct");
}

TEST(QuizParsing, RefusesAToleranceOnQuestionsThatAreNotNumeric) {
    for (const json& tolerance :
         {json(0.5), json("0.5"), json(true), json::array(), json(nullptr)}) {
        json q = {{"type", "single"},
                  {"prompt", "Kas?"},
                  {"options", {"a", "b"}},
                  {"correct", 0},
                  {"tolerance", tolerance}};
        EXPECT_EQ(bad_field(one(q)), "questions[0].tolerance") << tolerance.dump();
    }
    json numeric = {{"type", "numeric"}, {"prompt", "10%?"}, {"correct", 10}, {"tolerance", "1"}};
    EXPECT_EQ(bad_field(one(numeric)), "questions[0].tolerance");
    numeric["tolerance"] = 1;
    EXPECT_EQ(parse_ok(one(numeric)).questions[0].tolerance, 1.0);
}

TEST(QuizParsing, RefusesControlCharactersInTheTitle) {
    json q = {{"type", "true_false"}, {"prompt", "Label?"}, {"correct", true}};
    auto body = one(q);
    body["title"] = std::string("Uji\0", 4);
    EXPECT_EQ(bad_field(body), "title");
}
