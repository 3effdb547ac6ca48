#include "server/net/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdio>
#include <limits>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "server/http/metrics.hpp"
#include "server/http/request_rules.hpp"
#include "server/http/router.hpp"
#include "server/live/live_hub.hpp"
#include "server/net/application.hpp"
#include "server/net/websocket_frame.hpp"
#include "server/net/websocket_session.hpp"

namespace daring::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Per-connection state shared with the shutdown path. Touched only on the connection's strand.
struct connection_state {
    asio::any_io_executor executor;
    beast::tcp_stream* socket = nullptr;  // valid while the connection coroutine runs
    bool idle = false;                    // waiting for the next request
    bool closing = false;                 // shutdown: finish the current response, then close
};

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    return out;
}

// The status line and header block of a response with a known length, in one piece. Values
// are the server's own, but a CR or LF in one (a file name, say) could never split the head.
std::string response_head(const http_response& res, std::size_t content_length, bool keep) {
    std::string head;
    head.reserve(256 + res.headers.size() * 48);
    head.append("HTTP/1.1 ").append(std::to_string(res.status)).append(1, ' ');
    head.append(http::obsolete_reason(static_cast<http::status>(res.status)));
    head.append("\r\nServer: daring\r\n");
    for (const auto& [name, value] : res.headers) {
        head.append(name).append(": ");
        for (char c : value) head.push_back(c == '\r' || c == '\n' ? ' ' : c);
        head.append("\r\n");
    }
    if (!keep) head.append("Connection: close\r\n");
    const bool no_body = res.status / 100 == 1 || res.status == 204 || res.status == 304;
    if (!no_body)
        head.append("Content-Length: ").append(std::to_string(content_length)).append("\r\n");
    head.append("\r\n");
    return head;
}

constexpr const char* live_route = "/api/v1/sessions/{id:int}/live";

template <class Stream>
constexpr bool is_tls_stream = !std::is_same_v<Stream, beast::tcp_stream>;

bool is_expected_network_error(const beast::error_code& ec) {
    return ec == asio::error::operation_aborted || ec == beast::error::timeout ||
           ec == asio::error::eof || ec == http::error::end_of_stream ||
           ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated;
}

}  // namespace

struct http_server::impl {
    impl(application& a, metrics& m, const clock& clk, server_options o)
        : app(a),
          stats(m),
          options(std::move(o)),
          threads(options.threads ? options.threads
                                  : std::max(1u, std::thread::hardware_concurrency())),
          ioc(static_cast<int>(threads)),
          workers(options.workers ? options.workers
                                  : std::max(4u, 2 * std::thread::hardware_concurrency())),
          hashing(options.hash_threads ? options.hash_threads
                                       : std::max(1u, std::thread::hardware_concurrency())),
          reports(std::max(1u, options.report_threads)),
          acceptor(ioc),
          signals(ioc, SIGINT, SIGTERM),
          housekeeping_timer(ioc),
          hub(ioc, clk),
          live_sockets(ioc, options.limits.live_idle_timeout, m) {
        hub.set_sockets_per_user(options.limits.live_sockets_per_user);
        hub.set_audio_paced(!options.audio_unpaced);
        app.attach_live(&hub);
    }
    ~impl() { app.attach_live(nullptr); }

    application& app;
    metrics& stats;
    server_options options;
    unsigned threads;
    asio::io_context ioc;
    asio::thread_pool workers;
    asio::thread_pool hashing;  // password hashing only, bounded by hash_queue
    asio::thread_pool reports;
    std::atomic<std::size_t> hashing_pending{0};
    std::optional<ssl::context> tls;
    tcp::acceptor acceptor;
    asio::signal_set signals;
    asio::steady_timer housekeeping_timer;
    live_hub hub;
    live_socket_registry live_sockets;
    std::atomic<bool> stopping{false};
    // Shared with every connection, so a connection torn down late (after a forced stop, when
    // the io_context destroys what is left) still finds it alive.
    struct connection_registry {
        std::atomic<std::size_t> count{0};
        std::mutex mutex;  // guards states
        std::set<std::shared_ptr<connection_state>> states;
    };
    std::shared_ptr<connection_registry> registry = std::make_shared<connection_registry>();

