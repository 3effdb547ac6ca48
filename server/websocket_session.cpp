#include "server/websocket_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <mutex>

namespace daring::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

template <class Stream>
class ws_session : public live_participant, public std::enable_shared_from_this<ws_session<Stream>> {
public:
    ws_session(Stream&& stream, live_hub& hub, live_admission admission)
        : ws_(std::move(stream)),
          wake_(ws_.get_executor()),
          hub_(hub),
          admission_(std::move(admission)) {}

    asio::awaitable<void> run(live_request req) {
        auto self = this->shared_from_this();
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(beast::http::field::server, "daring"); }));
        ws_.read_message_max(websocket_read_limit);
        ws_.auto_fragment(false);
        auto [aec] = co_await ws_.async_accept(req, use_tuple);
        if (aec) co_return;
        open_ = true;
        hub_.attach(self, admission_);
        asio::co_spawn(ws_.get_executor(), writer(), asio::detached);
        co_await reader();
        request_close(0, {});  // the reader ended: stop the writer too
        hub_.detach(admission_.room.session_id, this);
        // Let the writer finish its close handshake before the connection counts as gone.
        asio::steady_timer pause(ws_.get_executor());
        while (writing_) {
            pause.expires_after(std::chrono::milliseconds(5));
            co_await pause.async_wait(use_tuple);
        }
    }

    void deliver(const shared_message& m) override {
        bool wake = false;
        {
            std::lock_guard lock(mutex_);
            if (close_code_ != -1) return;
            if (queue_.size() >= send_queue_limit_messages || queued_bytes_ + m->size() > send_queue_limit_bytes) {
                close_code_ = close_slow_consumer;
                queue_.clear();
                queued_bytes_ = 0;
            } else {
                queue_.push_back(m);
                queued_bytes_ += m->size();
            }
            wake = !wake_pending_;
            wake_pending_ = true;
        }
        if (wake) signal_writer();
    }

    void close(int code, std::string_view reason) override { request_close(code, std::string(reason)); }

private:
    void request_close(int code, std::string reason) {
        bool wake = false;
        {
            std::lock_guard lock(mutex_);
            if (close_code_ != -1) return;
            close_code_ = code;
            close_reason_ = std::move(reason);
            wake = !wake_pending_;
            wake_pending_ = true;
        }
        if (wake) signal_writer();
    }

    void signal_writer() {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->wake_.cancel(); });
    }

    asio::awaitable<void> reader() {
        auto self = this->shared_from_this();
        beast::flat_buffer buffer;
        for (;;) {
            auto [ec, n] = co_await ws_.async_read(buffer, use_tuple);
            if (ec) co_return;
            hub_.receive(admission_.room.session_id, self, beast::buffers_to_string(buffer.data()));
            buffer.consume(buffer.size());
            // A small buffer once idle: thousands of quiet phones must stay cheap.
            if (buffer.capacity() > 4096) buffer.shrink_to_fit();
        }
    }

    asio::awaitable<void> writer() {
        auto self = this->shared_from_this();
        writing_ = true;
        std::vector<shared_message> batch;
        std::string joined;
        for (;;) {
            int code = -1;
            std::string reason;
            {
                std::lock_guard lock(mutex_);
                batch.assign(queue_.begin(), queue_.end());
                queue_.clear();
                queued_bytes_ = 0;
                code = close_code_;
                reason = close_reason_;
                wake_pending_ = false;
            }
            if (!batch.empty() && code != close_slow_consumer) {
                // Several queued messages go out as one frame (a JSON array): one syscall, not many.
                beast::error_code ec;
                if (batch.size() == 1) {
                    std::tie(ec, std::ignore) = co_await ws_.async_write(asio::buffer(*batch.front()), use_tuple);
                } else {
                    joined.clear();
                    joined.push_back('[');
                    for (std::size_t i = 0; i < batch.size(); ++i) {
                        if (i) joined.push_back(',');
                        joined.append(*batch[i]);
                    }
                    joined.push_back(']');
                    std::tie(ec, std::ignore) = co_await ws_.async_write(asio::buffer(joined), use_tuple);
                    if (joined.capacity() > 64 * 1024) std::string().swap(joined);
                }
                batch.clear();
                if (ec) break;
                continue;  // more may have arrived while writing
            }
            if (code != -1) {
                if (code > 0 && ws_.is_open()) {
                    websocket::close_reason cr(static_cast<websocket::close_code>(code), reason);
                    co_await ws_.async_close(cr, use_tuple);
                }
                break;
            }
            wake_.expires_at(asio::steady_timer::time_point::max());
            co_await wake_.async_wait(use_tuple);
        }
        writing_ = false;
    }

    websocket::stream<Stream> ws_;
    asio::steady_timer wake_;  // the writer sleeps on it; signal_writer() cancels it
    live_hub& hub_;
    live_admission admission_;
    bool open_ = false;
    bool writing_ = false;  // touched on the connection's strand only

    std::mutex mutex_;  // guards queue_, queued_bytes_, close_code_, close_reason_, wake_pending_
    std::deque<shared_message> queue_;
    std::size_t queued_bytes_ = 0;
    int close_code_ = -1;  // -1 open; 0 closed by the peer or an error; >0 close with this code
    std::string close_reason_;
    bool wake_pending_ = false;
};

template <class Stream>
asio::awaitable<void> run_any(Stream stream, live_request req, live_admission admission, live_hub& hub) {
    auto session = std::make_shared<ws_session<Stream>>(std::move(stream), hub, std::move(admission));
    co_await session->run(std::move(req));
}

}  // namespace

asio::awaitable<void> run_live_socket(beast::tcp_stream stream, live_request req, live_admission admission,
                                      live_hub& hub) {
    return run_any(std::move(stream), std::move(req), std::move(admission), hub);
}

asio::awaitable<void> run_live_socket(beast::ssl_stream<beast::tcp_stream> stream, live_request req,
                                      live_admission admission, live_hub& hub) {
    return run_any(std::move(stream), std::move(req), std::move(admission), hub);
}

}  // namespace daring::server
