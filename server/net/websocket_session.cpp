#include "server/net/websocket_session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <mutex>
#include <optional>
#include <type_traits>

#include "server/live/audio_queue.hpp"
#include "server/net/websocket_frame.hpp"

namespace daring::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// What the registry sees of a socket. The atomics are written on the socket's strand (or, for
// the slow-consumer deadline, by a room) and read by the sweep.
struct ws_link {
    virtual ~ws_link() = default;
    // Called by the sweep, under the registry's mutex: post the check to the socket's strand
    // unless the socket is already being destroyed.
    virtual void wake(std::int64_t now) = 0;

    ws_link* prev = nullptr;  // guarded by the registry's mutex
    ws_link* next = nullptr;
    std::atomic<std::int64_t> heard_at{0};     // steady seconds of the last bytes read
    std::atomic<std::int64_t> deadline{0};     // steady seconds; 0: none
    std::atomic<std::int64_t> pinged_for{-1};  // the heard_at a ping was sent for

    // What the socket has to do now: nothing, send a keep-alive ping, or drop the connection
    // (a handshake or close that never completed, a write blocked past the slow-consumer grace,
    // or a peer silent even to our ping).
    enum class duty { none, ping, drop };
    duty due(std::int64_t now, std::int64_t idle_timeout) const {
        const auto d = deadline.load(std::memory_order_relaxed);
        const auto heard = heard_at.load(std::memory_order_relaxed);
        if ((d != 0 && now >= d) || now - heard >= idle_timeout) return duty::drop;
        if (now - heard >= idle_timeout / 2 && pinged_for.load(std::memory_order_relaxed) != heard)
            return duty::ping;
        return duty::none;
    }
};

// A view over a vector of buffers that Asio's composed write can copy for nothing.
struct buffer_span {
    using value_type = asio::const_buffer;
    using const_iterator = const asio::const_buffer*;
    const asio::const_buffer* first;
    const asio::const_buffer* last;
    const_iterator begin() const { return first; }
    const_iterator end() const { return last; }
};

}  // namespace

struct live_socket_registry::impl {
    impl(asio::io_context& ioc, std::chrono::seconds idle, metrics& m)
        : timer(ioc), idle_timeout(idle.count()), stats(m) {}

    void link(ws_link* s) {
        std::lock_guard lock(mutex);
        s->next = head;
        if (head) head->prev = s;
        head = s;
    }
    void unlink(ws_link* s) {
        std::lock_guard lock(mutex);
        if (s->prev) s->prev->next = s->next;
        if (s->next) s->next->prev = s->prev;
        if (head == s) head = s->next;
    }
    void sweep() {
        const auto now = now_seconds();
        std::lock_guard lock(mutex);
        for (ws_link* s = head; s; s = s->next) {
            if (s->due(now, idle_timeout) != ws_link::duty::none) s->wake(now);
        }
    }
    void schedule(const std::shared_ptr<impl>& self) {
        timer.expires_after(std::chrono::seconds(1));
        timer.async_wait([weak = std::weak_ptr<impl>(self)](boost::system::error_code ec) {
            auto me = weak.lock();
            if (ec || !me || me->stopped) return;
            me->sweep();
            me->schedule(me);
        });
    }

    asio::steady_timer timer;
    const std::int64_t idle_timeout;  // seconds
    metrics& stats;                   // owned by main, outlives every socket
    std::atomic<bool> stopped{false};
    std::mutex mutex;  // guards head and every linked socket's prev/next
    ws_link* head = nullptr;
};

live_socket_registry::live_socket_registry(asio::io_context& ioc, std::chrono::seconds idle_timeout,
                                           metrics& stats)
    : impl_(std::make_shared<impl>(ioc, idle_timeout, stats)) {}
live_socket_registry::~live_socket_registry() {
    stop();
}

void live_socket_registry::start() {
    impl_->schedule(impl_);
}

void live_socket_registry::stop() {
    impl_->stopped = true;
    impl_->timer.cancel();
}