    void setup_tls();
    void bind();
    awaitable<void> accept_loop();
    awaitable<void> refuse(tcp::socket socket);
    // An HTTP request that asked to become a live WebSocket and was admitted.
    struct pending_upgrade {
        std::string websocket_key;
        live_admission admission;
    };
    // Reads one request under the header and body limits; nullopt when the connection must
    // close (with the error answer written first when one is due).
    struct routed_request {
        http::request<http::string_body> message;
        route_options route;  // its body limit and lane
    };
    template <class Stream>
    awaitable<std::optional<routed_request>> read_request(Stream& stream,
                                                          beast::flat_buffer& buffer,
                                                          connection_state& state, bool first);
    // The application's response, a live admission's refusal, or the upgrade to perform.
    awaitable<std::variant<http_response, pending_upgrade>> answer(routed_request in,
                                                                   std::string remote, bool is_tls);
    // Runs the application on the request's lane: the I/O thread, the workers, the bounded
    // hashing pool (503 busy beyond its queue) or the reports pool.
    awaitable<http_response> handle_in_lane(std::shared_ptr<http_request> req, lane where);
    // Writes a response (chunk by chunk when it streams): the error and the body bytes sent.
    template <class Stream>
    awaitable<std::pair<beast::error_code, std::size_t>> write_response(Stream& stream,
                                                                        http_response& res,
                                                                        bool keep, bool is_head);
    // Serves HTTP requests until the connection closes, or returns the upgrade to perform.
    template <class Stream>
    awaitable<std::optional<pending_upgrade>> serve(Stream& stream,
                                                    std::shared_ptr<connection_state> state,
                                                    std::string remote, bool is_tls);
    awaitable<void> run_plain(tcp::socket socket);
    awaitable<void> run_tls(tcp::socket socket);
    awaitable<void> housekeeping();
    awaitable<void> drain();
    void begin_shutdown();

    // Runs the application on the worker pool and resumes the caller on its own executor.
    // (A named operation, not a lambda temporary inside co_await: g++ 12 mishandles those.)
    template <class R, class CompletionToken>
    auto async_run(std::function<R()> work, CompletionToken&& token) {
        return async_run_on(workers, std::move(work), std::forward<CompletionToken>(token));
    }
    // The same on a pool of one's choice.
    template <class R, class CompletionToken>
    auto async_run_on(asio::thread_pool& pool, std::function<R()> work, CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(R)>(
            [&pool](auto handler, std::function<R()> job) {
                auto ex = asio::get_associated_executor(handler);
                asio::post(pool,
                           [job = std::move(job), handler = std::move(handler), ex]() mutable {
                               R result = job();
                               asio::post(ex, [handler = std::move(handler),
                                               result = std::move(result)]() mutable {
                                   std::move(handler)(std::move(result));
                               });
                           });
            },
            token, std::move(work));
    }
};

void http_server::impl::setup_tls() {
    if (options.tls_cert.empty() && options.tls_key.empty()) return;
    if (options.tls_cert.empty() || options.tls_key.empty()) {
        throw std::runtime_error("--tls-cert and --tls-key must be given together");
    }
    tls.emplace(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    tls->use_certificate_chain_file(options.tls_cert, ec);
    if (ec)
        throw std::runtime_error("cannot read TLS certificate " + options.tls_cert + ": " +
                                 ec.message());
    tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec)
        throw std::runtime_error("cannot read TLS key " + options.tls_key + ": " + ec.message());
}

void http_server::impl::bind() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options.host, ec);
    if (ec) throw std::runtime_error("invalid listen address '" + options.host + "'");
    tcp::endpoint endpoint(address, options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + options.host + ":" +
                                 std::to_string(options.port) + ": " + ec.message());
    }
}

