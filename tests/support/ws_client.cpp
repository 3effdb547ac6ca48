#include "tests/support/ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <stdexcept>

#include "server/util/base64.hpp"

namespace daring::test {

ws_client::ws_client(std::uint16_t port, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     int receive_buffer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0)
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("connect failed");
    std::random_device rd;
    std::string key_raw(16, '\0');
    for (auto& c : key_raw) c = static_cast<char>(rd());
    key_ = daring::server::base64(key_raw);
    // A header given by the caller replaces the default of the same name.
    auto given = [&](std::string_view name) {
        for (const auto& h : headers) {
            if (h.first == name) return true;
        }
        return false;
    };
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    if (!given("Sec-WebSocket-Version")) req += "Sec-WebSocket-Version: 13\r\n";
    if (!given("Sec-WebSocket-Key")) req += "Sec-WebSocket-Key: " + key_ + "\r\n";
    for (const auto& [n, v] : headers) req += n + ": " + v + "\r\n";
    req += "\r\n";
    ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) throw std::runtime_error("no handshake answer");
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    status_ = std::stoi(head.substr(9, 3));
    for (std::string_view name : {"Sec-WebSocket-Accept: ", "sec-websocket-accept: "}) {
        if (auto at = head.find(name); at != std::string::npos) {
            accept_ = head.substr(at + name.size(), head.find("\r\n", at) - at - name.size());
        }
    }
    if (status_ != 101) {
        auto cl = head.find("Content-Length: ");
        if (cl == std::string::npos) cl = head.find("content-length: ");
        std::size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
        while (buffer_.size() < length && fill(deadline)) {
        }
        error_body_ = buffer_.substr(0, length);
        ::close(fd_);
        fd_ = -1;
    }
}

ws_client::~ws_client() {
    if (fd_ >= 0) ::close(fd_);
}

bool ws_client::fill(std::chrono::steady_clock::time_point deadline) {
    if (fd_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
        ::close(fd_);
        fd_ = -1;
        return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

void ws_client::send_frame(std::uint8_t opcode, const std::string& payload, bool final) {
    if (fd_ < 0) return;
    std::string f;
    f.push_back(static_cast<char>((final ? 0x80 : 0) | opcode));
    const auto n = payload.size();
    if (n < 126) {
        f.push_back(static_cast<char>(0x80 | n));
    } else if (n < 65536) {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(n >> 8));
        f.push_back(static_cast<char>(n & 0xFF));
    } else {
        f.push_back(static_cast<char>(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            f.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xFF));
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    f.append(mask, 4);
    for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    std::size_t sent = 0;
    while (sent < f.size()) {
        ssize_t w = ::send(fd_, f.data() + sent, f.size() - sent, MSG_NOSIGNAL);
        if (w <= 0) return;
        sent += static_cast<std::size_t>(w);
    }
}

void ws_client::send_text(const std::string& text) {
    send_frame(0x1, text);
}

bool ws_client::read_frame(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        if (buffer_.size() >= 2) {
            auto b0 = static_cast<unsigned char>(buffer_[0]);
            auto b1 = static_cast<unsigned char>(buffer_[1]);
            std::size_t len = b1 & 0x7F, pos = 2;
            bool have_header = true;
            if (len == 126) {
                if (buffer_.size() < 4)
                    have_header = false;
                else {
                    len = (static_cast<unsigned char>(buffer_[2]) << 8) |
                          static_cast<unsigned char>(buffer_[3]);
                    pos = 4;
                }
            } else if (len == 127) {
                if (buffer_.size() < 10)
                    have_header = false;
                else {
                    len = 0;
                    for (int i = 0; i < 8; ++i)
                        len = (len << 8) | static_cast<unsigned char>(buffer_[2 + i]);
                    pos = 10;
                }
            }
            if (have_header && buffer_.size() >= pos + len) {
                std::string payload = buffer_.substr(pos, len);
                buffer_.erase(0, pos + len);
                const int opcode = b0 & 0x0F;
                ++frames_received;
                if (opcode == 0x1) {
                    auto j = nlohmann::json::parse(payload, nullptr, false);
                    if (j.is_array()) {
                        for (auto& m : j) inbox_.push_back(m);
                    } else {
                        inbox_.push_back(j);
                    }
                    return true;
                }
                if (opcode == 0x2) {
                    binary_bytes += payload.size();
                    binaries.push_back(std::move(payload));
                    return true;
                }
                if (opcode == 0x8) {
                    close_code_ = payload.size() >= 2
                                      ? (static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1])
                                      : 1005;
                    send_frame(0x8, payload.substr(0, 2));
                    // The server closes TCP after the handshake; read to EOF, as a browser does.
                    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
                    while (fill(until)) buffer_.clear();
                    if (fd_ >= 0) ::close(fd_);
                    fd_ = -1;
                    return false;
                }
                if (opcode == 0x9) {
                    ++pings;
                    send_frame(0xA, payload);
                }
                if (opcode == 0xA) pongs.push_back(payload);
                continue;
            }
        }
        if (!fill(deadline)) return false;
    }
}

std::optional<nlohmann::json> ws_client::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (inbox_.empty()) {
        if (close_code_ || !read_frame(deadline)) break;
    }
    if (inbox_.empty()) return std::nullopt;
    auto j = std::move(inbox_.front());
    inbox_.pop_front();
    return j;
}

std::optional<nlohmann::json> ws_client::next_of(const std::string& type,
                                                 std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        auto m = next(left);
        if (!m) return std::nullopt;
        if ((*m)["type"] == type) return m;
        skipped.push_back(*m);
    }
}

bool ws_client::wait_binaries(std::size_t count, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (binaries.size() < count && !close_code_) {
        if (!read_frame(deadline)) break;
        while (!inbox_.empty()) {
            skipped.push_back(std::move(inbox_.front()));
            inbox_.pop_front();
        }
    }
    return binaries.size() >= count;
}

int ws_client::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!close_code_ && std::chrono::steady_clock::now() < deadline) {
        if (!read_frame(deadline) && fd_ < 0) break;
        while (!inbox_.empty()) {
            skipped.push_back(inbox_.front());
            inbox_.pop_front();
        }
    }
    return close_code_.value_or(0);
}

void ws_client::close(int code) {
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    send_frame(0x8, payload);
    wait_closed(std::chrono::seconds(2));
}

void ws_client::send_raw(const std::string& bytes) {
    ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

void ws_client::drop() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace daring::test
