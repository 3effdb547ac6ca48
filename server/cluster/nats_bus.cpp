#include "server/cluster/nats_bus.hpp"

#include <nats/nats.h>

#include <atomic>
#include <mutex>
#include <stdexcept>

namespace daring::server {

namespace {

std::string words(natsStatus s) {
    const char* last = nats_GetLastError(nullptr);
    std::string out = natsStatus_GetText(s);
    if (last && *last && out != last) out += std::string(": ") + last;
    return out;
}

void check(natsStatus s, const char* what) {
    if (s != NATS_OK) throw std::runtime_error(std::string(what) + ": " + words(s));
}

// One subscription's handler and whether it may still run. Freed by libnats' completion
// callback, after which no message is delivered.
struct sub_state {
    std::mutex mutex;
    bool alive = true;
    nats_bus::handler on_message;
    std::atomic<std::uint64_t>* delivered;
};

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* state = static_cast<sub_state*>(closure);
    {
        std::lock_guard lock(state->mutex);
        if (state->alive) {
            const char* reply = natsMsg_GetReply(msg);
            state->delivered->fetch_add(1, std::memory_order_relaxed);
            state->on_message(
                natsMsg_GetSubject(msg), reply ? reply : "",
                {natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))});
        }
    }
    natsMsg_Destroy(msg);
}

constexpr std::int64_t drain_timeout_ms = 2000;

void on_complete(void* closure) {
    delete static_cast<sub_state*>(closure);
}

class nats_subscription final : public nats_bus::subscription {
  public:
    nats_subscription(natsSubscription* sub, sub_state* state) : sub_(sub), state_(state) {}
    ~nats_subscription() override {
        {
            std::lock_guard lock(state_->mutex);  // waits for a delivery in progress
            state_->alive = false;
        }
        // Drained, not only unsubscribed: libnats 3.4 (Debian 12) can crash when a subscription
        // is destroyed while its read loop handles a message for it (nats.c #637, fixed in
        // 3.6). A drain completes once the server confirmed the end of its messages, so the read
        // loop is past all of them; bounded, for a server that does not answer.
        if (natsSubscription_Drain(sub_) == NATS_OK)
            natsSubscription_WaitForDrainCompletion(sub_, drain_timeout_ms);
        else
            natsSubscription_Unsubscribe(sub_);
        natsSubscription_Destroy(sub_);  // the completion callback frees state_
    }

  private:
    natsSubscription* sub_;
    sub_state* state_;
};

}  // namespace

// What libnats' connection callbacks count. They run on its own thread, possibly after the
// bus is gone, so the counts live apart and the closed callback (its last) frees them.
struct connection_events {
    std::atomic<std::uint64_t> disconnects{0}, reconnects{0}, slow_consumer{0};

    static void disconnected(natsConnection*, void* closure) {
        static_cast<connection_events*>(closure)->disconnects.fetch_add(1,
                                                                        std::memory_order_relaxed);
    }
    static void reconnected(natsConnection*, void* closure) {
        static_cast<connection_events*>(closure)->reconnects.fetch_add(1,
                                                                       std::memory_order_relaxed);
    }
    // A subscription past its pending limits drops messages: counted (each report of it).
    static void async_error(natsConnection*, natsSubscription*, natsStatus s, void* closure) {
        if (s == NATS_SLOW_CONSUMER)
            static_cast<connection_events*>(closure)->slow_consumer.fetch_add(
                1, std::memory_order_relaxed);
    }
    static void closed(natsConnection*, void* closure) {
        delete static_cast<connection_events*>(closure);
    }
};

struct nats_bus::impl {
    natsConnection* conn = nullptr;
    std::atomic<std::uint64_t> published{0}, delivered{0}, publish_failures{0};
    connection_events* events = nullptr;  // freed by libnats' closed callback
    nats_options options;

