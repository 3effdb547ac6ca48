#pragma once
// Several nodes talk through NATS (Debian's nats-server, the C client libnats): core NATS
// subjects, at most once, in order per publisher and subject. This wrapper owns one connection:
// it reconnects on its own (forever, every reconnect_wait_ms), buffers what is published while
// disconnected (up to reconnect_buffer bytes; beyond that a publish fails and says so), and
// hands each subscription's messages to its handler on the library's delivery thread. No NATS
// type leaves nats_bus.cpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace daring::server {

struct nats_options {
    std::string url;                 // nats://host:4222 (a comma-separated list: a cluster)
    std::string name;                // the connection's name on the server (the node id)
    int reconnect_wait_ms = 250;     // between reconnect attempts
    int reconnect_buffer = 8 << 20;  // bytes published while disconnected, then refused
    int connect_timeout_ms = 2000;   // the first connect
    int pending_messages = 65536;    // per subscription, then the slow one drops (counted)
    int pending_bytes = 64 << 20;    // per subscription
};

// What the bus did so far (for /metrics).
struct nats_figures {
    bool connected = false;
    std::uint64_t published = 0, delivered = 0;
    std::uint64_t publish_failures = 0;  // refused: disconnected past the buffer, or closed
    std::uint64_t slow_consumer = 0;     // reports of a subscription dropping (past its limits)
    std::uint64_t disconnects = 0, reconnects = 0;
};

class nats_bus {
  public:
    // Connects, or throws std::runtime_error saying why (the server's address and libnats'
    // words) when the first connect fails.
    explicit nats_bus(const nats_options& options);
    ~nats_bus();
    nats_bus(const nats_bus&) = delete;
    nats_bus& operator=(const nats_bus&) = delete;

    // Queues a message (never blocks on the network); false when refused.
    bool publish(std::string_view subject, std::string_view data);
    // Publishes with a reply subject (a request whose answer comes to a subscription).
    bool publish(std::string_view subject, std::string_view reply, std::string_view data);

    using handler = std::function<void(std::string_view subject, std::string_view reply,
                                       std::string_view data)>;
    class subscription {
      public:
        // Unsubscribes (drains: waits for the server's confirmation, at most 2 s); no call of
        // the handler after it.
        virtual ~subscription() = default;
    };
    // Messages on `subject` (wildcards `*` and `>` allowed) go to `on_message`, one at a time
    // per subscription, on a library thread: it must not block for long.
    std::unique_ptr<subscription> subscribe(const std::string& subject, handler on_message);

    // Waits until the server has seen everything published so far; false on timeout.
    bool flush(std::chrono::milliseconds timeout);
    // A ping's round trip to the server, or none while disconnected or on timeout.
    std::optional<std::chrono::microseconds> round_trip();
    bool connected() const;
    nats_figures figures() const;
    // A fresh subject for replies to this connection ("_INBOX.…").
    std::string new_inbox() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace daring::server
