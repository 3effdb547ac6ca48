// A live room whose members sit on two nodes: the owner's room delivers to node B's sockets
// through the relay, and node B plays the frames back. No NATS here: frames pass by hand.
#include "server/live/room_relay.hpp"

#include <gtest/gtest.h>

#include "server/cluster/relay_frame.hpp"
#include "tests/support/fake_participant.hpp"

using namespace daring::server;
using daring::protocol::json;
using daring::protocol::role;
using daring::protocol::unix_seconds;
using daring::test::fake_participant;

namespace {

room_info slides_room() {
    room_info info{7, "Sesi 1", daring::protocol::delivery_mode::online, {}};
    for (int i = 0; i < 5; ++i) info.slides.push_back({"Slide " + std::to_string(i), "Isi"});
    return info;
}

live_member relayed_trainee(std::int64_t id) {
    return {id, "Peserta " + std::to_string(id), role::trainee};
}

// Counts what the owner's room writes about presence, by user.
struct counting_sink : presence_sink {
    std::int64_t open(std::int64_t, std::int64_t user_id, bool, unix_seconds) override {
        opened.push_back(user_id);
        return static_cast<std::int64_t>(opened.size());
    }
    void seen(std::int64_t, unix_seconds) override { ++seen_count; }
    void close(std::int64_t, unix_seconds) override { ++closed; }
    void flush() override {}
    std::vector<std::int64_t> opened;
    int seen_count = 0, closed = 0;
};

// The owner's room with a trainer and `local` trainees on node A, `remote` trainees on node B.
struct two_nodes {
    explicit two_nodes(int local, int remote, std::uint64_t epoch = 1,
                       presence_sink* sink = nullptr)
        : relay(epoch) {
        if (sink) room.set_presence_sink(sink);
        room.join(trainer, {1, "Rina Kartika", role::trainer}, std::nullopt, 0);
        for (int i = 0; i < local; ++i) {
            on_a.push_back(std::make_shared<fake_participant>());
            room.join(on_a.back(), relayed_trainee(100 + i), std::nullopt, 0);
        }
        for (int i = 0; i < remote; ++i) {  // node B's sockets join through frames
            on_b.push_back(std::make_shared<fake_participant>());
            const auto socket = static_cast<std::uint64_t>(i + 1);
            node_b.attach(socket, on_b.back());
            relayed_join j;
            j.member = relayed_trainee(200 + i);
            from_b(join_frame("node-b", socket, j));
        }
        pass();
    }
    // A frame from node B reaches the owner's room (at `now`).
    live_room::outcome from_b(const std::string& frame, unix_seconds now = 0) {
        return relay.receive(frame, room, now, 0);
    }
    live_room::outcome text_from_b(std::uint64_t socket, const std::string& text) {
        return from_b(socket_frame(relay_kind::from_socket, "node-b", socket, text));
    }
    // The owner's flush: node B's frame goes to node B's endpoint (other nodes' are counted).
    void pass() {
        relay.flush([&](const std::string& node, std::string frame) {
            if (node != "node-b") {
                ++elsewhere;
                return;
            }
            ++frames;
            last_frame = frame;
            node_b.receive(frame);
        });
    }

    live_room room{slides_room(), 1000};
    owner_relay relay;
    relay_endpoint node_b;
    std::shared_ptr<fake_participant> trainer = std::make_shared<fake_participant>();
    std::vector<std::shared_ptr<fake_participant>> on_a, on_b;
    int frames = 0, elsewhere = 0;
    std::string last_frame;
};

std::vector<std::pair<int, std::uint64_t>> slides_seen(const fake_participant& p) {
    std::vector<std::pair<int, std::uint64_t>> out;
    for (const auto& s : p.of_type("slide"))
        out.emplace_back(s["index"].get<int>(), s["seq"].get<std::uint64_t>());
    return out;
}

}  // namespace

