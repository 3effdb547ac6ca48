#pragma once
// Process metrics in Prometheus text format. Thread-safe; label sets are bounded (route
// patterns, not raw paths).
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace daring::server {

class histogram {
  public:
    explicit histogram(std::vector<double> bounds);
    void observe(double value);
    // Appends the _bucket/_sum/_count lines of `name` with extra `labels` ("" or `a="b"`).
    void render(std::string& out, const std::string& name, const std::string& labels) const;

  private:
    std::vector<double> bounds_;
    std::vector<std::uint64_t> counts_;  // one per bound, plus +Inf
    double sum_ = 0;
    std::uint64_t count_ = 0;
};

class metrics {
  public:
    metrics();
    void record_request(const std::string& route, int status, double seconds);
    void connection_opened() { ++open_connections_; }
    void connection_closed() { --open_connections_; }
    void connection_refused() { ++refused_connections_; }
    void record_commit(double seconds, std::size_t batch_size);
    // Presence: one per interval opened/closed or client message seen; rows per flush.
    void record_presence_event() { ++presence_events_; }
    void record_hashing_refused() { ++hashing_refused_; }
    void record_presence_flush(std::size_t rows);
    // Audio records written to listeners, and dropped from a slow listener's queue.
    void record_audio_sent(std::uint64_t n) { audio_sent_ += n; }
    void record_audio_dropped(std::uint64_t n) { audio_dropped_ += n; }
    std::uint64_t audio_dropped() const { return audio_dropped_.load(); }
    // Disk use of recordings' files (set by housekeeping).
    void set_recordings_bytes(std::uint64_t n) { recordings_bytes_ = n; }
    void set_last_backup(std::int64_t at, std::uint64_t bytes) {
        last_backup_bytes_ = bytes;
        last_backup_at_ = at;
    }
    // When the schedule, at its last look, will make the next backup (Unix time; 0: no look yet).
    void set_next_backup_due(std::int64_t at) { next_backup_due_ = at; }
    // The last scheduled backup: Unix time (0: none yet) and size.
    std::int64_t last_backup_at() const { return last_backup_at_; }
    std::uint64_t last_backup_bytes() const { return last_backup_bytes_; }
    // Outgoing messages per channel and state (set by the outbox sender after each round).
    void set_outbox(std::map<std::string, std::map<std::string, std::int64_t>> counts);
    std::int64_t open_connections() const { return open_connections_.load(); }
    std::string render() const;
    // Text in Prometheus format appended to every render (figures another layer owns, such as
    // the database's pool). Set once at start, before serving.
    void set_appendix(std::function<std::string()> appendix) { appendix_ = std::move(appendix); }

  private:
    mutable std::mutex mutex_;  // guards everything below except the atomics
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    histogram request_latency_;
    histogram commit_latency_;
    histogram batch_size_;
    histogram presence_flush_rows_;
    std::map<std::string, std::map<std::string, std::int64_t>> outbox_;
    std::atomic<std::uint64_t> presence_events_{0};
    std::atomic<std::uint64_t> hashing_refused_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> refused_connections_{0};
    std::atomic<std::uint64_t> audio_sent_{0};
    std::atomic<std::uint64_t> audio_dropped_{0};
    std::atomic<std::uint64_t> recordings_bytes_{0};
    std::atomic<std::int64_t> last_backup_at_{0};
    std::atomic<std::uint64_t> last_backup_bytes_{0};
    std::atomic<std::int64_t> next_backup_due_{0};
    std::function<std::string()> appendix_;
};

}  // namespace daring::server
