// The taking-part messages of the live protocol: what parses, what is refused with which field,
// and who may send each.
#include <gtest/gtest.h>

#include "protocol/live.hpp"

using namespace daring::protocol;

namespace {

// The field a refused message names ("" when it parsed).
std::string refused_field(const std::string& text) {
    auto p = live::parse_client_message(text);
    if (p.message) return "";
    return p.problem ? p.problem->field : "?";
}

}  // namespace

TEST(TakingPartMessages, AQuestionHasTextOfChatLengthAndAnOptionalAnonymousFlag) {
    auto p = live::parse_client_message(
        R"({"type":"question","id":"q1","text":" Apa itu NIB? ","anonymous":true})");
    ASSERT_TRUE(p.message) << p.problem->message;
    const auto q = std::get<live::ask_question>(*p.message);
    EXPECT_EQ(q.text, "Apa itu NIB?");
    EXPECT_TRUE(q.anonymous);
    EXPECT_EQ(p.id, "q1");
    EXPECT_FALSE(std::get<live::ask_question>(
                     *live::parse_client_message(R"({"type":"question","text":"x"})").message)
                     .anonymous);
    EXPECT_EQ(refused_field(R"({"type":"question","text":""})"), "text");
    EXPECT_EQ(refused_field(R"({"type":"question","text":"x","anonymous":"ya"})"), "anonymous");
    EXPECT_EQ(refused_field(R"({"type":"question","text":")" + std::string(501, 'a') + "\"}"),
              "text");
    EXPECT_TRUE(live::is_trainee_message(*p.message));
    EXPECT_FALSE(live::is_staff_message(*p.message));
}

TEST(TakingPartMessages, VotesAnswersAndHidingNameAQuestion) {
    auto v = live::parse_client_message(R"({"type":"vote","question_id":12})");
    ASSERT_TRUE(v.message);
    EXPECT_EQ(std::get<live::vote>(*v.message).question_id, 12);
    EXPECT_FALSE(live::is_staff_message(*v.message));
    EXPECT_FALSE(live::is_trainee_message(*v.message)) << "everyone votes";
    EXPECT_EQ(refused_field(R"({"type":"vote"})"), "question_id");
    EXPECT_EQ(refused_field(R"({"type":"vote","question_id":0})"), "question_id");
    auto a = live::parse_client_message(
        R"({"type":"answer_question","question_id":3,"text":"Lihat slide 4"})");
    ASSERT_TRUE(a.message);
    EXPECT_EQ(std::get<live::answer_question>(*a.message).text, "Lihat slide 4");
    EXPECT_TRUE(live::is_staff_message(*a.message));
    EXPECT_TRUE(
        std::get<live::answer_question>(
            *live::parse_client_message(R"({"type":"answer_question","question_id":3})").message)
            .text.empty());
    auto h = live::parse_client_message(R"({"type":"hide_question","question_id":3})");
    ASSERT_TRUE(h.message);
    EXPECT_TRUE(live::is_staff_message(*h.message));
}

TEST(TakingPartMessages, APollHasTwoToTenOptionsOfOneLineEach) {
    auto p = live::parse_client_message(
        R"({"type":"open_poll","question":"Siap?","options":["Ya","Belum"],"multiple":true})");
    ASSERT_TRUE(p.message) << p.problem->message;
    const auto poll = std::get<live::open_poll>(*p.message);
    EXPECT_EQ(poll.options, (std::vector<std::string>{"Ya", "Belum"}));
    EXPECT_TRUE(poll.multiple);
    EXPECT_FALSE(poll.anonymous);
    EXPECT_TRUE(live::is_staff_message(*p.message));
    EXPECT_EQ(refused_field(R"({"type":"open_poll","question":"Q","options":["Ya"]})"), "options");
    EXPECT_EQ(refused_field(R"({"type":"open_poll","question":"Q"})"), "options");
    EXPECT_EQ(
        refused_field(
            R"({"type":"open_poll","question":"Q","options":["a","b","c","d","e","f","g","h","i","j","k"]})"),
        "options");
    EXPECT_EQ(refused_field(R"({"type":"open_poll","question":"Q","options":["a",""]})"),
              "options");
    EXPECT_EQ(refused_field(R"({"type":"open_poll","question":"Q","options":["a","b\nc"]})"),
              "options");
    EXPECT_EQ(refused_field(R"({"type":"open_poll","question":"Q","options":["a",2]})"), "options");
    EXPECT_EQ(refused_field(R"({"type":"open_poll","question":"","options":["a","b"]})"),
              "question");
    auto c = live::parse_client_message(R"({"type":"close_poll","poll_id":9,"publish":true})");
    ASSERT_TRUE(c.message);
    EXPECT_TRUE(std::get<live::close_poll>(*c.message).publish);
}

TEST(TakingPartMessages, PollChoicesAreDistinctOptionIndexes) {
    auto p = live::parse_client_message(R"({"type":"poll_answer","poll_id":9,"choices":[2,0]})");
    ASSERT_TRUE(p.message);
    EXPECT_EQ(std::get<live::poll_answer>(*p.message).choices, (std::vector<int>{0, 2}));
    EXPECT_TRUE(live::is_trainee_message(*p.message));
    EXPECT_EQ(refused_field(R"({"type":"poll_answer","poll_id":9,"choices":[]})"), "choices");
    EXPECT_EQ(refused_field(R"({"type":"poll_answer","poll_id":9,"choices":[1,1]})"), "choices");
    EXPECT_EQ(refused_field(R"({"type":"poll_answer","poll_id":9,"choices":[-1]})"), "choices");
    EXPECT_EQ(refused_field(R"({"type":"poll_answer","poll_id":9,"choices":["0"]})"), "choices");
    EXPECT_EQ(refused_field(R"({"type":"poll_answer","poll_id":9})"), "choices");
    EXPECT_EQ(refused_field(R"({"type":"poll_answer","choices":[0]})"), "poll_id");
    EXPECT_EQ(live::type_name(*p.message), "poll_answer");
}
