#pragma once
// A throwaway nats-server (Debian's) for tests: on 127.0.0.1 and a free port, as `nobody` when
// the tests run as root, its output in a temporary directory. Killed at destruction, and by the
// kernel when the test process dies first (a parent-death signal), also when a test failed.
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace daring::test {

class nats_server {
  public:
    nats_server();  // started and accepting connections
    ~nats_server();
    nats_server(const nats_server&) = delete;
    nats_server& operator=(const nats_server&) = delete;

    std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    std::uint16_t port() const { return port_; }
    // Stops it (SIGTERM, waited for) / starts it again on the same port.
    void stop();
    void start();
    bool running() const { return pid_ > 0; }

  private:
    std::string dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace daring::test