namespace {

// A lone audio record framed as its own binary message. The room hands the same record to every
// listener in turn on one thread, so the frame is built for the first and shared by the rest.
const shared_message& framed_audio(const shared_message& record) {
    thread_local shared_message last_record;
    thread_local shared_message last_frame;
    if (last_record != record) {
        const auto header = make_ws_frame_header(ws_opcode::binary, record->size());
        auto frame = std::make_shared<std::string>();
        frame->reserve(header.size + record->size());
        frame->append(reinterpret_cast<const char*>(header.bytes.data()), header.size);
        frame->append(*record);
        last_record = record;
        last_frame = std::move(frame);
    }
    return last_frame;
}

// One connection. Stream is a plain tcp::socket or a TLS stream. Reading: on a plain socket
// the session waits for readability and then reads into a per-thread buffer, so an idle
// connection holds no read buffer at all (the frame reader keeps only an incomplete frame);
// TLS may hold decrypted bytes of its own, so there it reads into a small buffer of the
// session. Writing: one write at a time on the strand, everything queued in one frame.
template <class Stream>
class ws_session final : public live_participant,
                         public ws_link,
                         public std::enable_shared_from_this<ws_session<Stream>> {
    static constexpr bool plain = std::is_same_v<Stream, tcp::socket>;
    static constexpr std::size_t read_chunk = 16 * 1024;
    static constexpr std::size_t tls_read_chunk = 4 * 1024;

  public:
    ws_session(Stream&& stream, live_hub& hub, std::shared_ptr<live_socket_registry::impl> registry,
               live_admission admission)
        : stream_(std::move(stream)),
          hub_(hub),
          registry_(std::move(registry)),
          admission_(std::make_unique<live_admission>(std::move(admission))),
          reader_(websocket_read_limit) {
        const auto executor = stream_.get_executor();
        if (const auto* c = executor.template target<asio::io_context::executor_type>()) {
            own_context_ = *c;
        } else if (const auto* st =
                       executor.template target<asio::strand<asio::io_context::executor_type>>()) {
            own_strand_ = *st;
        }
    }

    ~ws_session() override { registry_->unlink(this); }

    void start(const std::string& key, std::shared_ptr<void> keepalive) {
        keepalive_ = std::move(keepalive);
        const auto now = now_seconds();
        heard_at = now;
        deadline = now + websocket_handshake_timeout.count();
        registry_->link(this);
        if constexpr (plain) {
            boost::system::error_code ignored;
            stream_.non_blocking(true, ignored);
            stream_.set_option(tcp::no_delay(true), ignored);
        }
        const int lowat = live_notsent_lowat;
        ::setsockopt(socket().native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
                     sizeof lowat);
        handshake_ = ws_accept_response(key);
        writing_ = true;
        asio::async_write(
            stream_, asio::buffer(handshake_),
            [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                self->writing_ = false;
                std::string().swap(self->handshake_);
                if (ec) {
                    self->hard_close();
                    return;
                }
                self->deadline = 0;
                self->hub_.attach(self, *self->admission_);
                // The room has its own copy; keep only what identifies the socket.
                self->session_id_ = self->admission_->room.session_id;
                self->admission_.reset();
                self->attached_ = true;
                self->read();
                self->write_next();  // anything the room queued meanwhile
            });
    }

    void deliver(const shared_message& m) override {
        bool wake_writer = false;
        {
            std::lock_guard lock(mutex_);
            if (close_code_ != -1) return;
            if (queue_.size() >= send_queue_limit_messages ||
                queued_bytes_ + m->size() > send_queue_limit_bytes) {
                close_code_ = close_slow_consumer;
                std::vector<shared_message>().swap(queue_);
                queued_bytes_ = 0;
                deadline = now_seconds() + slow_consumer_grace.count();
            } else {
                queue_.push_back(m);
                queued_bytes_ += m->size();
            }
            wake_writer = !wake_pending_;
            wake_pending_ = true;
        }
        if (wake_writer) signal_writer();
    }

    void close(int code, std::string_view reason) override {
        request_close(code, std::string(reason));
    }

    void deliver_audio(const shared_message& record, std::uint16_t duration_ms) override {
        const bool here = on_own_thread();
        bool at_once = false;
        bool wake_writer = false;
        std::size_t dropped = 0;
        {
            std::lock_guard lock(mutex_);
            if (close_code_ != -1) return;
            // On the socket's own thread with nothing else to write, the record goes to the
            // kernel right away: no queue, no wake-up.
            at_once = here && writer_idle() && queue_.empty() && audio_.empty();
            if (!at_once) {
                dropped = audio_.push(record, duration_ms);
                wake_writer = !wake_pending_;
                wake_pending_ = true;
            }
        }
        if (at_once) {
            write_audio_at_once(record);
            return;
        }
        if (dropped) registry_->stats.record_audio_dropped(dropped);
        if (!wake_writer) return;
        if (here) {
            kick_writer();
        } else {
            signal_writer();
        }
    }

    void discard_audio() override {
        std::lock_guard lock(mutex_);
        audio_.clear();
    }

    void wake(std::int64_t now) override {
        if (auto self = this->weak_from_this().lock()) {
            asio::post(stream_.get_executor(),
                       [self = std::move(self), now] { self->on_tick(now); });
        }
    }

  private:
    tcp::socket& socket() {
        if constexpr (plain) {
            return stream_;
        } else {
            return beast::get_lowest_layer(stream_).socket();
        }
    }

    // Thread-safe: the first close request wins; 0 closes without a close frame.
    void request_close(int code, std::string reason) {
        bool wake_writer = false;
        {
            std::lock_guard lock(mutex_);
            if (close_code_ != -1) return;
            close_code_ = code;
            close_reason_ = std::move(reason);
            wake_writer = !wake_pending_;
            wake_pending_ = true;
        }
        if (wake_writer) signal_writer();
    }

    // ---- reading (strand) ----

    void read() {
        if (reader_done_ || finished_) return;
        reading_ = true;
        if constexpr (plain) {
            stream_.async_wait(tcp::socket::wait_read,
                               [self = this->shared_from_this()](boost::system::error_code ec) {
                                   self->reading_ = false;
                                   if (ec) {
                                       self->finish();
                                       return;
                                   }
                                   self->read_ready();
                               });
        } else {
            if (!tls_buffer_) tls_buffer_ = std::make_unique<char[]>(tls_read_chunk);
            stream_.async_read_some(
                asio::buffer(tls_buffer_.get(), tls_read_chunk),
                [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
                    self->reading_ = false;
                    if (ec) {
                        self->finish();
                        return;
                    }
                    if (self->consume(std::string_view(self->tls_buffer_.get(), n))) self->read();
                });
        }
    }

    // Plain sockets: read what is there without blocking, a bounded number of times so one
    // busy client cannot hold the thread, then wait again.
    void read_ready() {
        thread_local std::array<char, read_chunk> chunk;
        for (int round = 0; round < 4; ++round) {
            boost::system::error_code ec;
            const std::size_t n = stream_.read_some(asio::buffer(chunk), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) break;
            if (ec) {
                finish();
                return;
            }
            if (!consume(std::string_view(chunk.data(), n))) return;
            if (n < chunk.size()) break;
        }
        read();
    }

    // Feeds bytes to the frame reader; false once reading must stop.
    bool consume(std::string_view bytes) {
        heard_at.store(now_seconds(), std::memory_order_relaxed);
        const bool more = reader_.feed(bytes, [this](ws_event&& e) { on_event(std::move(e)); });
        if (!more) reader_done_ = true;
        return more && !finished_;
    }

    void on_event(ws_event&& e) {
        switch (e.type) {
            case ws_event::kind::message:
                // Until the peer's close frame, its messages count: they were sent before it
                // could know we are closing (a quiz answer must not be lost to a race).
                if (e.opcode == ws_opcode::binary)
                    hub_.receive_binary(session_id_, this->shared_from_this(),
                                        std::move(e.payload));
                else
                    hub_.receive(session_id_, this->shared_from_this(), std::move(e.payload));
                break;
            case ws_event::kind::ping:
                pong_ = std::move(e.payload);  // only the latest ping needs an answer
                kick_writer();
                break;
            case ws_event::kind::pong:
                break;
            case ws_event::kind::close:
                // The peer started or answered the closing handshake.
                if (close_sent_) {
                    hard_close();
                } else {
                    request_close(e.close_code == 1005 ? ws_close_normal : e.close_code, {});
                }
                break;
            case ws_event::kind::failed:
                request_close(e.close_code, std::move(e.reason));
                break;
        }
    }

    // ---- writing (strand) ----

    void signal_writer() {
        asio::post(stream_.get_executor(),
                   [self = this->shared_from_this()] { self->kick_writer(); });
    }

    void kick_writer() {
        if (!writing_ && attached_) write_next();
    }

    // Whether this thread runs the socket's handlers now (one I/O thread: any handler of the
    // io_context; several: the socket's strand).
    bool on_own_thread() const {
        return own_context_ ? own_context_->running_in_this_thread()
                            : own_strand_ && own_strand_->running_in_this_thread();
    }

    // Nothing is being written or waits to be (strand only).
    bool writer_idle() const {
        return plain && attached_ && !writing_ && !close_sent_ && !pong_ && !ping_due_;
    }

    // A lone audio record written straight away as its own binary message (plain sockets, the
    // writer idle); what the kernel does not take at once waits for an asynchronous write.
    void write_audio_at_once(const shared_message& record) {
        const shared_message& frame = framed_audio(record);
        registry_->stats.record_audio_sent(1);
        const ssize_t n = ::send(socket().native_handle(), frame->data(), frame->size(),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == static_cast<ssize_t>(frame->size())) return;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            batch_written(boost::system::error_code(errno, boost::system::system_category()));
            return;
        }
        sending_audio_.push_back(frame);
        buffers_.clear();
        buffers_.push_back(asio::buffer(*frame) +
                           static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
        write_async();
    }

    // One write at a time. Control frames first (a pong, a keep-alive ping), then everything
    // queued as one frame: a lone message as it is (the shared buffer, no copy), several as a
    // JSON array whose pieces are the shared buffers themselves (a gathered write, still no
    // copy); then queued audio as one binary frame; then the close frame when one was asked
    // for. On a plain socket the batch is first written at once, without an asynchronous
    // operation (the socket is non-blocking); only what the kernel does not take right away
    // waits for an asynchronous write. A few batches in a row, then other work gets a turn.
    void write_next() {
        for (int round = 0; round < 8; ++round) {
            if (!prepare_batch()) return;
            if constexpr (plain) {
                const buffer_span span{buffers_.data(), buffers_.data() + buffers_.size()};
                boost::system::error_code ec;
                const std::size_t n = stream_.write_some(span, ec);
                if (!ec && n == asio::buffer_size(span)) {
                    if (!batch_written({})) return;
                    continue;
                }
                if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
                    batch_written(ec);
                    return;
                }
                skip_written(ec ? 0 : n);
            }
            write_async();
            return;
        }
        signal_writer();
    }

