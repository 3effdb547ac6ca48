#pragma once
// A deliberately small blocking HTTP/1.1 client over POSIX sockets for integration tests: it
// can send exactly the bytes a test wants (oversize headers, odd transfer codings).
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace daring::test {

struct http_result {
    int status = 0;
    std::multimap<std::string, std::string> headers;  // lower-case names
    std::string body;
    bool closed = false;  // the server closed the connection after this response
    int chunks = 0;       // 1 when the body came with chunked transfer coding

    std::string header(const std::string& lower_name) const;
    nlohmann::json json() const;
};

class http_client {
  public:
    explicit http_client(std::uint16_t port);
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    // Sends a request on the kept-alive connection (reconnecting when needed).
    http_result request(const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& body = {});
    // Sends raw bytes and reads one response (nullopt when the server closed without one).
    std::optional<http_result> raw(const std::string& bytes);
    bool connected() const { return fd_ >= 0; }
    void close();

  private:
    void connect();
    std::optional<http_result> read_response(bool head_request);
    bool fill();

    std::uint16_t port_;
    int fd_ = -1;
    std::string buffer_;
};

// Convenience: JSON request with optional bearer token.
http_result json_request(http_client& c, const std::string& method, const std::string& target,
                         const nlohmann::json& body, const std::string& bearer = {});

}  // namespace daring::test
