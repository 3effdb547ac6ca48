// The baseline for the live fan-out benchmark: a naive Boost.Beast WebSocket server, one
// thread, that serialises every broadcast once per recipient and writes one message per
// async_write. It speaks just enough of the live protocol for bench/live_load: a `welcome` on
// connect, and every message from the connection opened with ?role=trainer is answered by a
// `slide` broadcast to all; a binary message from it (an audio packet) is sent to every other
// connection as a 14-byte-header record, built afresh for each. A plain HTTP request (no upgrade)
// gets a small JSON answer on a keep-alive connection: the request-path baseline of
// bench/request_path. Not part of the product.
//
//   naive_fanout_server PORT
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdio>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

struct room;

struct session : std::enable_shared_from_this<session> {
    session(tcp::socket s, room& r) : ws(std::move(s)), home(r) {}
    void start();
    void on_accept(beast::error_code ec);
    void answer_http();
    void read();
    void send(std::string msg, bool binary = false) {
        queue.push_back({std::move(msg), binary});
        if (queue.size() == 1) write();
    }
    void write() {
        ws.binary(queue.front().second);
        ws.async_write(asio::buffer(queue.front().first),
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                           if (ec) return;
                           self->queue.pop_front();
                           if (!self->queue.empty()) self->write();
                       });
    }
    websocket::stream<beast::tcp_stream> ws;
    room& home;
    beast::flat_buffer buffer;
    beast::http::request<beast::http::string_body> req;
    std::deque<std::pair<std::string, bool>> queue;  // message, binary
    bool trainer = false;
};

struct room {
    std::set<std::shared_ptr<session>> members;
    std::uint64_t seq = 0;
    std::uint32_t audio_seq = 0;
    void broadcast(int index) {
        ++seq;
        for (const auto& m : members) {
            // Naive: a fresh serialisation and a private copy for every recipient.
            nlohmann::json j = {{"type", "slide"},
                                {"seq", seq},
                                {"index", index},
                                {"count", 20},
                                {"title", "Slide " + std::to_string(index)},
                                {"body", "Isi materi pelatihan"}};
            m->send(j.dump());
        }
    }
    // Naive: a fresh record (header and a copy of the packet) for every listener.
    void broadcast_audio(const session* speaker, const std::string& message) {
        if (message.size() < 4) return;
        ++audio_seq;
        for (const auto& m : members) {
            if (m.get() == speaker) continue;
            const std::string packet = message.substr(4);
            std::string record{static_cast<char>(1), static_cast<char>(0),
                               static_cast<char>(packet.size() >> 8),
                               static_cast<char>(packet.size() & 0xff)};
            for (int shift = 24; shift >= 0; shift -= 8)
                record.push_back(static_cast<char>((audio_seq >> shift) & 0xff));
            record.append(4, '\0');        // ms since the start: not kept here
            record.append(message, 2, 2);  // duration
            record += packet;
            m->send(std::move(record), true);
        }
    }
};

void session::start() {
    auto self = shared_from_this();
    beast::http::async_read(
        ws.next_layer(), buffer, req, [self](beast::error_code ec, std::size_t) {
            if (ec) return;
            if (!websocket::is_upgrade(self->req)) return self->answer_http();
            self->trainer = self->req.target().find("role=trainer") != std::string::npos;
            self->ws.async_accept(self->req, [self](beast::error_code e) { self->on_accept(e); });
        });
}

// The plainest Beast HTTP/1.1 loop: answer, then read the next request on the same connection.
void session::answer_http() {
    auto res = std::make_shared<beast::http::response<beast::http::string_body>>(
        beast::http::status::ok, req.version());
    res->set(beast::http::field::content_type, "application/json");
    res->keep_alive(req.keep_alive());
    res->body() = nlohmann::json{{"status", "ok"}}.dump();
    res->prepare_payload();
    auto self = shared_from_this();
    beast::http::async_write(ws.next_layer(), *res, [self, res](beast::error_code ec, std::size_t) {
        if (ec || !res->keep_alive()) return;
        self->req = {};
        beast::http::async_read(self->ws.next_layer(), self->buffer, self->req,
                                [self](beast::error_code e, std::size_t) {
                                    if (!e) self->answer_http();
                                });
    });
}

void session::on_accept(beast::error_code ec) {
    if (ec) return;
    home.members.insert(shared_from_this());
    send(R"({"type":"welcome"})");
    read();
}

void session::read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) {
            self->home.members.erase(self);
            return;
        }
        if (self->trainer && self->ws.got_binary()) {
            self->home.broadcast_audio(self.get(), beast::buffers_to_string(self->buffer.data()));
        } else if (self->trainer) {
            auto j = nlohmann::json::parse(beast::buffers_to_string(self->buffer.data()), nullptr,
                                           false);
            self->home.broadcast(j.is_object() ? j.value("index", 0) : 0);
        }
        self->buffer.consume(self->buffer.size());
        self->read();
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: naive_fanout_server PORT\n");
        return 2;
    }
    asio::io_context ioc(1);
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(std::stoi(argv[1]))});
    acceptor.listen(asio::socket_base::max_listen_connections);
    std::printf("listening on http://127.0.0.1:%u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    room r;
    std::function<void()> accept = [&] {
        acceptor.async_accept([&](beast::error_code ec, tcp::socket s) {
            if (!ec) std::make_shared<session>(std::move(s), r)->start();
            accept();
        });
    };
    accept();
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
    ioc.run();
    return 0;
}
