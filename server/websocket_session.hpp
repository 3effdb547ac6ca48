#pragma once
// A live WebSocket connection: the upgrade, a reader and a writer coroutine, a bounded send
// queue. Included only by http_server.cpp and websocket_session.cpp (it brings Beast).
#include <chrono>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/live_hub.hpp"

namespace daring::server {

// Send queue bounds per connection: beyond either the client is closed with 4008 and may resume.
inline constexpr std::size_t send_queue_limit_messages = 1024;
inline constexpr std::size_t send_queue_limit_bytes = 1 << 20;
// A slow consumer whose current write is still blocked this long after its queue overflowed
// is disconnected outright (it cannot even be sent its 4008 close frame).
inline constexpr std::chrono::seconds slow_consumer_grace{10};
// The transport refuses frames beyond this outright (1009); the protocol answers anything over
// protocol::live::message_limit (64 KiB) with an error and keeps the connection.
inline constexpr std::size_t websocket_read_limit = 256 * 1024;

using live_request = boost::beast::http::request<boost::beast::http::string_body>;

// Accepts the upgrade and runs the connection until it closes, on completion handlers (no
// coroutine frame stays alive for an idle phone). `keepalive` (the HTTP layer's connection
// accounting) is held until the last handler is done. Call on the connection's strand.
void start_live_socket(boost::beast::tcp_stream stream, live_request req, live_admission admission,
                       live_hub& hub, std::shared_ptr<void> keepalive);
void start_live_socket(boost::beast::ssl_stream<boost::beast::tcp_stream> stream, live_request req,
                       live_admission admission, live_hub& hub, std::shared_ptr<void> keepalive);

}  // namespace daring::server
