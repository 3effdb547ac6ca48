#include "server/websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <mutex>
#include <optional>

namespace daring::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

template <class Stream>
class ws_session : public live_participant, public std::enable_shared_from_this<ws_session<Stream>> {
public:
    ws_session(Stream&& stream, live_hub& hub, live_admission admission)
        : ws_(std::move(stream)), hub_(hub), admission_(std::move(admission)) {}


    void start(std::shared_ptr<live_request> req, std::shared_ptr<void> keepalive) {
        keepalive_ = std::move(keepalive);
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(beast::http::field::server, "daring"); }));
        ws_.read_message_max(websocket_read_limit);
        ws_.auto_fragment(false);
        // Unmasked, unfragmented, uncompressed server writes go straight from the shared buffers;
        // the stream's own write buffer would only hold 4 KiB per idle phone.
        ws_.write_buffer_bytes(8);
        auto& request = *req;
        ws_.async_accept(request, [self = this->shared_from_this(), req = std::move(req)](beast::error_code ec) {
            if (ec) return;
            self->hub_.attach(self, self->admission_);
            // The room has its own copy; keep only what identifies the socket.
            self->session_id_ = self->admission_.room.session_id;
            self->admission_ = {};
            self->attached_ = true;
            self->read();
        });
    }

    void deliver(const shared_message& m) override {
        bool wake = false;
        {
            std::lock_guard lock(mutex_);
            if (close_code_ != -1) return;
            if (queue_.size() >= send_queue_limit_messages || queued_bytes_ + m->size() > send_queue_limit_bytes) {
                close_code_ = close_slow_consumer;
                std::vector<shared_message>().swap(queue_);
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

    void read() {
        ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->finish();
                return;
            }
            self->hub_.receive(self->session_id_, self, beast::buffers_to_string(self->buffer_.data()));
            self->buffer_.consume(self->buffer_.size());
            self->buffer_.shrink_to_fit();  // an idle phone holds no read buffer
            self->read();
        });
    }

    // The read side ended (the peer closed, an error, or our close handshake completed).
    void finish() {
        request_close(0, {});  // stop writing too
        if (attached_) hub_.detach(session_id_, this);
        if (evict_timer_) evict_timer_->cancel();
    }

    // On the connection's strand: starts a write unless one is running (it will pick up the
    // queue when it completes).
    void signal_writer() {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
            if (!self->writing_) {
                self->write_next();
            } else {
                self->watch_blocked_write();
            }
        });
    }

    // Strand only. The queue overflowed while a write is still in progress: if that write is
    // still blocked after the grace period, drop the TCP connection.
    void watch_blocked_write() {
        {
            std::lock_guard lock(mutex_);
            if (close_code_ != close_slow_consumer || evict_timer_) return;
        }
        evict_timer_.emplace(ws_.get_executor());
        evict_timer_->expires_after(slow_consumer_grace);
        evict_timer_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || !self->writing_) return;
            beast::error_code ignored;
            beast::get_lowest_layer(self->ws_).socket().close(ignored);
        });
    }

    // One write at a time, on the strand. Everything queued goes out in one frame: a lone
    // message as it is (the shared buffer, no copy), several as a JSON array whose pieces are
    // the shared buffers themselves (a gathered write, still no copy).
    void write_next() {
        int code;
        {
            std::lock_guard lock(mutex_);
            sending_.swap(queue_);
            queue_.clear();
            queued_bytes_ = 0;
            code = close_code_;
            wake_pending_ = false;
        }
        if (code == close_slow_consumer) sending_.clear();
        if (sending_.empty()) {
            writing_ = false;
            if (code > 0 && ws_.is_open()) {
                writing_ = true;
                ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), close_reason_),
                                [self = this->shared_from_this()](beast::error_code) { self->writing_ = false; });
            }
            if (queue_capacity_trim()) std::vector<shared_message>().swap(sending_);
            return;
        }
        writing_ = true;
        buffers_.clear();
        if (sending_.size() == 1) {
            buffers_.push_back(asio::buffer(*sending_.front()));
        } else {
            static constexpr char open_bracket = '[', comma = ',', close_bracket = ']';
            buffers_.push_back(asio::buffer(&open_bracket, 1));
            for (std::size_t i = 0; i < sending_.size(); ++i) {
                if (i) buffers_.push_back(asio::buffer(&comma, 1));
                buffers_.push_back(asio::buffer(*sending_[i]));
            }
            buffers_.push_back(asio::buffer(&close_bracket, 1));
        }
        ws_.async_write(buffers_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->sending_.clear();
            if (ec) {
                self->writing_ = false;
                self->request_close(0, {});
                return;
            }
            self->write_next();
        });
    }

    // Large batches leave large vectors behind; give the memory back once idle.
    bool queue_capacity_trim() const { return sending_.capacity() > 16; }

    websocket::stream<Stream> ws_;
    live_hub& hub_;
    live_admission admission_;  // until attached
    std::int64_t session_id_ = 0;
    bool writing_ = false;                      // strand only
    bool attached_ = false;                     // strand only
    beast::flat_buffer buffer_;                 // strand only: the message being read
    std::shared_ptr<void> keepalive_;
    std::optional<asio::steady_timer> evict_timer_;  // strand only
    std::vector<shared_message> sending_;       // strand only: the batch being written
    std::vector<asio::const_buffer> buffers_;   // strand only

    std::mutex mutex_;  // guards queue_, queued_bytes_, close_code_, close_reason_, wake_pending_
    std::vector<shared_message> queue_;
    std::size_t queued_bytes_ = 0;
    int close_code_ = -1;  // -1 open; 0 closed by the peer or an error; >0 close with this code
    std::string close_reason_;
    bool wake_pending_ = false;
};

template <class Stream>
void start_any(Stream stream, live_request req, live_admission admission, live_hub& hub,
               std::shared_ptr<void> keepalive) {
    auto session = std::make_shared<ws_session<Stream>>(std::move(stream), hub, std::move(admission));
    session->start(std::make_shared<live_request>(std::move(req)), std::move(keepalive));
}

}  // namespace

void start_live_socket(beast::tcp_stream stream, live_request req, live_admission admission, live_hub& hub,
                       std::shared_ptr<void> keepalive) {
    start_any(std::move(stream), std::move(req), std::move(admission), hub, std::move(keepalive));
}

void start_live_socket(beast::ssl_stream<beast::tcp_stream> stream, live_request req, live_admission admission,
                       live_hub& hub, std::shared_ptr<void> keepalive) {
    start_any(std::move(stream), std::move(req), std::move(admission), hub, std::move(keepalive));
}

}  // namespace daring::server
