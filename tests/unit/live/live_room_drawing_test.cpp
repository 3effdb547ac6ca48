// The pointer and the pen in a room with fake participants: trainers only, the pointer paced
// to 10 a second with the last position kept, strokes per slide in welcome and slide events,
// a clear per slide, the stroke limit, resume and the journal.
#include <gtest/gtest.h>

#include "server/live/live_room.hpp"
#include "tests/support/fake_participant.hpp"

using namespace daring::server;
using daring::protocol::json;
using daring::protocol::role;
using daring::test::fake_participant;

namespace {

class pointer_journal : public journal_sink {
  public:
    void event(std::int64_t, std::uint64_t, std::string type, shared_message, shared_message,
               std::int64_t) override {
        types.push_back(std::move(type));
    }
    void slide_shown(std::int64_t, int) override {}
    void audio_packet(std::int64_t, std::uint32_t, std::uint32_t, std::uint16_t, std::uint8_t,
                      std::string_view) override {}
    void audio_changed(std::int64_t, const json&, std::uint32_t) override {}
    void pointer(std::int64_t, const std::string& message, std::int64_t) override {
        pointers.push_back(json::parse(message));
    }
    std::vector<std::string> types;
    std::vector<json> pointers;
};

std::string stroke(const std::string& id, int points = 3) {
    json pts = json::array();
    for (int i = 0; i < points; ++i) pts.push_back({0.1 + 0.001 * i, 0.2});
    return json{{"type", "ink"},
                {"id", id},
                {"stroke", {{"id", id}, {"color", "#e11d48"}, {"width", 4}, {"points", pts}}}}
        .dump();
}

class LiveRoomDrawing : public ::testing::Test {
  protected:
    void SetUp() override {
        room.set_journal(&journal);
        room.join(trainer, {1, "Rina", role::trainer}, std::nullopt, 0);
        room.join(trainee, {2, "Peserta", role::trainee}, std::nullopt, 0);
    }
    live_room room{{7,
                    "Sesi",
                    daring::protocol::delivery_mode::online,
                    {{"Satu", ""}, {"Dua", ""}, {"Tiga", ""}}},
                   1000};
    pointer_journal journal;
    std::shared_ptr<fake_participant> trainer = std::make_shared<fake_participant>();
    std::shared_ptr<fake_participant> trainee = std::make_shared<fake_participant>();
};

TEST_F(LiveRoomDrawing, OnlyTrainersPointAndDraw) {
    room.receive(trainee.get(), R"({"type":"pointer","x":0.5,"y":0.5,"id":1})", 0, 0);
    room.receive(trainee.get(), stroke("a"), 0, 0);
    room.receive(trainee.get(), R"({"type":"ink_clear","id":2})", 0, 0);
    ASSERT_EQ(trainee->of_type("error").size(), 3u);
    EXPECT_EQ(trainee->of_type("error")[0]["code"], "forbidden");
    EXPECT_TRUE(trainer->of_type("pointer").empty());
    EXPECT_TRUE(trainer->of_type("ink").empty());
    EXPECT_EQ(trainee->closed_code, 0);
}

TEST_F(LiveRoomDrawing, ThePointerGoesOutAtMostTenTimesASecondWithTheLastPositionKept) {
    // 60 moves a second for one second.
    for (int i = 0; i < 60; ++i) {
        const double x = i / 100.0;
        room.receive(trainer.get(), json{{"type", "pointer"}, {"x", x}, {"y", 0.5}}.dump(), 0,
                     1000 + i * 16);
    }
    auto seen = trainee->of_type("pointer");
    EXPECT_LE(seen.size(), 10u);
    EXPECT_GE(seen.size(), 9u);
    // The held-back last position goes out on the next tick.
    room.flush_pointer(1000 + 60 * 16 + 100);
    seen = trainee->of_type("pointer");
    EXPECT_DOUBLE_EQ(seen.back()["x"].get<double>(), 0.59);
    EXPECT_FALSE(seen.back().contains("seq"));  // not a ring event
    EXPECT_EQ(journal.pointers.size(), seen.size());
    // Hidden.
    room.receive(trainer.get(), R"({"type":"pointer","visible":false})", 0, 5000);
    EXPECT_EQ(trainee->of_type("pointer").back()["visible"], false);
}

TEST_F(LiveRoomDrawing, ThePointerIsNeverReplayedOnResume) {
    room.receive(trainer.get(), R"({"type":"pointer","x":0.5,"y":0.5})", 0, 0);
    const auto seen = trainee->received.back().value("seq", std::uint64_t{0});
    (void)seen;
    room.receive(trainer.get(), R"({"type":"show_slide","index":1})", 0, 0);
    auto back = std::make_shared<fake_participant>();
    room.join(back, {2, "Peserta", role::trainee}, 1000, 0);
    EXPECT_TRUE(back->of_type("pointer").empty());
    EXPECT_EQ(back->of_type("slide").size(), 1u);
}

TEST_F(LiveRoomDrawing, StrokesBelongToTheirSlideAndComeBackWithIt) {
    room.receive(trainer.get(), stroke("a"), 0, 0);
    room.receive(trainer.get(), stroke("b"), 0, 0);
    auto ink = trainee->of_type("ink");
    ASSERT_EQ(ink.size(), 2u);
    EXPECT_EQ(ink[0]["slide"], 0);
    EXPECT_EQ(ink[0]["stroke"]["color"], "#e11d48");
    EXPECT_EQ(ink[0]["stroke"]["points"].size(), 3u);
    EXPECT_TRUE(ink[0].contains("seq"));  // a ring event
    room.receive(trainer.get(), R"({"type":"show_slide","index":1})", 0, 0);
    EXPECT_TRUE(trainee->of_type("slide").back()["ink"].empty());
    room.receive(trainer.get(), R"({"type":"show_slide","index":0})", 0, 0);
    EXPECT_EQ(trainee->of_type("slide").back()["ink"].size(), 2u);
    // A newcomer sees the current slide's strokes.
    auto late = std::make_shared<fake_participant>();
    room.join(late, {3, "Telat", role::trainee}, std::nullopt, 0);
    EXPECT_EQ(late->received.front()["ink"].size(), 2u);
    EXPECT_EQ(late->received.front()["slide"]["ink"].size(), 2u);
}

TEST_F(LiveRoomDrawing, ClearEmptiesOnlyTheSlideShown) {
    room.receive(trainer.get(), stroke("a"), 0, 0);
    room.receive(trainer.get(), R"({"type":"show_slide","index":1})", 0, 0);
    room.receive(trainer.get(), stroke("b"), 0, 0);
    room.receive(trainer.get(), R"({"type":"ink_clear","id":"c"})", 0, 0);
    EXPECT_EQ(trainee->of_type("ink_clear").back()["slide"], 1);
    EXPECT_EQ(trainer->of_type("ack").back()["id"], "c");
    room.receive(trainer.get(), R"({"type":"show_slide","index":0})", 0, 0);
    EXPECT_EQ(trainee->of_type("slide").back()["ink"].size(), 1u);
}

TEST_F(LiveRoomDrawing, ASlideHoldsAtMostTwoHundredStrokes) {
    for (int i = 0; i < 200; ++i) room.receive(trainer.get(), stroke(std::to_string(i), 1), 0, 0);
    room.receive(trainer.get(), stroke("lebih", 1), 0, 0);
    ASSERT_FALSE(trainer->of_type("error").empty());
    EXPECT_EQ(trainer->of_type("error").back()["code"], "ink_full");
    EXPECT_EQ(trainee->of_type("ink").size(), 200u);
}

TEST_F(LiveRoomDrawing, ChangedSlidesForgetTheStrokesAndTellTrainersTheCount) {
    room.receive(trainer.get(), stroke("a"), 0, 0);
    room.replace_slides({{"Satu", ""}, {"Baru", ""}, {"Dua", ""}, {"Tiga", ""}});
    EXPECT_EQ(trainer->of_type("slides").back()["count"], 4);
    EXPECT_TRUE(trainee->of_type("slides").empty());
    room.receive(trainer.get(), R"({"type":"show_slide","index":3})", 0, 0);
    EXPECT_EQ(trainee->of_type("slide").back()["title"], "Tiga");
    EXPECT_TRUE(trainee->of_type("slide").back()["ink"].empty());
}

TEST_F(LiveRoomDrawing, ARebuiltRoomKeepsItsStrokes) {
    live_recovery r;
    r.slide = 1;
    r.ink[1] = {json{{"id", "x"}, {"color", "#000000"}, {"width", 3}, {"points", {{0.1, 0.1}}}}};
    live_room rebuilt(
        {7, "Sesi", daring::protocol::delivery_mode::online, {{"Satu", ""}, {"Dua", ""}}}, 5000);
    rebuilt.restore(r);
    auto p = std::make_shared<fake_participant>();
    rebuilt.join(p, {2, "Peserta", role::trainee}, std::nullopt, 0);
    EXPECT_EQ(p->received.front()["ink"].size(), 1u);
}

TEST_F(LiveRoomDrawing, TheJournalKeepsInkAsEventsAndThePointerApart) {
    room.receive(trainer.get(), stroke("a"), 0, 0);
    room.receive(trainer.get(), R"({"type":"ink_clear"})", 0, 0);
    room.receive(trainer.get(), R"({"type":"pointer","x":0.2,"y":0.3})", 0, 0);
    EXPECT_NE(std::find(journal.types.begin(), journal.types.end(), "ink"), journal.types.end());
    EXPECT_NE(std::find(journal.types.begin(), journal.types.end(), "ink_clear"),
              journal.types.end());
    EXPECT_EQ(std::find(journal.types.begin(), journal.types.end(), "pointer"),
              journal.types.end());
    EXPECT_EQ(journal.pointers.size(), 1u);
}

}  // namespace