    // Takes what is queued into buffers_; false when there is nothing to write (the connection
    // may have been closed instead).
    bool prepare_batch() {
        int code;
        {
            std::lock_guard lock(mutex_);
            sending_.swap(queue_);
            queue_.clear();
            queued_bytes_ = 0;
            audio_.take(sending_audio_);
            code = close_code_;
            wake_pending_ = false;
        }
        if (code == close_slow_consumer) sending_.clear();
        if (close_sent_ || code == 0) sending_.clear();
        if (close_sent_ || code != -1) sending_audio_.clear();
        buffers_.clear();
        control_.clear();
        if (!close_sent_ && code != 0) {
            if (pong_) {
                append_control(ws_opcode::pong, *pong_);
                pong_.reset();
            }
            if (ping_due_) append_control(ws_opcode::ping, {});
        }
        ping_due_ = false;
        if (!control_.empty()) buffers_.push_back(asio::buffer(control_));
        if (!sending_.empty()) add_data_frame();
        if (!sending_audio_.empty()) add_audio_frame();
        if (code > 0 && !close_sent_) {
            close_frame_ = make_ws_close_frame(code, close_reason_);
            buffers_.push_back(asio::buffer(close_frame_));
            close_sent_ = true;
            deadline = now_seconds() + websocket_handshake_timeout.count();
        }
        if (buffers_.empty()) {
            if (code == 0) hard_close();
            trim();
            return false;
        }
        return true;
    }

