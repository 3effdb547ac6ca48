#pragma once
// A live WebSocket connection after the HTTP upgrade was admitted: our own RFC 6455 framing
// (websocket_frame.hpp) straight over the TCP or TLS stream, a bounded send queue, and the
// registry whose one timer enforces every socket's timeouts. Included only by http_server.cpp
// and websocket_session.cpp (it brings Beast's stream types).
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "server/http/metrics.hpp"
#include "server/live/live_hub.hpp"

namespace boost::asio {
class io_context;
}

namespace daring::server {

// Send queue bounds per connection: beyond either the client is closed with 4008 and may resume.
inline constexpr std::size_t send_queue_limit_messages = 1024;
inline constexpr std::size_t send_queue_limit_bytes = 1 << 20;
// A slow consumer whose current write is still blocked this long after its queue overflowed
// is disconnected outright (it cannot even be sent its 4008 close frame).
inline constexpr std::chrono::seconds slow_consumer_grace{10};
// The transport refuses messages beyond this outright (1009); the protocol answers anything over
// protocol::live::message_limit (64 KiB) with an error and keeps the connection.
inline constexpr std::size_t websocket_read_limit = 256 * 1024;
// Unsent bytes a live socket lets the kernel hold (TCP_NOTSENT_LOWAT): beyond it the socket
// reports itself unwritable, so queued audio stays in our droppable queue instead of
// piling up, unreachable, in the kernel's send buffer. 4 KiB is 2 s of 16 kbit/s audio.
inline constexpr int live_notsent_lowat = 4096;
// The opening handshake's 101 must be written, and a close frame we sent answered, within this.
inline constexpr std::chrono::seconds websocket_handshake_timeout{30};
// A connection silent for the idle timeout (server_limits::live_idle_timeout, 300 s by
// default) is dropped; at half of it, it is pinged (a live client answers with a pong).

// Every live socket of one server. A single timer, once a second, finds the sockets whose
// handshake, close or slow-consumer deadline passed or that went silent, and only those are
// woken (no timer per socket: an idle phone costs no timer state). Thread-safe.
class live_socket_registry {
  public:
    live_socket_registry(boost::asio::io_context& ioc, std::chrono::seconds idle_timeout,
                         metrics& stats);
    ~live_socket_registry();
    void start();
    void stop();

    struct impl;
    const std::shared_ptr<impl>& shared() const { return impl_; }

  private:
    std::shared_ptr<impl> impl_;
};

// Answers the upgrade (101 with the accept key for `websocket_key`, which the HTTP layer has
// checked with check_ws_handshake) and runs the connection until it closes, on completion
// handlers (nothing stays allocated for an idle phone but the session and the socket's wait).
// `keepalive` (the HTTP layer's connection accounting) is held until the last handler is done.
// Call on the connection's strand.
void start_live_socket(boost::beast::tcp_stream stream, const std::string& websocket_key,
                       live_admission admission, live_hub& hub, live_socket_registry& registry,
                       std::shared_ptr<void> keepalive);
void start_live_socket(boost::beast::ssl_stream<boost::beast::tcp_stream> stream,
                       const std::string& websocket_key, live_admission admission, live_hub& hub,
                       live_socket_registry& registry, std::shared_ptr<void> keepalive);

}  // namespace daring::server
