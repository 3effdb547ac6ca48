// Deliveries from a room's owner to another node: each message once per batch, every socket's
// messages in the owner's order, and nothing malformed decodes.
#include "server/cluster/delivery_batch.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace daring::server;

namespace {

std::shared_ptr<const std::string> msg(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

// What each socket receives when the node plays the batch back, in order.
std::map<std::uint64_t, std::vector<std::string>> play(const std::vector<delivery>& batch) {
    std::map<std::uint64_t, std::vector<std::string>> out;
    for (const auto& d : batch)
        for (auto s : d.sockets)
            out[s].push_back(std::to_string(static_cast<int>(d.what)) + ":" + *d.payload);
    return out;
}

}  // namespace

TEST(DeliveryBatch, ABroadcastCrossesOnceWithEverySocketBesideIt) {
    delivery_batch b;
    const auto slide = msg(R"({"type":"slide","seq":7})");
    const auto chat = msg(R"({"type":"chat","seq":8})");
    for (std::uint64_t s = 1; s <= 5000; ++s) {  // as the room fans out: per socket, in order
        b.text(s, slide);
        b.text(s, chat);
    }
    EXPECT_EQ(b.deliveries(), 10000u);
    const auto bytes = b.take_encoded();
    EXPECT_TRUE(b.empty());
    EXPECT_LT(bytes.size(), 2 * 5000 * 8 + 200u) << "socket ids and each message once";
    const auto back = decode_deliveries(bytes);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ(*(*back)[0].payload, *slide);
    EXPECT_EQ((*back)[0].sockets.size(), 5000u);
    EXPECT_EQ(*(*back)[1].payload, *chat);
    EXPECT_EQ((*back)[1].sockets.size(), 5000u);
}

TEST(DeliveryBatch, EverySocketGetsItsMessagesInTheOwnersOrder) {
    delivery_batch b;
    const auto a = msg("A"), x = msg("X"), c = msg("C");
    const auto record = msg("opus");
    b.text(1, a);
    b.text(2, x);  // a message for socket 2 alone, before it gets A
    b.text(2, a);  // may not join A's entry: X must stay first for socket 2
    b.audio(1, record, 20);
    b.audio(2, record, 20);
    b.text(3, a);  // socket 3 has nothing earlier: joins A's entry
    b.discard_audio(2);
    b.text(1, c);
    b.close(2, 4008, "slow");
    b.text(2, c);  // after its close, in order
    const auto back = decode_deliveries(b.take_encoded());
    ASSERT_TRUE(back);
    const auto got = play(*back);
    EXPECT_EQ(got.at(1), (std::vector<std::string>{"1:A", "2:opus", "1:C"}));
    EXPECT_EQ(got.at(2), (std::vector<std::string>{"1:X", "1:A", "2:opus", "4:", "3:slow", "1:C"}));
    EXPECT_EQ(got.at(3), (std::vector<std::string>{"1:A"}));
    for (const auto& d : *back) {
        if (d.what == delivery::kind::audio) {
            EXPECT_EQ(d.value, 20);
        } else if (d.what == delivery::kind::close) {
            EXPECT_EQ(d.value, 4008);
        }
    }
}

TEST(DeliveryBatch, EveryTruncationAndStrayByteIsRefused) {
    delivery_batch b;
    b.text(1, msg("hello"));
    b.close(2, 1000, "ended");
    const auto bytes = b.take_encoded();
    ASSERT_TRUE(decode_deliveries(bytes));
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_deliveries(bytes.substr(0, n))) << "a prefix of " << n << " bytes";
    EXPECT_FALSE(decode_deliveries(bytes + "x"));
    auto bad_kind = bytes;
    bad_kind[4] = 9;
    EXPECT_FALSE(decode_deliveries(bad_kind));
    EXPECT_TRUE(decode_deliveries(delivery_batch{}.take_encoded())) << "an empty batch is one";
}

// A batch larger than one NATS message goes as several pieces, each within the limit; played
// one after another they give every socket exactly what one piece would, in order.
TEST(DeliveryBatch, ABatchOverTheLimitSplitsIntoPiecesThatPlayInOrder) {
    auto fill = [](delivery_batch& b) {
        const auto slide = msg(std::string(300, 's'));
        for (std::uint64_t s = 1; s <= 3000; ++s) b.text(s, slide);  // one broadcast, 24 KB ids
        for (std::uint64_t s = 1; s <= 40; ++s) b.text(s, msg("welcome " + std::to_string(s)));
        b.close(7, 4008, "resume");
        for (std::uint64_t s = 1; s <= 3000; ++s) b.text(s, msg("after"));  // distinct each
    };
    delivery_batch whole, split;
    fill(whole);
    fill(split);
    const auto expected = play(*decode_deliveries(whole.take_encoded()));
    constexpr std::size_t limit = 4096;
    const auto pieces = split.take_pieces(limit);
    EXPECT_TRUE(split.empty());
    ASSERT_GT(pieces.size(), 10U);
    std::vector<delivery> replayed;
    for (const auto& p : pieces) {
        EXPECT_LE(p.size(), limit);
        const auto part = decode_deliveries(p);
        ASSERT_TRUE(part) << "each piece decodes on its own";
        replayed.insert(replayed.end(), part->begin(), part->end());
    }
    EXPECT_EQ(play(replayed), expected);
    EXPECT_TRUE(split.take_pieces(limit).empty()) << "an empty batch has no piece";
}