    // Drops the first `n` bytes of buffers_ (written at once).
    void skip_written(std::size_t n) {
        std::size_t done = 0;
        while (n > 0 && done < buffers_.size()) {
            if (n >= buffers_[done].size()) {
                n -= buffers_[done].size();
                ++done;
            } else {
                buffers_[done] += n;
                n = 0;
            }
        }
        buffers_.erase(buffers_.begin(), buffers_.begin() + static_cast<std::ptrdiff_t>(done));
    }

    void write_async() {
        writing_ = true;
        asio::async_write(
            stream_, buffer_span{buffers_.data(), buffers_.data() + buffers_.size()},
            [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                self->writing_ = false;
                if (self->batch_written(ec)) self->write_next();
            });
    }

    // The batch is out (or failed); false when the connection is over.
    bool batch_written(boost::system::error_code ec) {
        sending_.clear();
        sending_audio_.clear();
        if (ec) {
            request_close(0, {});
            hard_close();
            return false;
        }
        // Both sides have sent their close frames: the server closes TCP.
        if (close_sent_ && reader_done_) {
            hard_close();
            return false;
        }
        return true;
    }

    void append_control(ws_opcode opcode, std::string_view payload) {
        const auto header = make_ws_frame_header(opcode, payload.size());
        control_.append(reinterpret_cast<const char*>(header.bytes.data()), header.size);
        control_.append(payload);
    }

