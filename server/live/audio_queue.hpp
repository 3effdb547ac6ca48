#pragma once
// A connection's queued audio records: the droppable lane. When more than `limit_ms` of audio
// waits, the oldest records go (the newest always stays), so a slow link hears the present with
// a gap instead of a growing delay; the listener sees the gap in audio_seq. Text events never
// pass through here. Not thread-safe (the socket guards it).
#include <cstdint>
#include <deque>
#include <vector>

#include "server/live/live_room.hpp"

namespace daring::server {

inline constexpr std::uint32_t audio_queue_limit_ms = 1000;

class audio_queue {
  public:
    explicit audio_queue(std::uint32_t limit_ms = audio_queue_limit_ms) : limit_ms_(limit_ms) {}

    // Queues a record; returns how many old records were dropped to stay within the limit.
    std::size_t push(shared_message record, std::uint16_t duration_ms) {
        bytes_ += record->size();
        queued_ms_ += duration_ms;
        records_.push_back({std::move(record), duration_ms});
        std::size_t dropped = 0;
        while (queued_ms_ > limit_ms_ && records_.size() > 1) {
            queued_ms_ -= records_.front().duration_ms;
            bytes_ -= records_.front().record->size();
            records_.pop_front();
            ++dropped;
        }
        return dropped;
    }
    // Everything queued, oldest first; the queue is empty after.
    void take(std::vector<shared_message>& out) {
        for (auto& r : records_) out.push_back(std::move(r.record));
        clear();
    }
    void clear() {
        records_.clear();
        queued_ms_ = 0;
        bytes_ = 0;
    }
    bool empty() const { return records_.empty(); }
    std::size_t size() const { return records_.size(); }
    std::uint32_t queued_ms() const { return queued_ms_; }
    std::size_t bytes() const { return bytes_; }

  private:
    struct entry {
        shared_message record;
        std::uint16_t duration_ms;
    };
    std::uint32_t limit_ms_;
    std::deque<entry> records_;
    std::uint32_t queued_ms_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace daring::server
