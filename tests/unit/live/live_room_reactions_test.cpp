// Reactions and signals in a room with fake participants: totals at most once a second per
// socket however many arrive, the signals for trainers and admins only, a user's burst capped,
// unknown kinds refused, each user's counted reactions kept for participation.
#include <gtest/gtest.h>

#include "server/live/live_room.hpp"
#include "tests/support/fake_participant.hpp"

using namespace daring::server;
using daring::protocol::json;
using daring::protocol::role;
using daring::test::fake_participant;

namespace {

std::string react(const std::string& kind) {
    return json{{"type", "react"}, {"kind", kind}}.dump();
}

class LiveRoomReactions : public ::testing::Test {
  protected:
    void SetUp() override {
        room.join(trainer, {1, "Rina", role::trainer}, std::nullopt, 0);
        for (int i = 0; i < 20; ++i) {
            trainees.push_back(std::make_shared<fake_participant>());
            room.join(trainees.back(), {100 + i, "Peserta " + std::to_string(i), role::trainee},
                      std::nullopt, 0);
        }
    }
    live_room room{{7, "Sesi", daring::protocol::delivery_mode::online, {{"Satu", ""}}}, 1000};
    std::shared_ptr<fake_participant> trainer = std::make_shared<fake_participant>();
    std::vector<std::shared_ptr<fake_participant>> trainees;
};

}  // namespace

TEST_F(LiveRoomReactions, ManyReactionsReachEverySocketAsOneMessageOfTotalsASecond) {
    // Every trainee claps 3 times and likes once within the second, ticks 4 times a second.
    for (int tick = 0; tick < 4; ++tick) {
        for (auto& t : trainees) room.receive(t.get(), react(tick == 3 ? "like" : "clap"), 10);
        room.flush_reactions(5000 + tick * 250);
    }
    for (const auto& t : trainees) {
        const auto got = t->of_type("reactions");
        ASSERT_EQ(got.size(), 1u) << "one message in the second, not one per reaction";
        EXPECT_EQ(got[0]["counts"], (json{{"clap", 20}}));
        EXPECT_TRUE(t->of_type("error").empty());
    }
    // The next second carries what came after the first message.
    room.flush_reactions(6000);
    const auto second = trainees[0]->of_type("reactions");
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(second[1]["counts"], (json{{"clap", 40}, {"like", 20}}));
    // Nothing new: nothing sent.
    room.flush_reactions(7500);
    EXPECT_EQ(trainees[0]->of_type("reactions").size(), 2u);
    EXPECT_EQ(room.reactions_of(100), 4u);
}

TEST_F(LiveRoomReactions, SignalsReachTrainersAndAdminsOnly) {
    room.receive(trainees[0].get(), react("too_fast"), 10);
    room.receive(trainees[1].get(), react("cant_hear"), 10);
    room.receive(trainees[2].get(), react("cant_hear"), 10);
    room.flush_reactions(5000);
    const auto staff = trainer->of_type("reactions");
    ASSERT_EQ(staff.size(), 1u);
    EXPECT_EQ(staff[0]["counts"], (json{{"too_fast", 1}, {"cant_hear", 2}}));
    for (const auto& t : trainees)
        EXPECT_TRUE(t->of_type("reactions").empty()) << "signals alone: nothing to trainees";
    room.receive(trainees[0].get(), react("wow"), 11);
    room.receive(trainees[1].get(), react("too_fast"), 11);
    room.flush_reactions(6000);
    EXPECT_EQ(trainees[5]->of_type("reactions").back()["counts"], (json{{"wow", 1}}));
    EXPECT_EQ(trainer->of_type("reactions").back()["counts"], (json{{"wow", 1}, {"too_fast", 1}}));
}

TEST_F(LiveRoomReactions, AUsersBurstIsCappedPerSecondSignalsCountOnceAndUnknownKindsAreRefused) {
    const int cap = room_limits{}.reactions_per_user;
    for (int i = 0; i < 50; ++i) room.receive(trainees[0].get(), react("love"), 10);
    room.flush_reactions(5000);
    EXPECT_EQ(trainer->of_type("reactions").back()["counts"]["love"], cap);
    for (int i = 0; i < 50; ++i) room.receive(trainees[0].get(), react("love"), 11);  // next second
    room.flush_reactions(6000);
    EXPECT_EQ(trainer->of_type("reactions").back()["counts"]["love"], cap);
    EXPECT_EQ(room.reactions_of(100), static_cast<std::uint64_t>(2 * cap));
    EXPECT_EQ(trainees[0]->closed_code, 0) << "a burst is not abuse";

    // Each signal counts once a user a second, apart from the reactions' cap.
    for (int i = 0; i < 10; ++i) room.receive(trainees[0].get(), react("too_fast"), 11);
    room.receive(trainees[0].get(), react("cant_hear"), 11);
    room.flush_reactions(7000);
    EXPECT_EQ(trainer->of_type("reactions").back()["counts"],
              (json{{"too_fast", 1}, {"cant_hear", 1}}));

    room.receive(trainees[1].get(), R"({"type":"react","kind":"boo","id":"x"})", 12);
    room.receive(trainees[1].get(), R"({"type":"react","id":"y"})", 12);
    const auto errors = trainees[1]->of_type("error");
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0]["code"], "invalid_field");
    EXPECT_EQ(errors[0]["field"], "kind");
    EXPECT_EQ(errors[1]["code"], "missing_field");
    EXPECT_EQ(room.reactions_of(101), 0u);
}
