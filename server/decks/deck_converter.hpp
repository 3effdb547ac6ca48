#pragma once
// The conversion queue: decks waiting for, and in, their `daring convert` child process. A
// bounded number convert at once (`jobs`, --convert-jobs), a bounded number wait; beyond that
// an upload is refused (503 busy). Each run has its own private work dir, removed afterwards.
// Pages go to the asset store and the database as they arrive (progress), and a ready deck's
// pages are appended to its session's slides.
//
// Thread-safe. submit() never blocks on a conversion; the converting threads block on their
// child and on database writes (never an I/O thread).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "protocol/deck.hpp"
#include "protocol/plan.hpp"
#include "server/decks/asset_store.hpp"
#include "server/decks/child_process.hpp"
#include "server/util/clock.hpp"
#include "storage/database.hpp"

namespace daring::server {

struct deck_options {
    std::string assets_dir = "assets";
    int jobs = 1;                 // conversions at once
    std::size_t queue_limit = 4;  // decks waiting beyond those converting
    std::string converter;        // the `daring` binary; empty: this process's own
    std::string soffice;          // LibreOffice; empty: office files fail (unavailable)
    std::string node;             // several nodes: this node's id (empty: one node)
    child_limits pdf_limits{.address_space = address_space_limit(1ull << 30),
                            .cpu_seconds = 60,
                            .file_size = 16ull << 20,
                            .wall = std::chrono::seconds(120)};
    // LibreOffice maps much more than it uses; its limits are its own.
    child_limits office_limits{.address_space = address_space_limit(4ull << 30),
                               .cpu_seconds = 120,
                               .file_size = 256ull << 20,
                               .wall = std::chrono::seconds(240)};
};

class deck_converter {
  public:
    // After a deck's pages were appended to its session's slides (the session's slides now):
    // called on a converting thread; must not block for long.
    using ready_fn =
        std::function<void(std::int64_t session_id, const std::vector<protocol::slide>& slides)>;

    deck_converter(storage::database& db, const clock& clk, deck_options options);
    ~deck_converter();
    deck_converter(const deck_converter&) = delete;
    deck_converter& operator=(const deck_converter&) = delete;

    // Set before start().
    void set_on_ready(ready_fn f) { on_ready_ = std::move(f); }
    // Marks decks a previous run of this node left converting as failed (and removes their work
    // dirs), starts the converting threads. Other nodes' conversions go on.
    void start();
    // Every minute: says this node's conversions are still alive, and fails those of a node
    // silent for `abandoned_after_s` (it died and did not come back). Blocking (a worker).
    void housekeeping(protocol::unix_seconds now);
    static constexpr protocol::unix_seconds abandoned_after_s = 180;
    // Stops taking decks, kills nothing: waits for the running conversions (each bounded by
    // its wall-clock limit), fails the waiting ones as interrupted. Idempotent.
    void stop();

    // Whether an upload would find room in the queue now (a later submit may still fail).
    bool has_room() const;
    // A private work dir for a new upload (mode 0700), under the assets dir: in work/ on one
    // node, in work/<node>/ on several (a node's start clears its own only).
    std::filesystem::path make_work_dir() const;
    // Queues deck `deck_id` whose file is `input` inside `work_dir` (from make_work_dir).
    // False when the queue is full (the caller fails the deck and answers 503).
    bool submit(std::int64_t deck_id, std::int64_t session_id, protocol::deck_kind kind,
                std::filesystem::path work_dir, std::filesystem::path input);

    // A new deck of `session_id` uploaded by `by`: stores its row (with `also`, e.g. an audit
    // row, in the same write job), writes the file to a private work dir and queues it.
    // nullopt when the queue is full (the row then says failed `busy`). Blocking (a worker).
    std::optional<protocol::deck> add(
        std::int64_t session_id, std::int64_t by, protocol::deck_kind kind, std::string_view bytes,
        const std::function<void(storage::connection&, const protocol::deck&)>& also = nullptr);

    const asset_store& assets() const { return assets_; }
    bool office_available() const { return !options_.soffice.empty(); }

    struct figures {
        std::size_t converting = 0, waiting = 0;
        std::uint64_t ready = 0, failed = 0;
    };
    figures stats() const;

  private:
    struct job {
        std::int64_t deck_id = 0;
        std::int64_t session_id = 0;
        protocol::deck_kind kind = protocol::deck_kind::pdf;
        std::filesystem::path work_dir, input;
    };
    std::filesystem::path work_root() const;
    // Every converting thread busy and the queue at its limit. REQUIRES: mutex_ is held.
    bool full() const;
    void worker();
    void convert(const job& j);
    // The outcome of one child run: empty code when every page arrived.
    std::string run(const job& j, int& pages);
    void finish(const job& j, int pages);
    void fail(const job& j, const std::string& code);

    storage::database& db_;
    const clock& clk_;
    deck_options options_;
    asset_store assets_;
    ready_fn on_ready_;

    mutable std::mutex mutex_;  // guards queue_, converting_, stopping_, ready_, failed_
    std::condition_variable wake_;
    std::deque<job> queue_;
    std::size_t converting_ = 0;
    bool stopping_ = false;
    std::atomic<bool> cancel_{false};  // set by stop(): running children are killed
    std::uint64_t ready_ = 0, failed_ = 0;
    std::vector<std::thread> threads_;
};

}  // namespace daring::server
