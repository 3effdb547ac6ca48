#pragma once
// The outbox sender: its own thread (never an I/O thread) claims due rows, renders and delivers
// each on its channel's transport, and records the outcome: sent, a retry with backoff and
// jitter (a provider's Retry-After honoured), or failed with the provider's answer once the
// attempts are spent. Rows expire unsent past their expiry. Pending rows survive restarts; rows
// a crash left mid-send go back to pending at start. Per-channel rate limits pace the sends.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "server/rules/outbox_rules.hpp"
#include "server/services/outbox_transport.hpp"
#include "server/util/clock.hpp"
#include "storage/database.hpp"

namespace daring::server {

struct outbox_options {
    retry_policy retry;
    double poll_s = 2.0;                   // how often due rows are looked for
    int batch = 20;                        // rows claimed at once
    protocol::unix_seconds lease_s = 120;  // a claimed row returns to pending after this
    std::map<std::string, double> per_second = {{"email", 5}, {"whatsapp", 20}};
    bool background = true;  // false: no thread; the caller runs rounds (tests)
    std::string public_url;  // the server's address, for the links in messages
    // Runs at the start of every round (the app queues the session reminders now due).
    std::function<void(protocol::unix_seconds now)> before_round;
};

class outbox_sender {
  public:
    // channel -> transport; a row of a channel without one is retried and fails once its
    // attempts are spent ("not configured"). `on_counts` receives
    // the rows per channel and state after every round (for /metrics).
    using counts_sink =
        std::function<void(const std::map<std::string, std::map<std::string, std::int64_t>>&)>;
    outbox_sender(storage::database& db, const clock& clk,
                  std::map<std::string, std::unique_ptr<message_transport>> transports,
                  outbox_options options, counts_sink on_counts = nullptr);
    ~outbox_sender();
    outbox_sender(const outbox_sender&) = delete;
    outbox_sender& operator=(const outbox_sender&) = delete;

    // Looks for due rows now (after a notification or an administrator's retry).
    void wake();
    // One round on the caller's thread (tests): claims and delivers what is due; returns how
    // many rows it handled.
    int run_once();

  private:
    void loop();
    void deliver(const storage::outbox_message& m);
    void pace(const std::string& channel);
    // The absolute address a message points to: a one-tap join link for a session it invites
    // to (params.join_session_id), else the app page of params.link.
    std::string link_of(const storage::outbox_message& m) const;

    storage::database& db_;
    const clock& clk_;
    std::map<std::string, std::unique_ptr<message_transport>> transports_;
    outbox_options options_;
    counts_sink on_counts_;
    std::string join_secret_;
    std::mt19937_64 random_{std::random_device{}()};
    std::map<std::string, std::chrono::steady_clock::time_point> last_send_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    bool stopping_ = false;
    std::atomic<bool> abort_{false};  // set at destruction: a provider call in flight ends
    std::thread thread_;
};

}  // namespace daring::server