TEST(RoomRelay, HundredTraineesOnTwoNodesSeeEverySlideInOrderWithTheSameSeq) {
    two_nodes n(50, 50);
    for (const auto& p : n.on_b) {
        ASSERT_FALSE(p->received.empty());
        EXPECT_EQ(p->received.front()["type"], "welcome") << "node B's sockets are welcomed";
    }
    const int frames_before = n.frames;
    for (int i = 1; i <= 20; ++i) {
        n.room.receive(n.trainer.get(), json{{"type", "show_slide"}, {"index", i % 5}}.dump(), 0);
        n.pass();
    }
    EXPECT_EQ(n.frames - frames_before, 20) << "one frame per flush for node B, not per socket";
    EXPECT_EQ(n.elsewhere, 0) << "only node B has sockets in the room";
    const auto expected = slides_seen(*n.on_a.front());
    ASSERT_EQ(expected.size(), 20u);
    for (const auto& p : n.on_a) EXPECT_EQ(slides_seen(*p), expected);
    for (const auto& p : n.on_b) EXPECT_EQ(slides_seen(*p), expected) << "same order, same seq";
    // Node B delivers one shared buffer to all its sockets.
    const auto& first = *n.on_b.front();
    for (const auto& p : n.on_b) EXPECT_EQ(p->raw.back().get(), first.raw.back().get());
    EXPECT_EQ(n.node_b.counts().gaps, 0u);
    EXPECT_EQ(n.node_b.counts().unknown_sockets, 0u);
    EXPECT_GE(n.relay.deliveries(), 50u * 21);
}

TEST(RoomRelay, AMessageFromNodeBIsAnsweredOnNodeBAndBroadcastEverywhere) {
    two_nodes n(3, 3);
    // Node B forwarded socket 2's chat: the owner's room receives it from the stand-in.
    n.text_from_b(2, R"({"type":"chat","text":"Halo","id":"c1"})");
    n.pass();
    const auto acks = n.on_b[1]->of_type("ack");
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0]["id"], "c1");
    EXPECT_TRUE(n.on_b[0]->of_type("ack").empty()) << "the ack is the sender's alone";
    for (const auto* group : {&n.on_a, &n.on_b})
        for (const auto& p : *group) {
            const auto chat = p->of_type("chat");
            ASSERT_EQ(chat.size(), 1u);
            EXPECT_EQ(chat[0]["text"], "Halo");
            EXPECT_EQ(chat[0]["from"]["user_id"], 201);
        }
    // A bad message from node B gets its error on node B, like a local one.
    n.text_from_b(3, R"({"type":"chat","text":""})");
    n.pass();
    EXPECT_FALSE(n.on_b[2]->of_type("error").empty());
}

TEST(RoomRelay, TheSessionsEndClosesNodeBsSocketsAfterItsLastEvent) {
    two_nodes n(1, 2);
    n.room.end(close_normal, 0);
    n.pass();
    for (const auto& p : n.on_b) {
        EXPECT_EQ(p->closed_code, close_normal);
        EXPECT_EQ(p->received.back()["type"], "session_ended");
    }
}

TEST(RoomRelay, AnOlderOwnersFramesAreDroppedAndAGapMakesTheSocketsResume) {
    two_nodes n(0, 1, 5);  // the owner holds the lease at epoch 5
    const auto before = n.on_b[0]->received.size();
    auto frame = *decode_relay_frame(n.last_frame);
    frame.epoch = 4;  // a node that lost the room, still publishing
    EXPECT_EQ(n.node_b.receive(encode(frame)), relay_endpoint::outcome::stale_owner);
    EXPECT_EQ(n.on_b[0]->received.size(), before) << "nothing of it played";
    frame.epoch = 5;
    frame.seq += 2;  // one frame lost on the way: not played; node B's sockets resume by seq
    EXPECT_EQ(n.node_b.receive(encode(frame)), relay_endpoint::outcome::gap_resume);
    EXPECT_EQ(n.node_b.counts().gaps, 1u);
    EXPECT_EQ(n.on_b[0]->received.size(), before) << "nothing after the gap played";
    for (const auto& p : n.on_b) EXPECT_EQ(p->closed_code, close_slow_consumer);
    frame.epoch = 6;  // a new owner after a failover numbers from 1
    frame.seq = 1;
    EXPECT_EQ(n.node_b.receive(encode(frame)), relay_endpoint::outcome::played);
    EXPECT_EQ(n.node_b.epoch(), 6u);
    EXPECT_EQ(n.node_b.receive("garbage"), relay_endpoint::outcome::malformed);
    n.node_b.detach(1);
    frame.seq = 2;
    n.node_b.receive(encode(frame));
    EXPECT_GT(n.node_b.counts().unknown_sockets, 0u) << "a socket that left gets nothing";
}

