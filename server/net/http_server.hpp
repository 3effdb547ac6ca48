#pragma once
// The network front: plain or TLS listener, HTTP/1.1 keep-alive sessions with named limits,
// graceful shutdown on SIGINT/SIGTERM. Boost.Beast stays inside http_server.cpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace daring::server {

class application;
class clock;
class metrics;

struct server_limits {
    std::size_t header_limit = 8 * 1024;          // 431 beyond
    std::chrono::seconds header_timeout{10};      // first byte to end of headers
    std::chrono::seconds body_timeout{30};        // reading the body
    std::chrono::seconds idle_timeout{60};        // keep-alive between requests
    std::chrono::seconds live_idle_timeout{300};  // silent WebSocket; pinged at half
    std::size_t live_sockets_per_user = 5;        // a further one replaces the oldest
    std::chrono::seconds write_timeout{30};
    std::chrono::seconds shutdown_grace{10};  // in-flight work at SIGTERM
    std::size_t max_connections = 10000;      // beyond: 503 and close
};

struct server_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string tls_cert;  // both set -> HTTPS
    std::string tls_key;
    unsigned threads = 0;          // 0 -> hardware cores
    unsigned workers = 0;          // blocking pool for handlers; 0 -> max(4, 2 * cores)
    unsigned hash_threads = 0;     // password hashing; 0 -> cores
    std::size_t hash_queue = 128;  // hashing requests waiting or running; beyond: 503 busy
    unsigned report_threads = 2;   // reports and spreadsheets
    bool single_pool = false;      // benchmarks' baseline: every request on the workers
    bool audio_unpaced = false;    // benchmarks only: audio faster than real time is accepted
    long hsts_max_age = 31536000;  // Strict-Transport-Security under TLS; 0: not sent
    server_limits limits;
};

class http_server {
  public:
    http_server(application& app, metrics& m, const clock& clk, server_options options);
    ~http_server();

    // Binds (throws std::runtime_error with a readable message on failure), prints
    // "listening on http(s)://HOST:PORT" to stdout (flushed), serves until SIGINT/SIGTERM, then
    // stops accepting, lets in-flight requests finish (up to shutdown_grace) and returns.
    void run();

    struct impl;  // defined in http_server.cpp

  private:
    std::unique_ptr<impl> impl_;
};

}  // namespace daring::server