    void add_data_frame() {
        std::size_t size = 0;
        for (const auto& m : sending_) size += m->size();
        if (sending_.size() > 1) size += sending_.size() + 1;  // brackets and commas
        data_header_ = make_ws_frame_header(ws_opcode::text, size);
        buffers_.push_back(asio::buffer(data_header_.bytes.data(), data_header_.size));
        if (sending_.size() == 1) {
            buffers_.push_back(asio::buffer(*sending_.front()));
            return;
        }
        static constexpr char open_bracket = '[', comma = ',', close_bracket = ']';
        buffers_.push_back(asio::buffer(&open_bracket, 1));
        for (std::size_t i = 0; i < sending_.size(); ++i) {
            if (i) buffers_.push_back(asio::buffer(&comma, 1));
            buffers_.push_back(asio::buffer(*sending_[i]));
        }
        buffers_.push_back(asio::buffer(&close_bracket, 1));
    }

    // Every queued audio record back to back in one binary message (records carry their own
    // lengths), gathered from the shared buffers.
    void add_audio_frame() {
        std::size_t size = 0;
        for (const auto& r : sending_audio_) size += r->size();
        audio_header_ = make_ws_frame_header(ws_opcode::binary, size);
        buffers_.push_back(asio::buffer(audio_header_.bytes.data(), audio_header_.size));
        for (const auto& r : sending_audio_) buffers_.push_back(asio::buffer(*r));
        registry_->stats.record_audio_sent(sending_audio_.size());
    }

    // Large batches leave large vectors behind; give the memory back once idle.
    void trim() {
        if (sending_audio_.capacity() > 64) std::vector<shared_message>().swap(sending_audio_);
        if (sending_.capacity() > 16) std::vector<shared_message>().swap(sending_);
        if (buffers_.capacity() > 40) std::vector<asio::const_buffer>().swap(buffers_);
        if (control_.capacity() > 64) std::string().swap(control_);
    }

