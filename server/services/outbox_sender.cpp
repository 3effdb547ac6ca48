#include "server/services/outbox_sender.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "server/services/join_links.hpp"
#include "server/util/tokens.hpp"
#include "storage/attendance_repo.hpp"

namespace daring::server {

namespace {

std::once_flag curl_ready;

}  // namespace

outbox_sender::outbox_sender(storage::database& db, const clock& clk,
                             std::map<std::string, std::unique_ptr<message_transport>> transports,
                             outbox_options options, counts_sink on_counts)
    : db_(db),
      clk_(clk),
      transports_(std::move(transports)),
      options_(std::move(options)),
      on_counts_(std::move(on_counts)) {
    std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    join_secret_ = db_.write([](storage::connection& c) {
        return storage::server_secret(c, join_secret_name, random_token(32));
    });
    const auto released = db_.write(
        [&](storage::connection& c) { return storage::release_sending_outbox(c, clk_.now()); });
    if (released > 0)
        spdlog::warn("outbox: {} message(s) were being sent when the server stopped; sending again",
                     released);
    for (auto& [channel, transport] : transports_) transport->abort_on(&abort_);
    if (options_.background) thread_ = std::thread([this] { loop(); });
}

outbox_sender::~outbox_sender() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    abort_ = true;
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void outbox_sender::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void outbox_sender::loop() {
    const auto poll = std::chrono::milliseconds(static_cast<long>(options_.poll_s * 1000));
    for (;;) {
        try {
            // A full batch means more may be due: go again at once.
            while (run_once() >= options_.batch) {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
        } catch (const std::exception& e) {  // e.g. a full disk: the next round tries again
            spdlog::error("outbox round failed: {}", e.what());
        }
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, poll, [this] { return woken_ || stopping_; });
        if (stopping_) return;
        woken_ = false;
    }
}

int outbox_sender::run_once() {
    const auto now = clk_.now();
    if (options_.before_round) options_.before_round(now);
    auto due = db_.write([&](storage::connection& c) {
        return storage::claim_due_outbox(c, now, options_.batch, options_.lease_s);
    });
    for (const auto& m : due) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;  // unsent claimed rows return to pending at the next start
        }
        deliver(m);
    }
    if (on_counts_)
        on_counts_(db_.read([](storage::connection& c) { return storage::outbox_counts(c); }));
    return static_cast<int>(due.size());
}

void outbox_sender::deliver(const storage::outbox_message& m) {
    auto transport = transports_.find(m.channel);
    send_outcome result;
    if (transport == transports_.end()) {
        result = {
            send_outcome::result::retry, "the " + m.channel + " channel is not configured", {}};
    } else {
        pace(m.channel);
        try {
            result = transport->second->send(m, link_of(m));
        } catch (const std::exception& e) {
            result = {send_outcome::result::retry, e.what(), {}};
        }
    }
    const auto now = clk_.now();
    std::optional<protocol::unix_seconds> delay;
    if (result.outcome == send_outcome::result::retry) {
        const double jitter = std::uniform_real_distribution<double>(0, 1)(random_);
        delay = next_retry_delay(options_.retry, m.attempts, jitter, result.retry_after);
        if (!delay) result.outcome = send_outcome::result::failed;
    }
    db_.write([&](storage::connection& c) {
        if (result.outcome == send_outcome::result::sent)
            storage::mark_outbox_sent(c, m.id, result.answer, now);
        else if (result.outcome == send_outcome::result::failed)
            storage::mark_outbox_failed(c, m.id, result.answer, now);
        else
            storage::mark_outbox_retry(c, m.id, result.answer, now + *delay, now);
        return 0;
    });
    const auto to = mask_address(m.channel == "email" ? m.email : m.phone);
    if (result.outcome == send_outcome::result::sent)
        spdlog::info("outbox {}: {} to {} sent", m.id, m.channel, to);
    else
        spdlog::warn("outbox {}: {} to {} {} (attempt {}): {}", m.id, m.channel, to,
                     result.outcome == send_outcome::result::failed ? "failed" : "will retry",
                     m.attempts, result.answer);
}

std::string outbox_sender::link_of(const storage::outbox_message& m) const {
    const auto& p = m.params;
    if (p.is_object() && p.contains("join_session_id") && p["join_session_id"].is_number_integer())
        return options_.public_url + std::string(join_path) +
               make_join_token(join_secret_, m.user_id, p["join_session_id"].get<std::int64_t>(),
                               m.id);
    if (p.is_object() && p.contains("link") && p["link"].is_string())
        return options_.public_url + "/" + p["link"].get<std::string>();
    return options_.public_url + "/";
}

// Keeps each channel under its sends per second.
void outbox_sender::pace(const std::string& channel) {
    auto rate = options_.per_second.find(channel);
    if (rate == options_.per_second.end() || rate->second <= 0) return;
    const auto gap = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / rate->second));
    auto& last = last_send_[channel];
    const auto next = last + gap;
    if (auto now = std::chrono::steady_clock::now(); now < next)
        std::this_thread::sleep_until(next);
    last = std::chrono::steady_clock::now();
}

}  // namespace daring::server
