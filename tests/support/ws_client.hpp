#pragma once
// A small blocking WebSocket client (RFC 6455) over POSIX sockets for integration tests:
// handshake with chosen headers, masked text frames, ping/pong, close codes, and the live
// protocol's batch frames (a JSON array of messages) unpacked into single messages.
#include <chrono>
#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace daring::test {

class ws_client {
  public:
    // Connects and upgrades. `status` is 101 on success, else the HTTP status answered (and
    // `error_body` its body).
    // `receive_buffer` > 0 sets SO_RCVBUF before connecting (a phone that reads slowly).
    ws_client(std::uint16_t port, const std::string& target,
              const std::vector<std::pair<std::string, std::string>>& headers,
              int receive_buffer = 0);
    ~ws_client();
    ws_client(const ws_client&) = delete;
    ws_client& operator=(const ws_client&) = delete;

    int status() const { return status_; }
    const std::string& error_body() const { return error_body_; }
    bool open() const { return fd_ >= 0 && !close_code_; }
    // The close code the server sent (0 while open or after a plain disconnect).
    int close_code() const { return close_code_.value_or(0); }

    // The key this client sent and the server's Sec-WebSocket-Accept answer.
    const std::string& key() const { return key_; }
    const std::string& accept() const { return accept_; }

    void send_text(const std::string& text);
    // A masked frame of any opcode, final or not (a fragment), and bytes exactly as given.
    void send_frame(std::uint8_t opcode, const std::string& payload, bool final = true);
    void send_raw(const std::string& bytes);
    void send_json(const nlohmann::json& j) { send_text(j.dump()); }
    // The next message, or nullopt on timeout/close.
    std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // The next message of `type`, skipping others (kept in `skipped`).
    std::optional<nlohmann::json> next_of(
        const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads until `binaries` holds at least `count` binary messages (text messages read on the
    // way go to `skipped`); false on timeout or close.
    bool wait_binaries(std::size_t count,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Waits until the server closes; returns the close code (0 on timeout or bare disconnect).
    int wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    void close(int code = 1000);
    // Drops the TCP connection without a close handshake (a phone losing signal).
    void drop();

    std::vector<nlohmann::json> skipped;
    std::vector<std::string> binaries;  // binary messages (audio records), in order
    std::size_t binary_bytes = 0;       // their payload bytes
    std::size_t frames_received = 0;
    std::vector<std::string> pongs;  // payloads of the server's pongs, in order
    std::size_t pings = 0;           // the server's pings (each answered with a pong)

  private:
    bool read_frame(std::chrono::steady_clock::time_point deadline);
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    int status_ = 0;
    std::string key_, accept_;
    std::string error_body_;
    std::string buffer_;
    std::deque<nlohmann::json> inbox_;
    std::optional<int> close_code_;
};

}  // namespace daring::test
