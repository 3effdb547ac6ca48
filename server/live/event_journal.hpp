#pragma once
// The live timeline into the database: every broadcast event (seq, time, type, both bodies),
// every audio packet, and each room's slide, highest seq and audio state, buffered in memory and
// written by flush() as one write job, so the I/O path never waits for a commit and a crash loses
// at most one flush interval (one second) of the timeline. Thread-safe: rooms call it from their
// strands, the hub's timer flushes.
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/live/live_room.hpp"
#include "storage/database.hpp"
#include "storage/live_repo.hpp"

namespace daring::server {

class event_journal final : public journal_sink {
  public:
    // `keep_audio` false: audio packets are not kept (recordings without audio).
    explicit event_journal(storage::database& db, bool keep_audio = true)
        : db_(db), keep_audio_(keep_audio) {}

    void event(std::int64_t session_id, std::uint64_t seq, std::string type, shared_message all,
               shared_message staff, std::int64_t audio_heard_ms) override;
    void slide_shown(std::int64_t session_id, int slide) override;
    void audio_packet(std::int64_t session_id, std::uint32_t seq, std::uint32_t at_ms,
                      std::uint16_t duration_ms, std::uint8_t flags,
                      std::string_view packet) override;
    void audio_changed(std::int64_t session_id, const protocol::json& state,
                       std::uint32_t seq_reserved) override;
    void pointer(std::int64_t session_id, const std::string& message,
                 std::int64_t audio_heard_ms) override;
    // Queues what was buffered as one write job (from any thread; never blocks on the commit).
    void flush();

  private:
    storage::database& db_;
    const bool keep_audio_;
    std::mutex mutex_;  // guards events_, audio_, pointer_, states_ and dirty_
    std::vector<storage::timeline_event> events_;
    std::vector<storage::audio_packet_row> audio_;
    std::vector<storage::pointer_row> pointer_;
    std::unordered_map<std::int64_t, storage::live_state> states_;  // every room seen
    std::unordered_set<std::int64_t> dirty_;  // rooms whose state changed since the last flush
};

}  // namespace daring::server
