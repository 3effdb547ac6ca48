// The NATS connection between nodes, against a real nats-server started by the test.
#include "server/cluster/nats_bus.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/support/nats_server.hpp"

using namespace daring::server;
using namespace std::chrono_literals;

namespace {

// What a subscription received, waited for with a deadline.
struct inbox {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::pair<std::string, std::string>> messages;  // subject, data

    nats_bus::handler handler() {
        return [this](std::string_view subject, std::string_view, std::string_view data) {
            std::lock_guard lock(mutex);
            messages.emplace_back(subject, data);
            changed.notify_all();
        };
    }
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return messages.size() >= n; });
    }
    std::size_t size() {
        std::lock_guard lock(mutex);
        return messages.size();
    }
};

nats_options options_for(const daring::test::nats_server& server) {
    nats_options o;
    o.url = server.url();
    o.name = "test-node";
    o.reconnect_wait_ms = 50;
    return o;
}

}  // namespace

TEST(NatsBus, MessagesArriveInOrderOnTheirSubjectsOnly) {
    daring::test::nats_server server;
    nats_bus a(options_for(server)), b(options_for(server));
    inbox got;
    auto sub = b.subscribe("room.7.>", got.handler());
    ASSERT_TRUE(b.flush(2s));
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(a.publish("room.7.event", std::to_string(i)));
    ASSERT_TRUE(a.publish("room.8.event", "elsewhere"));
    ASSERT_TRUE(a.publish("room.7.to.node-b", "last"));
    ASSERT_TRUE(got.wait_for(1001)) << "received " << got.size();
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(got.size(), 1001u) << "room.8 is not room.7's";
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(got.messages[i].first, "room.7.event");
        ASSERT_EQ(got.messages[i].second, std::to_string(i)) << "in publishing order";
    }
    EXPECT_EQ(got.messages[1000].first, "room.7.to.node-b");
    EXPECT_EQ(a.figures().published, 1002u);
    EXPECT_EQ(b.figures().delivered, 1001u);
    EXPECT_TRUE(a.connected());
    const auto rtt = a.round_trip();
    ASSERT_TRUE(rtt);
    EXPECT_GT(rtt->count(), 0);
}

TEST(NatsBus, ARequestCarriesItsReplySubject) {
    daring::test::nats_server server;
    nats_bus owner(options_for(server)), relay(options_for(server));
    inbox answers;
    const auto reply_to = relay.new_inbox();
    auto replies = relay.subscribe(reply_to, answers.handler());
    auto requests = owner.subscribe(
        "room.1.in", [&](std::string_view, std::string_view reply, std::string_view data) {
            owner.publish(reply, "ack:" + std::string(data));
        });
    ASSERT_TRUE(owner.flush(2s));
    ASSERT_TRUE(relay.flush(2s));
    ASSERT_TRUE(relay.publish("room.1.in", reply_to, "answer-1"));
    ASSERT_TRUE(answers.wait_for(1));
    EXPECT_EQ(answers.messages[0].second, "ack:answer-1");
    EXPECT_NE(relay.new_inbox(), reply_to) << "each inbox is new";
}

TEST(NatsBus, AFirstConnectToNoServerFailsSayingWhere) {
    daring::test::nats_server server;
    auto o = options_for(server);
    server.stop();
    o.connect_timeout_ms = 500;
    try {
        nats_bus bus(o);
        FAIL() << "connected to a stopped server";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(o.url), std::string::npos) << e.what();
    }
}

TEST(NatsBus, AServerRestartIsAReconnectAndSubscriptionsCarryOn) {
    daring::test::nats_server server;
    nats_bus a(options_for(server)), b(options_for(server));
    inbox got;
    auto sub = b.subscribe("live.>", got.handler());
    ASSERT_TRUE(b.flush(2s));
    ASSERT_TRUE(a.publish("live.1", "before"));
    ASSERT_TRUE(got.wait_for(1));

    server.stop();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (a.connected() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(a.connected());
    EXPECT_FALSE(a.round_trip()) << "no round trip while the server is away";
    EXPECT_TRUE(a.publish("live.1", "while-away")) << "buffered for the reconnect";

    server.start();
    while ((!a.connected() || !b.connected()) && std::chrono::steady_clock::now() < deadline + 10s)
        std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(a.connected() && b.connected());
    ASSERT_TRUE(b.flush(2s)) << "b's subscription is back on the server";
    ASSERT_TRUE(a.publish("live.1", "after"));
    ASSERT_TRUE(a.flush(2s));
    ASSERT_TRUE(got.wait_for(2));
    std::this_thread::sleep_for(100ms);
    std::lock_guard lock(got.mutex);
    EXPECT_EQ(got.messages.back().second, "after");
    EXPECT_GE(a.figures().disconnects, 1u);
    EXPECT_GE(a.figures().reconnects, 1u);
    EXPECT_GE(b.figures().reconnects, 1u);
}

TEST(NatsBus, NoHandlerRunsOnceItsSubscriptionIsGone) {
    daring::test::nats_server server;
    nats_bus a(options_for(server)), b(options_for(server));
    std::atomic<bool> gone{false};
    std::atomic<int> late{0}, calls{0};
    auto sub = b.subscribe("flood", [&](std::string_view, std::string_view, std::string_view) {
        if (gone.load()) late.fetch_add(1);
        calls.fetch_add(1);
        std::this_thread::sleep_for(1ms);  // a slow handler: deliveries queue up behind it
    });
    ASSERT_TRUE(b.flush(2s));
    std::atomic<bool> stop{false};
    std::thread publisher([&] {
        while (!stop.load()) a.publish("flood", "x");
    });
    while (calls.load() < 20) std::this_thread::sleep_for(1ms);
    sub.reset();
    gone.store(true);
    std::this_thread::sleep_for(100ms);
    stop.store(true);
    publisher.join();
    EXPECT_EQ(late.load(), 0) << "a handler ran after its subscription was destroyed";
}
