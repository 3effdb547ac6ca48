#pragma once
// Presence intervals into the database. Opening and closing an interval are queued at once for
// the group-commit writer (so an interval's start is durable within one commit); last_seen
// values are coalesced in memory and written by flush(), so a crash loses at most one flush
// interval of presence. Thread-safe: rooms call it from their strands, the hub's timer flushes.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/live/live_room.hpp"
#include "storage/database.hpp"

namespace daring::server {

class metrics;

class presence_recorder final : public presence_sink {
  public:
    // Ends the intervals a crash left open (at their last flushed last_seen) and continues the
    // id sequence. Call before serving, from a thread that may block.
    //
    // With several nodes (`node` not empty) the ids come from a block reserved for this node
    // (storage::reserve_ids), each interval records its node, and a start ends only this node's
    // intervals left open: the other nodes' are open too. A node that takes over a dead node's
    // room, or notices a node went silent, ends that node's (node_gone).
    presence_recorder(storage::database& db, metrics& stats, std::string node = {});

    std::int64_t open(std::int64_t session_id, std::int64_t user_id, bool visible,
                      protocol::unix_seconds at) override;
    void seen(std::int64_t interval_id, protocol::unix_seconds at) override;
    void close(std::int64_t interval_id, protocol::unix_seconds at) override;
    void flush() override;
    void node_gone(std::int64_t session_id, const std::string& node) override;

    int recovered_on_start() const { return recovered_; }
    // Ends the intervals the last stop left open (at startup; again from housekeeping while a
    // full disk stopped it). Returns true once done. Call from a thread that may block.
    bool repair();
    // Intervals still open of sessions ended at least `ended_grace_s` before `now` (a node that
    // died around the end left them) end at their last recorded heartbeat. From housekeeping, on
    // a thread that may block; returns how many (0 after a failed write, logged).
    int close_left_by_ended_sessions(protocol::unix_seconds now);
    static constexpr protocol::unix_seconds ended_grace_s = 60;

  private:
    void submit(storage::database::write_job job, const char* what);

    storage::database& db_;
    metrics& stats_;
    const std::string node_;
    std::atomic<std::int64_t> next_id_{0};
    int recovered_ = 0;
    std::int64_t dangling_up_to_ = 0;  // intervals from before this start have ids up to it
    std::atomic<bool> repaired_{false};
    std::mutex mutex_;                                                  // guards pending_
    std::unordered_map<std::int64_t, protocol::unix_seconds> pending_;  // id -> newest last_seen
};

}  // namespace daring::server