awaitable<void> http_server::impl::refuse(tcp::socket socket) {
    static const std::string response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
        "Retry-After: 5\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\nContent-Length: 88\r\n\r\n"
        "{\"error\":{\"code\":\"too_many_connections\",\"message\":\"The server is at its "
        "connection cap\"}}";
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(5));
    co_await asio::async_write(stream, asio::buffer(response), use_tuple);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

awaitable<void> http_server::impl::accept_loop() {
    for (;;) {
        // One I/O thread needs no strand: the connection's handlers cannot run concurrently.
        const auto on = threads == 1 ? asio::any_io_executor(ioc.get_executor())
                                     : asio::any_io_executor(asio::make_strand(ioc));
        auto [ec, socket] = co_await acceptor.async_accept(on, use_tuple);
        if (ec) {
            if (stopping || ec == asio::error::operation_aborted) co_return;
            spdlog::warn("accept failed: {}", ec.message());
            // Out of descriptors and the like: back off instead of spinning.
            asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        if (registry->count.load() >= options.limits.max_connections) {
            stats.connection_refused();
            auto ex = socket.get_executor();
            asio::co_spawn(ex, refuse(std::move(socket)), asio::detached);
            continue;
        }
        beast::error_code nodelay_ec;
        socket.set_option(tcp::no_delay(true), nodelay_ec);  // small live messages go out at once
        auto ex = socket.get_executor();
        if (tls) {
            asio::co_spawn(ex, run_tls(std::move(socket)), asio::detached);
        } else {
            asio::co_spawn(ex, run_plain(std::move(socket)), asio::detached);
        }
    }
}

namespace {

// Keeps the connection count, the metrics gauge and the shutdown registry in step.
struct connection_guard {
    connection_guard(http_server::impl& s, std::shared_ptr<connection_state> st)
        : registry(s.registry), stats(s.stats), state(std::move(st)) {
        ++registry->count;
        stats.connection_opened();
        std::lock_guard lock(registry->mutex);
        registry->states.insert(state);
    }
    ~connection_guard() {
        {
            std::lock_guard lock(registry->mutex);
            registry->states.erase(state);
        }
        state->socket = nullptr;
        stats.connection_closed();
        --registry->count;
    }
    std::shared_ptr<http_server::impl::connection_registry> registry;
    metrics& stats;  // owned by main, outlives the server
    std::shared_ptr<connection_state> state;
};

std::string remote_of(const tcp::socket& s) {
    beast::error_code ec;
    auto ep = s.remote_endpoint(ec);
    return ec ? std::string("unknown") : ep.address().to_string();
}

}  // namespace

awaitable<void> http_server::impl::run_plain(tcp::socket socket) {
    auto state = std::make_shared<connection_state>();
    state->executor = socket.get_executor();
    std::string remote = remote_of(socket);
    beast::tcp_stream stream(std::move(socket));
    state->socket = &stream;
    auto guard = std::make_shared<connection_guard>(*this, state);
    auto upgrade = co_await serve(stream, state, remote, false);
    if (upgrade) {
        // The WebSocket owns the stream (and the accounting) now; this frame ends here.
        state->socket = nullptr;
        start_live_socket(std::move(stream), upgrade->websocket_key, std::move(upgrade->admission),
                          hub, live_sockets, std::move(guard));
        co_return;
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

awaitable<void> http_server::impl::run_tls(tcp::socket socket) {
    auto state = std::make_shared<connection_state>();
    state->executor = socket.get_executor();
    std::string remote = remote_of(socket);
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    state->socket = &beast::get_lowest_layer(stream);
    auto guard = std::make_shared<connection_guard>(*this, state);
    beast::get_lowest_layer(stream).expires_after(options.limits.header_timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (ec) co_return;
    auto upgrade = co_await serve(stream, state, remote, true);
    if (upgrade) {
        state->socket = nullptr;
        start_live_socket(std::move(stream), upgrade->websocket_key, std::move(upgrade->admission),
                          hub, live_sockets, std::move(guard));
        co_return;
    }
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(use_tuple);
}

namespace {

template <class Stream>
awaitable<void> write_error(Stream& stream, int status, const char* code,
                            const std::string& message, bool tls, long hsts_max_age) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::connection, "close");
    for (const auto& [name, value] : default_headers(tls, hsts_max_age)) res.set(name, value);
    res.body() = protocol::error_body(protocol::make_error(code, message));
    res.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await http::async_write(stream, res, use_tuple);
}

http_request to_request(http::request<http::string_body>&& msg, const std::string& remote,
                        bool is_tls) {
    http_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    for (const auto& field : msg) {
        req.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_address = remote;
    req.tls = is_tls;
    req.received_at = std::chrono::steady_clock::now();
    return req;
}

bool transfer_encoding_acceptable(const http::request_parser<http::string_body>::value_type& h) {
    auto it = h.find(http::field::transfer_encoding);
    if (it == h.end()) return true;
    if (h.count(http::field::transfer_encoding) != 1) return false;
    std::string v = lower(it->value());
    v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
    v.erase(std::remove(v.begin(), v.end(), '\t'), v.end());
    return v == "chunked";
}

// Why a parsed head is refused (400), if it is: a transfer coding other than chunked, or a
// breach of RFC 9112's request-line and header rules (http/request_rules).
std::optional<protocol::error> head_problem(
    const http::request_parser<http::string_body>::value_type& head) {
    if (!transfer_encoding_acceptable(head)) {
        return protocol::make_error("unsupported_transfer_encoding",
                                    "Only the chunked transfer coding is accepted");
    }
    request_head rules{head.method_string(), head.target(), head.version(), {}};
    for (const auto& field : head) rules.field_names.push_back(lower(field.name_string()));
    return check_request_head(rules);
}

}  // namespace

template <class Stream>
awaitable<std::optional<http_server::impl::routed_request>> http_server::impl::read_request(
    Stream& stream, beast::flat_buffer& buffer, connection_state& state, bool first) {
    const auto& lim = options.limits;
    auto& lowest = beast::get_lowest_layer(stream);
    if (buffer.size() == 0) {
        // Between requests: wait for the first byte with the idle (keep-alive) timeout.
        if (state.closing) co_return std::nullopt;
        state.idle = true;
        lowest.expires_after(first ? lim.header_timeout : lim.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
        state.idle = false;
        if (ec) co_return std::nullopt;
        buffer.commit(n);
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(lim.header_limit));
    // The route's own limit applies once the head is read (below): until then no limit, or a
    // Content-Length above the default would fail the head before the route could answer 413.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    lowest.expires_after(lim.header_timeout);
    // Usually the whole head is in the buffer already: parse it there, without an operation.
    beast::error_code hec;
    buffer.consume(parser.put(buffer.data(), hec));
    if (hec == http::error::need_more) hec = {};
    if (!hec && !parser.is_header_done())
        std::tie(hec, std::ignore) =
            co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (hec == http::error::header_limit) {
        const std::string message("Request headers exceed " + std::to_string(lim.header_limit) +
                                  " bytes");
        co_await write_error(stream, 431, "header_too_large", message, is_tls_stream<Stream>,
                             options.hsts_max_age);
        co_return std::nullopt;
    }
    if (hec && (is_expected_network_error(hec) || hec == http::error::partial_message))
        co_return std::nullopt;
    if (hec) {
        const std::string message("The request is not valid HTTP/1.1");
        co_await write_error(stream, 400, "bad_request", message, is_tls_stream<Stream>,
                             options.hsts_max_age);
        co_return std::nullopt;
    }
    auto& head = parser.get();
    if (auto problem = head_problem(head)) {
        co_await write_error(stream, 400, problem->code.c_str(), problem->message,
                             is_tls_stream<Stream>, options.hsts_max_age);
        co_return std::nullopt;
    }
    if (head.target() != "*") head.target(*origin_form(head.target()));
    const std::string path(head.target().substr(0, head.target().find('?')));
    const auto route = app.route_of(std::string(head.method_string()), path);
    const std::size_t limit = route.body_limit;
    const auto too_large = "The body exceeds " + std::to_string(limit) + " bytes";
    if (auto len = parser.content_length(); len && *len > limit) {
        co_await write_error(stream, 413, route.too_large_code, too_large, is_tls_stream<Stream>,
                             options.hsts_max_age);
        co_return std::nullopt;
    }
    if (parser.is_done()) co_return routed_request{parser.release(), route};  // no body
    parser.body_limit(limit);
    lowest.expires_after(route.body_timeout_s > 0 ? std::chrono::seconds(route.body_timeout_s)
                                                  : lim.body_timeout);
    auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (bec == http::error::body_limit) {
        co_await write_error(stream, 413, route.too_large_code, too_large, is_tls_stream<Stream>,
                             options.hsts_max_age);
        co_return std::nullopt;
    }
    if (bec && (is_expected_network_error(bec) || bec == http::error::partial_message))
        co_return std::nullopt;
    if (bec) {
        const std::string message("The request body is malformed");
        co_await write_error(stream, 400, "bad_request", message, is_tls_stream<Stream>,
                             options.hsts_max_age);
        co_return std::nullopt;
    }
    co_return routed_request{parser.release(), route};
}

awaitable<std::variant<http_response, http_server::impl::pending_upgrade>>
http_server::impl::answer(routed_request in, std::string remote, bool is_tls) {
    auto& message = in.message;
    const std::string path(message.target().substr(0, message.target().find('?')));
    const bool wants_live = beast::websocket::is_upgrade(message) && live_session_id(path);
    std::string websocket_key;
    std::optional<ws_handshake_problem> problem;
    if (wants_live) {
        websocket_key = std::string(message[http::field::sec_websocket_key]);
        problem = check_ws_handshake(message[http::field::sec_websocket_version], websocket_key);
    }
    auto req = std::make_shared<http_request>(to_request(std::move(message), remote, is_tls));
    if (!problem && (!wants_live || stopping))
        co_return co_await handle_in_lane(req, in.route.lane);
    http_response res;
    if (problem) {
        res = error_response(problem->status, problem->code, problem->message);
        if (problem->status == 426) res.set_header("Sec-WebSocket-Version", "13");
    } else {
        std::function<std::variant<live_admission, http_response>()> admit = [this, req] {
            return app.admit_live(*req);
        };
        auto admitting = async_run(std::move(admit), asio::use_awaitable);
        auto decision = co_await std::move(admitting);
        if (auto* admitted = std::get_if<live_admission>(&decision)) {
            stats.record_request(live_route, 101, 0);
            spdlog::info("upgrade method=GET path=\"{}\" status=101 remote={}", req->path, remote);
            co_return pending_upgrade{std::move(websocket_key), std::move(*admitted)};
        }
        res = std::move(std::get<http_response>(decision));
    }
    res.route_label = live_route;
    res.close = true;
    co_return res;
}

awaitable<http_response> http_server::impl::handle_in_lane(std::shared_ptr<http_request> req,
                                                           lane where) {
    if (options.single_pool) where = lane::worker;
    if (where == lane::io) co_return app.handle(*req);  // cheap: never leaves this thread
    if (where == lane::io_if_signed_in_cached) {
        if (auto res = app.handle_if_cached(*req)) co_return std::move(*res);
    }
    std::function<http_response()> handle = [this, req] { return app.handle(*req); };
    if (where == lane::reports) {
        auto handling = async_run_on(reports, std::move(handle), asio::use_awaitable);
        co_return co_await std::move(handling);
    }
    if (where != lane::hashing) {
        auto handling = async_run(std::move(handle), asio::use_awaitable);
        co_return co_await std::move(handling);
    }
    // Hashing: bounded, so a login storm is told to come back instead of queueing without end.
    if (hashing_pending.fetch_add(1) >= options.hash_queue) {
        hashing_pending.fetch_sub(1);
        stats.record_hashing_refused();
        auto res = error_response(503, "busy", "Too many sign-ins at once; try again shortly");
        res.set_header("Retry-After", "2");
        co_return res;
    }
    auto handling = async_run_on(hashing, std::move(handle), asio::use_awaitable);
    auto res = co_await std::move(handling);
    hashing_pending.fetch_sub(1);
    co_return res;
}

template <class Stream>
awaitable<std::pair<beast::error_code, std::size_t>> http_server::impl::write_response(
    Stream& stream, http_response& res, bool keep, bool is_head) {
    const auto& lim = options.limits;
    auto& lowest = beast::get_lowest_layer(stream);
    add_default_headers(res, is_tls_stream<Stream>, options.hsts_max_age);
    std::size_t bytes = res.body.size();
    beast::error_code wec;
    if (!res.stream) {
        const auto head = response_head(res, bytes, keep);
        const std::array<asio::const_buffer, 2> pieces{
            asio::buffer(head), is_head ? asio::const_buffer() : asio::buffer(res.body)};
        lowest.expires_after(lim.write_timeout);
        std::tie(wec, std::ignore) = co_await asio::async_write(stream, pieces, use_tuple);
        co_return std::pair{wec, bytes};
    }
    // Streamed: each piece is produced on the worker pool and written as it comes, as a chunk,
    // or as it is when the length is known.
    const bool chunked = !res.stream_length;
    http::response<http::empty_body> out{static_cast<http::status>(res.status), 11};
    out.set(http::field::server, "daring");
    for (auto& [name, value] : res.headers) out.insert(name, value);
    out.keep_alive(keep);
    if (chunked)
        out.chunked(!is_head);  // HEAD: the header alone, without a length
    else
        out.content_length(*res.stream_length);
    http::response_serializer<http::empty_body> sr{out};
    lowest.expires_after(lim.write_timeout);
    std::tie(wec, std::ignore) = co_await http::async_write_header(stream, sr, use_tuple);
    auto source = res.stream;
    bytes = 0;
    while (!wec && !is_head) {
        std::function<std::optional<std::string>()> produce = [source] { return source->next(); };
        std::optional<std::string> piece;
        try {
            piece = co_await async_run(std::move(produce), asio::use_awaitable);
        } catch (const std::exception& e) {
            // Headers are out: the only honest answer left is to close the connection.
            spdlog::warn("response body failed after {} bytes: {}", bytes, e.what());
            wec = asio::error::broken_pipe;
            break;
        }
        lowest.expires_after(lim.write_timeout);
        if (!piece) {
            if (chunked)
                std::tie(wec, std::ignore) =
                    co_await asio::async_write(stream, http::make_chunk_last(), use_tuple);
            else if (bytes != *res.stream_length)
                wec = asio::error::broken_pipe;  // short: the client must not reuse the stream
            break;
        }
        if (piece->empty()) continue;
        bytes += piece->size();
        if (chunked)
            std::tie(wec, std::ignore) = co_await asio::async_write(
                stream, http::make_chunk(asio::buffer(*piece)), use_tuple);
        else
            std::tie(wec, std::ignore) =
                co_await asio::async_write(stream, asio::buffer(*piece), use_tuple);
    }
    co_return std::pair{wec, bytes};
}

template <class Stream>
awaitable<std::optional<http_server::impl::pending_upgrade>> http_server::impl::serve(
    Stream& stream, std::shared_ptr<connection_state> state, std::string remote, bool is_tls) {
    beast::flat_buffer buffer;
    for (bool first = true;; first = false) {
        auto in = co_await read_request(stream, buffer, *state, first);
        if (!in) co_return std::nullopt;
        const auto started = std::chrono::steady_clock::now();
        const auto& message = in->message;
        const bool keep_alive = message.keep_alive();
        const bool is_head = message.method() == http::verb::head;
        const std::string method(message.method_string());
        const std::string path(message.target().substr(0, message.target().find('?')));
        auto answered = co_await answer(std::move(*in), remote, is_tls);
        if (auto* upgrade = std::get_if<pending_upgrade>(&answered)) co_return std::move(*upgrade);
        auto& res = std::get<http_response>(answered);
        const bool keep = keep_alive && !res.close && !state->closing && !stopping;
        auto [wec, bytes] = co_await write_response(stream, res, keep, is_head);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        stats.record_request(res.route_label.empty() ? "unmatched" : res.route_label, res.status,
                             seconds);
        spdlog::info(
            "request method={} path=\"{}\" status={} bytes={} duration_ms={:.3f} remote={}", method,
            loggable_path(path), res.status, bytes, seconds * 1000.0, remote);
        if (wec || !keep) co_return std::nullopt;
    }
}

// Once at start (on a worker: the first scheduled backup may take a while), then every minute.
awaitable<void> http_server::impl::housekeeping() {
    for (;;) {
        asio::post(workers, [this] { app.housekeeping(); });
        housekeeping_timer.expires_after(std::chrono::minutes(1));
        auto [ec] = co_await housekeeping_timer.async_wait(use_tuple);
        if (ec || stopping) co_return;
    }
}

void http_server::impl::begin_shutdown() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections, finishing in-flight requests");
    beast::error_code ec;
    acceptor.close(ec);
    housekeeping_timer.cancel();
    hub.shutdown();  // live sockets close with 1001
    std::lock_guard lock(registry->mutex);
    for (const auto& state : registry->states) {
        asio::post(state->executor, [state] {
            state->closing = true;
            if (state->idle && state->socket) state->socket->cancel();
        });
    }
}

awaitable<void> http_server::impl::drain() {
    const auto deadline = std::chrono::steady_clock::now() + options.limits.shutdown_grace;
    asio::steady_timer tick(ioc);
    while (registry->count.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(20));
        co_await tick.async_wait(use_tuple);
        // Connections that went idle after the first pass are closed now.
        std::lock_guard lock(registry->mutex);
        for (const auto& state : registry->states) {
            asio::post(state->executor, [state] {
                if (state->idle && state->socket) state->socket->cancel();
            });
        }
    }
    if (registry->count.load() > 0) {
        spdlog::warn("{} connections still open after the grace period; stopping anyway",
                     registry->count.load());
    }
    ioc.stop();
}

http_server::http_server(application& a, metrics& m, const clock& clk, server_options options)
    : impl_(std::make_unique<impl>(a, m, clk, std::move(options))) {}

http_server::~http_server() = default;

void http_server::run() {
    auto& s = *impl_;
    s.setup_tls();
    s.bind();
    auto ep = s.acceptor.local_endpoint();
    std::string host = ep.address().to_string();
    if (ep.address().is_v6()) host = "[" + host + "]";
    std::printf("listening on %s://%s:%u\n", s.tls ? "https" : "http", host.c_str(),
                static_cast<unsigned>(ep.port()));
    std::fflush(stdout);

    s.signals.async_wait([&s](const beast::error_code& ec, int) {
        if (ec) return;
        s.begin_shutdown();
        asio::co_spawn(s.ioc, s.drain(), asio::detached);
    });
    asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
    asio::co_spawn(s.ioc, s.housekeeping(), asio::detached);
    s.hub.start();
    s.live_sockets.start();

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < s.threads; ++i) pool.emplace_back([&s] { s.ioc.run(); });
    s.ioc.run();
    for (auto& t : pool) t.join();
    s.workers.join();
    s.hashing.join();
    s.reports.join();
}

}  // namespace daring::server
