// A recording's timeline as each viewer gets it: staff-only events, deleted and hidden chat.
#include <gtest/gtest.h>

#include "server/recording/recording.hpp"

using namespace daring::server;
using daring::protocol::json;

namespace {

daring::storage::timeline_event event(std::uint64_t seq, std::int64_t at_ms, std::string type,
                                      std::optional<json> body,
                                      std::optional<json> staff_body = std::nullopt) {
    daring::storage::timeline_event e;
    e.session_id = 1;
    e.seq = seq;
    e.at_ms = at_ms;
    e.type = std::move(type);
    if (body) e.body = body->dump();
    if (staff_body) e.staff_body = staff_body->dump();
    return e;
}

json chat(std::int64_t user_id, const std::string& name, const std::string& text) {
    return {{"type", "chat"},
            {"from", {{"user_id", user_id}, {"name", name}, {"role", "trainee"}}},
            {"text", text}};
}

std::vector<daring::storage::timeline_event> script() {
    return {event(1, 1'000'500, "show_slide", json{{"type", "show_slide"}, {"index", 1}}),
            event(2, 1'001'000, "chat", chat(7, "Ani", "Halo")),
            event(3, 1'002'000, "chat", chat(8, "Budi", "Nomor HP saya 0812")),
            event(4, 1'002'500, "hand", std::nullopt, json{{"type", "hand"}, {"user_id", 8}}),
            event(5, 1'003'000, "chat", chat(7, "Ani", "Salah ketik")),
            event(6, 1'003'100, "chat_deleted", json{{"type", "chat_deleted"}, {"chat_seq", 5}}),
            event(7, 1'004'000, "presence", json{{"type", "presence"}, {"online", 3}})};
}

}  // namespace

TEST(RecordingTimeline, TimesCountFromTheStartAndPresenceIsLeftOut) {
    auto t = recording_timeline(script(), 1'000'000, false);
    ASSERT_EQ(t.size(), 5u);  // no hand (staff only), no presence
    EXPECT_EQ(t[0]["at_ms"], 500);
    EXPECT_EQ(t[1]["text"], "Halo");
    EXPECT_EQ(t[4]["type"], "chat_deleted");
    auto staff = recording_timeline(script(), 1'000'000, true);
    ASSERT_EQ(staff.size(), 6u);
    EXPECT_EQ(staff[3]["type"], "hand");
}

TEST(RecordingTimeline, DeletedChatKeepsItsPlaceWithoutText) {
    auto t = recording_timeline(script(), 1'000'000, false);
    EXPECT_EQ(t[3]["deleted"], true);
    EXPECT_FALSE(t[3].contains("text"));
    EXPECT_EQ(t[3]["from"]["name"], "Ani");
}

TEST(RecordingTimeline, HiddenChatLosesTextAndAuthorForEveryViewer) {
    for (bool staff : {false, true}) {
        auto t = recording_timeline(script(), 1'000'000, staff, {8});
        const auto& line = t[2];
        EXPECT_EQ(line["type"], "chat");
        EXPECT_EQ(line["hidden"], true);
        EXPECT_FALSE(line.contains("text"));
        EXPECT_FALSE(line.contains("from"));
        EXPECT_EQ(t[1]["text"], "Halo");  // others' lines stay
        EXPECT_EQ(t.dump().find("0812"), std::string::npos);
    }
}

TEST(RecordingTimeline, AHiddenQuestionLeavesTraineesReplayAndAPrivateAskerLosesTheirName) {
    auto asked = [](std::int64_t id, std::int64_t user, const std::string& name) {
        return json{{"type", "question"},
                    {"question",
                     {{"id", id}, {"text", "T"}, {"author", {{"user_id", user}, {"name", name}}}}}};
    };
    const std::vector<daring::storage::timeline_event> events = {
        event(10, 1'001'000, "question", asked(10, 7, "Ani")),
        event(11, 1'002'000, "question", asked(11, 8, "Budi")),
        event(12, 1'003'000, "question_hidden",
              json{{"type", "question_hidden"}, {"question_id", 11}}),
    };
    auto trainee = recording_timeline(events, 1'000'000, false, {7});
    ASSERT_EQ(trainee.size(), 2u);  // question 10 and the hiding
    EXPECT_EQ(trainee[0]["question"]["id"], 10);
    EXPECT_TRUE(trainee[0]["question"]["author"].is_null()) << "Ani hid her lines";
    EXPECT_EQ(trainee.dump().find("Budi"), std::string::npos);
    auto staff = recording_timeline(events, 1'000'000, true);
    ASSERT_EQ(staff.size(), 3u);
    EXPECT_TRUE(staff[1]["question"]["hidden"].get<bool>());
    EXPECT_EQ(staff[0]["question"]["author"]["name"], "Ani");
}