TEST(RoomRelay, JoinsCarryTheMemberResumeAudioAndPriorAttendance) {
    relayed_join j;
    j.member = {42, "Siti \"Ani\"", role::trainee};
    j.resume = 1234;
    j.audio = false;
    j.prior.visible = {{100, 200}, {300, 400}};
    j.prior.hidden = {{200, 250}};
    j.prior.checked_in_at = 150;
    j.prior.mark = manual_mark::excused;
    const auto back = decode_join(encode_join(j));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->member.user_id, 42);
    EXPECT_EQ(back->member.full_name, j.member.full_name);
    EXPECT_EQ(back->member.user_role, role::trainee);
    EXPECT_EQ(back->resume, 1234u);
    EXPECT_FALSE(back->audio);
    ASSERT_EQ(back->prior.visible.size(), 2u);
    EXPECT_EQ(back->prior.visible[1].to, 400);
    ASSERT_EQ(back->prior.hidden.size(), 1u);
    EXPECT_EQ(back->prior.checked_in_at, 150);
    EXPECT_EQ(back->prior.mark, manual_mark::excused);
    for (const char* bad :
         {"", "{}", "[1]", R"({"user_id":"1","name":"a","role":"trainee","audio":true})",
          R"({"user_id":1,"name":"a","role":"boss","audio":true})",
          R"({"user_id":1,"name":"a","role":"trainee","audio":true,"visible":[[1]]})",
          R"({"user_id":1,"name":"a","role":"trainee","audio":true,"mark":"late"})",
          R"({"user_id":1,"name":"a","role":"trainee","audio":true,"resume":-1})"})
        EXPECT_FALSE(decode_join(bad)) << bad;
}

TEST(RoomRelay, ASocketOfNodeBLeavesAndUnknownOrMalformedFramesAreDropped) {
    two_nodes n(1, 2);
    EXPECT_EQ(n.relay.remote_sockets(), 2u);
    EXPECT_EQ(n.room.connections(), 4u);
    n.from_b(socket_frame(relay_kind::leave, "node-b", 1));
    EXPECT_EQ(n.relay.remote_sockets(), 1u);
    EXPECT_EQ(n.room.connections(), 3u) << "the stand-in left the room";
    n.text_from_b(1, R"({"type":"chat","text":"masih di sini?"})");
    n.from_b(socket_frame(relay_kind::from_socket, "node-c", 2, R"({"type":"hand","up":true})"));
    relayed_join again;
    again.member = relayed_trainee(201);
    n.from_b(join_frame("node-b", 2, again));  // socket 2 is in already
    n.from_b("not a frame");
    EXPECT_EQ(n.relay.dropped(), 4u);
    n.pass();
    EXPECT_TRUE(n.on_a[0]->of_type("chat").empty()) << "a socket that left says nothing";
}

