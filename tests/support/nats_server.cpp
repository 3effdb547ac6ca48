#include "nats_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "free_port.hpp"

namespace daring::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* nats_binary = "/usr/sbin/nats-server";
constexpr uid_t nobody = 65534;

bool accepts(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
}

std::string binary() {
    for (const char* p : {nats_binary, "/usr/bin/nats-server"})
        if (fs::exists(p)) return p;
    throw std::runtime_error("nats-server not found (./scripts/setup installs it)");
}

}  // namespace

nats_server::nats_server() {
    std::string pattern = (fs::temp_directory_path() / "daring-nats-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a NATS directory");
    dir_ = pattern;
    port_ = free_port();
    start();
}

nats_server::~nats_server() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void nats_server::start() {
    if (pid_ > 0) return;
    const auto program = binary();
    const auto log = dir_ + "/nats.log";
    const auto port = std::to_string(port_);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        if (geteuid() == 0 && (setgid(nobody) != 0 || setuid(nobody) != 0)) _exit(126);
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it
        if (getppid() != parent) _exit(125);
        execl(program.c_str(), program.c_str(), "-a", "127.0.0.1", "-p", port.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!accepts(port_)) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("nats-server exited at start; see " + log);
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("nats-server did not accept within 10 s; see " + log);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void nats_server::stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

}  // namespace daring::test