    // ---- timeouts and teardown (strand) ----

    void on_tick(std::int64_t now) {
        if (finished_) return;
        switch (due(now, registry_->idle_timeout)) {
            case duty::drop:
                request_close(0, {});
                hard_close();
                break;
            case duty::ping:
                pinged_for = heard_at.load();
                ping_due_ = true;
                kick_writer();
                break;
            case duty::none:
                break;
        }
    }

    // Closes the TCP connection. The socket leaves the room first (so the user's next socket
    // never finds this one still counted); a pending read completes and finishes.
    void hard_close() {
        if (!reading_) finish();
        boost::system::error_code ignored;
        socket().close(ignored);
    }

    // The connection is over: stop writing, leave the room.
    void finish() {
        if (finished_) return;
        finished_ = true;
        request_close(0, {});
        deadline = 0;
        if (attached_) hub_.detach(session_id_, this);
        if (socket().is_open() && !writing_) {
            boost::system::error_code ignored;
            socket().close(ignored);
        }
    }

    Stream stream_;
    live_hub& hub_;
    std::shared_ptr<live_socket_registry::impl> registry_;
    std::unique_ptr<live_admission> admission_;  // until attached
    std::shared_ptr<void> keepalive_;
    std::int64_t session_id_ = 0;
    // The socket's executor without its type erasure, to ask cheaply whether we run on it.
    std::optional<asio::io_context::executor_type> own_context_;
    std::optional<asio::strand<asio::io_context::executor_type>> own_strand_;

    // Strand only.
    ws_frame_reader reader_;
    std::unique_ptr<char[]> tls_buffer_;  // TLS only
    std::string handshake_;               // the 101 response while it is written
    std::optional<std::string> pong_;     // the answer to the latest ping
    std::string control_;                 // control frames of the write in progress
    std::string close_frame_;
    ws_frame_header data_header_;
    ws_frame_header audio_header_;
    std::vector<shared_message> sending_;        // the batch being written
    std::vector<shared_message> sending_audio_;  // its audio records
    std::vector<asio::const_buffer> buffers_;    // the write in progress
    bool attached_ = false;
    bool reading_ = false;
    bool writing_ = false;
    bool reader_done_ = false;  // the peer's close frame arrived, or its frames were invalid
    bool close_sent_ = false;
    bool ping_due_ = false;
    bool finished_ = false;

    std::mutex mutex_;  // guards queue_, queued_bytes_, audio_, close_code_, close_reason_,
                        // wake_pending_
    std::vector<shared_message> queue_;
    audio_queue audio_;  // the droppable lane
    std::size_t queued_bytes_ = 0;
    int close_code_ = -1;  // -1 open; 0 closed by the peer or an error; >0 close with this code
    std::string close_reason_;
    bool wake_pending_ = false;
};

template <class Stream>
void start_any(Stream stream, const std::string& key, live_admission admission, live_hub& hub,
               live_socket_registry& registry, std::shared_ptr<void> keepalive) {
    auto session = std::make_shared<ws_session<Stream>>(std::move(stream), hub, registry.shared(),
                                                        std::move(admission));
    session->start(key, std::move(keepalive));
}

}  // namespace

void start_live_socket(beast::tcp_stream stream, const std::string& websocket_key,
                       live_admission admission, live_hub& hub, live_socket_registry& registry,
                       std::shared_ptr<void> keepalive) {
    stream.expires_never();
    start_any(stream.release_socket(), websocket_key, std::move(admission), hub, registry,
              std::move(keepalive));
}

void start_live_socket(beast::ssl_stream<beast::tcp_stream> stream,
                       const std::string& websocket_key, live_admission admission, live_hub& hub,
                       live_socket_registry& registry, std::shared_ptr<void> keepalive) {
    beast::get_lowest_layer(stream).expires_never();
    start_any(std::move(stream), websocket_key, std::move(admission), hub, registry,
              std::move(keepalive));
}

}  // namespace daring::server
