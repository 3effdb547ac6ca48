#include "tests/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace daring::test {

std::string http_result::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
}

nlohmann::json http_result::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

http_client::http_client(std::uint16_t port) : port_(port) {}
http_client::~http_client() {
    close();
}

void http_client::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
}

void http_client::connect() {
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    // A hang guard, not a time limit of any behaviour: a 200-user import hashes 200 passwords
    // (argon2id), which takes a while when the whole suite runs at once on two cores.
    timeval tv{60, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close();
        throw std::runtime_error("connect failed");
    }
}

bool http_client::fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<http_result> http_client::read_response(bool head_request) {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill()) {
            close();
            return std::nullopt;
        }
    }
    http_result r;
    std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    auto line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    r.status = std::stoi(status_line.substr(9, 3));
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        auto end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        auto line = head.substr(pos, end - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), ::tolower);
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            r.headers.emplace(name, value);
        }
        pos = end + 2;
    }
    if (r.header("transfer-encoding") == "chunked" && !head_request) {
        // size CRLF data CRLF ... 0 CRLF CRLF (no trailers from our server)
        for (;;) {
            std::size_t eol;
            while ((eol = buffer_.find("\r\n")) == std::string::npos)
                if (!fill()) return std::nullopt;
            const auto size = std::stoul(buffer_.substr(0, eol), nullptr, 16);
            while (buffer_.size() < eol + 2 + size + 2)
                if (!fill()) return std::nullopt;
            r.body.append(buffer_, eol + 2, size);
            buffer_.erase(0, eol + 2 + size + 2);
            if (size == 0) break;
        }
        ++r.chunks;
        r.closed = r.header("connection") == "close";
        if (r.closed) close();
        return r;
    }
    std::size_t length = 0;
    if (auto cl = r.header("content-length"); !cl.empty()) length = std::stoul(cl);
    if (head_request || r.status == 204 || r.status == 304) length = 0;
    while (buffer_.size() < length) {
        if (!fill()) break;
    }
    r.body = buffer_.substr(0, std::min(length, buffer_.size()));
    buffer_.erase(0, r.body.size());
    r.closed = r.header("connection") == "close";
    if (r.closed) close();
    return r;
}

http_result http_client::request(const std::string& method, const std::string& target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& body) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    bool has_length = false;
    for (const auto& [n, v] : headers) {
        req += n + ": " + v + "\r\n";
        if (n == "Content-Length" || n == "Transfer-Encoding") has_length = true;
    }
    if (!has_length &&
        (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")) {
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (fd_ < 0) connect();
        if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
            close();
            continue;
        }
        auto r = read_response(method == "HEAD");
        if (r) return *r;
    }
    throw std::runtime_error("no response to " + method + " " + target);
}

std::optional<http_result> http_client::raw(const std::string& bytes) {
    if (fd_ < 0) connect();
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may refuse mid-way; read what it answered
        sent += static_cast<std::size_t>(n);
    }
    return read_response(false);
}

http_result json_request(http_client& c, const std::string& method, const std::string& target,
                         const nlohmann::json& body, const std::string& bearer) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"}};
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    return c.request(method, target, headers, body.is_null() ? std::string{} : body.dump());
}

}  // namespace daring::test