    bool published_if(natsStatus s) {
        if (s == NATS_OK) {
            published.fetch_add(1, std::memory_order_relaxed);
            return true;
        }
        publish_failures.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
};

nats_bus::nats_bus(const nats_options& options) : impl_(std::make_unique<impl>()) {
    impl_->options = options;
    natsOptions* opts = nullptr;
    check(natsOptions_Create(&opts), "NATS options");
    std::unique_ptr<natsOptions, void (*)(natsOptions*)> owned(opts, natsOptions_Destroy);
    check(natsOptions_SetServers(opts, nullptr, 0), "NATS servers");
    check(natsOptions_SetURL(opts, options.url.c_str()), "NATS address");
    if (!options.name.empty()) check(natsOptions_SetName(opts, options.name.c_str()), "NATS name");
    check(natsOptions_SetMaxReconnect(opts, -1), "NATS reconnects");
    check(natsOptions_SetReconnectWait(opts, options.reconnect_wait_ms), "NATS reconnect wait");
    check(natsOptions_SetReconnectBufSize(opts, options.reconnect_buffer), "NATS buffer");
    check(natsOptions_SetTimeout(opts, options.connect_timeout_ms), "NATS timeout");
    auto events = std::make_unique<connection_events>();
    auto* ev = events.get();
    check(natsOptions_SetDisconnectedCB(opts, &connection_events::disconnected, ev),
          "NATS callback");
    check(natsOptions_SetReconnectedCB(opts, &connection_events::reconnected, ev), "NATS callback");
    check(natsOptions_SetErrorHandler(opts, &connection_events::async_error, ev), "NATS callback");
    check(natsOptions_SetClosedCB(opts, &connection_events::closed, ev), "NATS callback");
    const natsStatus s = natsConnection_Connect(&impl_->conn, opts);
    if (s != NATS_OK)  // no connection: no callback will run, `events` goes with the scope
        throw std::runtime_error("cannot reach NATS at " + options.url + ": " + words(s));
    impl_->events = events.release();
}

nats_bus::~nats_bus() {
    if (impl_->conn) {
        natsConnection_Close(impl_->conn);
        natsConnection_Destroy(impl_->conn);
    }
}

bool nats_bus::publish(std::string_view subject, std::string_view data) {
    const std::string subj(subject);
    return impl_->published_if(natsConnection_Publish(impl_->conn, subj.c_str(), data.data(),
                                                      static_cast<int>(data.size())));
}

bool nats_bus::publish(std::string_view subject, std::string_view reply, std::string_view data) {
    const std::string subj(subject), rep(reply);
    return impl_->published_if(natsConnection_PublishRequest(
        impl_->conn, subj.c_str(), rep.c_str(), data.data(), static_cast<int>(data.size())));
}

std::unique_ptr<nats_bus::subscription> nats_bus::subscribe(const std::string& subject,
                                                            handler on_message_fn) {
    auto* state = new sub_state{{}, true, std::move(on_message_fn), &impl_->delivered};
    natsSubscription* sub = nullptr;
    const natsStatus s =
        natsConnection_Subscribe(&sub, impl_->conn, subject.c_str(), &on_message, state);
    if (s != NATS_OK) {
        delete state;
        throw std::runtime_error("NATS subscribe " + subject + ": " + words(s));
    }
    natsSubscription_SetPendingLimits(sub, impl_->options.pending_messages,
                                      impl_->options.pending_bytes);
    natsSubscription_SetOnCompleteCB(sub, &on_complete, state);
    return std::make_unique<nats_subscription>(sub, state);
}

bool nats_bus::flush(std::chrono::milliseconds timeout) {
    return natsConnection_FlushTimeout(impl_->conn, timeout.count()) == NATS_OK;
}

std::optional<std::chrono::microseconds> nats_bus::round_trip() {
    std::int64_t rtt_ns = 0;
    if (natsConnection_GetRTT(impl_->conn, &rtt_ns) != NATS_OK) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::nanoseconds(rtt_ns));
}

bool nats_bus::connected() const {
    return natsConnection_Status(impl_->conn) == NATS_CONN_STATUS_CONNECTED;
}

nats_figures nats_bus::figures() const {
    nats_figures f;
    f.connected = connected();
    f.published = impl_->published.load(std::memory_order_relaxed);
    f.delivered = impl_->delivered.load(std::memory_order_relaxed);
    f.publish_failures = impl_->publish_failures.load(std::memory_order_relaxed);
    f.slow_consumer = impl_->events->slow_consumer.load(std::memory_order_relaxed);
    f.disconnects = impl_->events->disconnects.load(std::memory_order_relaxed);
    f.reconnects = impl_->events->reconnects.load(std::memory_order_relaxed);
    return f;
}

std::string nats_bus::new_inbox() const {
    natsInbox* inbox = nullptr;
    check(natsInbox_Create(&inbox), "NATS inbox");
    std::string out(inbox);
    natsInbox_Destroy(inbox);
    return out;
}

}  // namespace daring::server