// Node B records its trainees' presence and answers their heartbeats; the owner keeps their
// intervals in memory only (for the live figures) and ends them when node B says they ended.
TEST(RoomRelay, NodeBsTraineesPresenceIsRecordedOnNodeBNotByTheOwner) {
    counting_sink sink;
    two_nodes n(1, 2, 1, &sink);
    EXPECT_EQ(sink.opened, std::vector<std::int64_t>{100}) << "the owner's own trainee only";
    n.text_from_b(1, R"({"type":"heartbeat","visible":true})");
    EXPECT_EQ(sink.seen_count, 0) << "node B writes what it hears";
    // Node B heard socket 1 last at 40; it left at 100 and says its presence ended at 40.
    n.from_b(socket_frame(relay_kind::leave, "node-b", 1, "40"), 100);
    EXPECT_EQ(sink.closed, 0);
    EXPECT_EQ(n.room.attendance_of(200, 100).presence.seconds_present, 40)
        << "the in-memory interval ends where node B says";
    // A leave without a time (or a wrong one) ends at the owner's clock, never in its future.
    n.from_b(socket_frame(relay_kind::leave, "node-b", 2, "9999"), 120);
    EXPECT_EQ(n.room.attendance_of(201, 120).presence.seconds_present, 120);
    // A time before it joined here (node B's clock behind) or a malformed one counts nothing
    // negative and nothing beyond its stay.
    for (const char* ended : {"-50", "90", "", "x1"}) {
        relayed_join j;
        j.member = relayed_trainee(300);
        n.from_b(join_frame("node-b", 7, j), 100);
        n.from_b(socket_frame(relay_kind::leave, "node-b", 7, ended), 130);
        const auto present = n.room.attendance_of(300, 130).presence.seconds_present;
        EXPECT_GE(present, 0) << ended;
        EXPECT_LE(present, 30) << ended;
    }
    EXPECT_EQ(n.relay.remote_sockets(), 0u);
}

// A node that stops speaking (dead, or cut off) for longer than the silence limit: its sockets
// leave the owner's room as of its last frame and its intervals are ended. If it speaks again,
// its sockets are told to resume (a frame number skipped) and rejoin.
TEST(RoomRelay, ASilentNodesSocketsLeaveAndItRejoinsWhenItSpeaksAgain) {
    counting_sink sink;
    two_nodes n(1, 2, 1, &sink);
    n.from_b(socket_frame(relay_kind::alive, "node-b", 0, "2"), 30);
    relayed_join visitor;
    visitor.member = relayed_trainee(300);
    n.from_b(join_frame("node-c", 1, visitor), 20);  // node C's one socket came and left
    n.from_b(socket_frame(relay_kind::leave, "node-c", 1, "25"), 25);
    EXPECT_TRUE(n.relay.reap(n.room, 40, 10).empty()) << "10 s of silence is allowed";
    EXPECT_EQ(n.relay.reap(n.room, 41, 10), std::vector<std::string>{"node-b"})
        << "node C, silent with no socket in the room, is not gone";
    EXPECT_EQ(n.relay.remote_sockets(), 0u);
    EXPECT_EQ(n.room.connections(), 2u) << "the trainer and node A's trainee stay";
    EXPECT_EQ(n.room.attendance_of(200, 41).presence.seconds_present, 30)
        << "ended as of node B's last frame";
    EXPECT_TRUE(n.relay.reap(n.room, 60, 10).empty()) << "gone once";
    for (const auto& p : n.on_b) EXPECT_EQ(p->closed_code, 0);
    n.from_b(socket_frame(relay_kind::alive, "node-b", 0, "2"), 70);  // it was alive after all
    n.pass();
    EXPECT_EQ(n.node_b.counts().gaps, 1u);
    for (const auto& p : n.on_b) EXPECT_EQ(p->closed_code, close_slow_consumer) << "resume";
    // They rejoin as new sockets; the owner delivers to node B again.
    auto again = std::make_shared<fake_participant>();
    n.node_b.attach(9, again);
    relayed_join j;
    j.member = relayed_trainee(200);
    n.from_b(join_frame("node-b", 9, j), 71);
    n.pass();
    ASSERT_FALSE(again->received.empty());
    EXPECT_EQ(again->received.front()["type"], "welcome");
}
