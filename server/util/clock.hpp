#pragma once
// "Now" for domain rules, injected so tests can move time.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/time_format.hpp"

namespace daring::server {

class clock {
  public:
    virtual ~clock() = default;
    virtual protocol::unix_seconds now() const = 0;
    // Milliseconds since the epoch, for what needs finer steps than seconds (replay progress);
    // clocks that only know seconds give now() * 1000.
    virtual std::int64_t now_ms() const { return now() * 1000; }
};

class system_clock final : public clock {
  public:
    protocol::unix_seconds now() const override {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    std::int64_t now_ms() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

// Tests of whole processes: "now" is the integer in a file the test rewrites; the system time
// while the file is missing or unreadable. Safe for concurrent access.
class file_clock final : public clock {
  public:
    explicit file_clock(std::string path) : path_(std::move(path)) {}
    protocol::unix_seconds now() const override;
    std::int64_t now_ms() const override;

  private:
    std::optional<protocol::unix_seconds> from_file() const;
    std::string path_;
    system_clock fallback_;
};

// Safe for concurrent access.
class manual_clock final : public clock {
  public:
    explicit manual_clock(protocol::unix_seconds start) : now_(start) {}
    protocol::unix_seconds now() const override { return now_.load(); }
    void set(protocol::unix_seconds t) { now_.store(t); }
    void advance(std::int64_t seconds) { now_.fetch_add(seconds); }

  private:
    std::atomic<protocol::unix_seconds> now_;
};

}  // namespace daring::server
