// Load generator for live fan-out. Starts the real `daring` server (one I/O thread) and the
// naive baseline server, opens N trainee WebSockets with epoll from this one process, has a
// trainer push slides, and reports time-to-last-trainee p50/p99, deliveries per second, server
// CPU microseconds per delivery and server memory per idle connection. It stops by itself and
// targets loopback only.
//
//   live_load [--trainees N]... [--rate R] [--slides M] [--burst K] [--skip-naive]
//   live_load --presence [--trainees N] [--accounts A] [--heartbeat-every S] [--seconds D]
//     heartbeat ingest: N sockets over A trainee accounts, a heartbeat per socket every S s.
//   live_load --quiz [--trainees N] [--sequential K]
//   live_load --isolation [--trainees N]   (300 sign-ins storming beside 300 trainees)
//   live_load --audio [--trainees N] [--threads T] [--packets P] [--skip-naive]
//   live_load --recording-cost [--trainees N] [--packets P] [--rounds R]
//   live_load --replay-downloads [--trainees N] [--downloads D] [--minutes M]
//   live_load --reactions [--trainees N] [--seconds S]   (default 10,000 trainees, 30 s)
//   live_load --cluster [--trainees N] [--rate R] [--kills K] [--storm-seconds S] [--storm-only]
//     (default 10,000, 5/s, 5 kills, 60 s) two nodes through NATS on one PostgreSQL: fan-out on
//     one node vs two (CPU per relayed delivery), a join storm on one node vs both (arrivals over
//     S seconds, then all at once: welcome latency per socket), and K kills of a room's owner.
//     the trainer speaks to N listeners (25 packets/s of 80 bytes); with one I/O thread also
//     through the naive server, comparing CPU per delivery at one packet in flight.
//     live quiz answers: N trainees (one account each) answer within one second, then all at
//     once; baseline: K answers sent one at a time by one trainee (each waits for its ack).
// Without --trainees it runs the targets: 1,000 trainees at 20 slides/s and 10,000 at 5/s, then
// the burst comparison against the naive server at the first size.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::test;
using clock_type = std::chrono::steady_clock;
using nlohmann::json;

namespace {

double now_ms() {
    return std::chrono::duration<double, std::milli>(clock_type::now().time_since_epoch()).count();
}

// A process's CPU time in clock ticks: in its own code (user) and in the kernel on its behalf.
struct cpu_split {
    long user = 0, kernel = 0;
};

cpu_split cpu_times(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(in, line);
    auto close = line.rfind(')');
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    cpu_split out;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) out.user = std::stol(field);
        if (i == 15) out.kernel = std::stol(field);
    }
    return out;
}

long cpu_ticks(pid_t pid) {
    const auto t = cpu_times(pid);
    return t.user + t.kernel;
}

long rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

std::string masked_frame(const std::string& payload, unsigned char opcode) {
    std::string f;
    f.push_back(static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
        f.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(payload.size() >> 8));
        f.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    const char mask[4] = {1, 2, 3, 4};
    f.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return f;
}

std::string masked_text_frame(const std::string& payload) {
    return masked_frame(payload, 0x1);
}

// The speaker's audio message: [1][0][u16 40 ms][an 80-byte stand-in for an Opus packet].
std::string speaker_audio_frame(int k) {
    std::string m{"\x01\x00\x00\x28", 4};
    std::string packet = "audio" + std::to_string(k);
    packet.resize(80, 'o');
    return masked_frame(m + packet, 0x2);
}

struct connection {
    int fd = -1;
    bool open = false;
    bool welcomed = false;
    bool closed = false;
    std::string in;
    std::size_t slides = 0;
    std::size_t quiz_opened = 0;
    std::size_t acks = 0;
    double last_ack_ms = 0;
    std::size_t reactions = 0;  // `reactions` messages received
    std::int64_t reaction_second = -1;
    std::size_t reactions_in_second = 0, max_reactions_per_second = 0;
    std::size_t audio = 0;       // audio records received
    std::size_t audio_gaps = 0;  // records missing in audio_seq (dropped for this socket)
    std::int64_t last_audio_seq = -1;
    double started_ms = 0;  // when the client meant to open it (a paced storm: its slot)
    double welcome_ms = 0;  // when its welcome arrived
};

// `reactions` messages in a payload, and the most a connection got within one wall-clock second.
void count_reactions(connection& c, std::string_view payload) {
    std::size_t at = 0, found = 0;
    while ((at = payload.find("\"type\":\"reactions\"", at)) != std::string_view::npos) {
        ++found;
        at += 18;
    }
    if (!found) return;
    const auto second = static_cast<std::int64_t>(now_ms() / 1000);
    if (second != c.reaction_second) {
        c.reaction_second = second;
        c.reactions_in_second = 0;
    }
    c.reactions += found;
    c.reactions_in_second += found;
    c.max_reactions_per_second = std::max(c.max_reactions_per_second, c.reactions_in_second);
}

// Every client socket on one epoll set, in this thread.
class swarm {
  public:
    swarm(std::uint16_t port, std::string target, std::string auth_header)
        : port_(port), target_(std::move(target)), auths_{std::move(auth_header)} {
        ep_ = epoll_create1(0);
    }
    // Connection i authenticates with auth_headers[i % size].
    swarm(std::uint16_t port, std::string target, std::vector<std::string> auth_headers)
        : port_(port), target_(std::move(target)), auths_(std::move(auth_headers)) {
        ep_ = epoll_create1(0);
    }
    ~swarm() {
        for (auto& c : conns_)
            if (c.fd >= 0) ::close(c.fd);
        ::close(ep_);
    }

    // Opens `n` sockets (at most `parallel` handshakes at a time); returns when all are welcomed.
    bool open(std::size_t n, std::size_t parallel = 256) {
        conns_.reserve(conns_.size() + n);
        std::size_t started = 0;
        const auto deadline = clock_type::now() + std::chrono::seconds(120);
        while (clock_type::now() < deadline) {
            while (started < n && pending_ < parallel) {
                start_one();
                ++started;
            }
            poll(50);
            if (started == n && pending_ == 0) return failed_ == 0;
        }
        return false;
    }

    // Opens `n` sockets at an even pace over `seconds` (socket i is due at i * seconds / n),
    // at most `parallel` handshakes at a time (a socket that waits for a slot counts its wait);
    // returns when all are welcomed.
    bool open_over(std::size_t n, double seconds, std::size_t parallel = 256) {
        conns_.reserve(conns_.size() + n);
        std::size_t started = 0;
        const double t0 = now_ms();
        const auto deadline = clock_type::now() + std::chrono::seconds(120) +
                              std::chrono::milliseconds(static_cast<long>(seconds * 1000));
        while (clock_type::now() < deadline) {
            const double now = now_ms();
            while (started < n && pending_ < parallel) {
                const double due =
                    t0 + seconds * 1000.0 * static_cast<double>(started) / static_cast<double>(n);
                if (due > now) break;
                start_one(due);
                ++started;
            }
            poll(started < n ? 5 : 50);
            if (started == n && pending_ == 0) return failed_ == 0;
        }
        return false;
    }

    // Each welcomed socket's time from its start (or its due time) to its welcome, in ms.
    std::vector<double> welcome_latencies() const {
        std::vector<double> out;
        for (const auto& c : conns_)
            if (c.welcomed) out.push_back(c.welcome_ms - c.started_ms);
        return out;
    }

    void send_all(std::size_t index, const std::string& frame) {
        auto& c = conns_[index];
        ::send(c.fd, frame.data(), frame.size(), MSG_NOSIGNAL);
    }

    // Processes events for up to `ms`; returns how many slide messages arrived.
    std::size_t poll(int ms) {
        epoll_event events[512];
        int n = epoll_wait(ep_, events, 512, ms);
        std::size_t before = total_slides_;
        for (int i = 0; i < n; ++i) on_readable(events[i].data.u32);
        return total_slides_ - before;
    }

    std::size_t size() const { return conns_.size(); }
    // Sockets opened from now on go to `port` (another node of the same deployment).
    void retarget(std::uint16_t port) { port_ = port; }
    // Sockets opened from now on alternate between these ports (several nodes at once).
    void spread(std::vector<std::uint16_t> ports) { spread_ = std::move(ports); }
    const connection& at(std::size_t i) const { return conns_[i]; }
    std::size_t total_slides() const { return total_slides_; }
    std::size_t failed() const { return failed_; }
    std::size_t frames() const { return frames_; }
    std::size_t total_acks() const { return total_acks_; }
    double last_slide_ms = 0;

  private:
    void start_one(double due_ms = 0) {
        if (!spread_.empty()) port_ = spread_[conns_.size() % spread_.size()];
        connection c;
        c.started_ms = due_ms > 0 ? due_ms : now_ms();
        c.fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port_);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ++failed_;
            ::close(c.fd);
            return;
        }
        std::string req =
            "GET " + target_ + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            auths_[conns_.size() % auths_.size()] + "\r\n";
        ::send(c.fd, req.data(), req.size(), MSG_NOSIGNAL);
        ::fcntl(c.fd, F_SETFL, O_NONBLOCK);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = static_cast<std::uint32_t>(conns_.size());
        epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
        conns_.push_back(std::move(c));
        ++pending_;
    }

    void on_readable(std::uint32_t index) {
        auto& c = conns_[index];
        char buf[65536];
        for (;;) {
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) {
                c.in.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                if (!c.closed) {
                    c.closed = true;
                    if (!c.welcomed) {
                        ++failed_;
                        --pending_;
                    }
                    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
                }
            }
            break;
        }
        if (!c.open) {
            auto end = c.in.find("\r\n\r\n");
            if (end == std::string::npos) return;
            if (c.in.compare(9, 3, "101") != 0) {
                std::fprintf(stderr, "upgrade refused: %s\n",
                             c.in.substr(0, c.in.find("\r\n")).c_str());
                ++failed_;
                --pending_;
                c.closed = true;
                return;
            }
            c.open = true;
            c.in.erase(0, end + 4);
        }
        // Frames: count slide messages (a batch frame may hold several).
        std::size_t pos = 0;
        while (c.in.size() - pos >= 2) {
            auto b1 = static_cast<unsigned char>(c.in[pos + 1]);
            std::size_t len = b1 & 0x7F, header = 2;
            if (len == 126) {
                if (c.in.size() - pos < 4) break;
                len = (static_cast<unsigned char>(c.in[pos + 2]) << 8) |
                      static_cast<unsigned char>(c.in[pos + 3]);
                header = 4;
            } else if (len == 127) {
                if (c.in.size() - pos < 10) break;
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | static_cast<unsigned char>(c.in[pos + 2 + i]);
                header = 10;
            }
            if (c.in.size() - pos < header + len) break;
            std::string_view payload(c.in.data() + pos + header, len);
            ++frames_;
            if ((static_cast<unsigned char>(c.in[pos]) & 0x0F) == 0x2) {
                count_audio(c, payload);
                pos += header + len;
                continue;
            }
            if (!c.welcomed && payload.find("\"welcome\"") != std::string_view::npos) {
                c.welcomed = true;
                c.welcome_ms = now_ms();
                --pending_;
            }
            std::size_t at = 0, found = 0;
            while ((at = payload.find("\"type\":\"slide\"", at)) != std::string_view::npos) {
                ++found;
                at += 14;
            }
            if (found) {
                c.slides += found;
                total_slides_ += found;
                last_slide_ms = now_ms();
            }
            if (payload.find("\"type\":\"quiz_opened\"") != std::string_view::npos) ++c.quiz_opened;
            count_reactions(c, payload);
            at = 0;
            while ((at = payload.find("\"type\":\"ack\"", at)) != std::string_view::npos) {
                ++c.acks;
                ++total_acks_;
                c.last_ack_ms = now_ms();
                at += 12;
            }
            pos += header + len;
        }
        c.in.erase(0, pos);
    }

    // Audio records: [1][flags][u16 len][u32 seq][u32 at_ms][u16 duration][packet].
    void count_audio(connection& c, std::string_view payload) {
        while (payload.size() >= 14) {
            const std::size_t len = (static_cast<unsigned char>(payload[2]) << 8) |
                                    static_cast<unsigned char>(payload[3]);
            std::uint32_t seq = 0;
            for (int i = 4; i < 8; ++i) seq = (seq << 8) | static_cast<unsigned char>(payload[i]);
            const bool discontinuity = payload[1] & 1;
            if (c.last_audio_seq >= 0 && !discontinuity && seq > c.last_audio_seq + 1)
                c.audio_gaps += seq - c.last_audio_seq - 1;
            c.last_audio_seq = seq;
            ++c.audio;
            ++total_audio_;
            payload.remove_prefix(std::min(payload.size(), 14 + len));
        }
    }

  public:
    std::size_t total_audio() const { return total_audio_; }

  private:
    std::size_t total_audio_ = 0;
    std::uint16_t port_;
    std::vector<std::uint16_t> spread_;
    std::string target_;
    std::vector<std::string> auths_;
    int ep_;
    std::vector<connection> conns_;
    std::size_t pending_ = 0;
    std::size_t failed_ = 0;
    std::size_t total_slides_ = 0;
    std::size_t frames_ = 0;
    std::size_t total_acks_ = 0;
};

struct fanout_result {
    double p50_ms = 0, p99_ms = 0, deliveries_per_s = 0, cpu_us_per_delivery = 0;
    double kernel_us_per_delivery = 0;  // the part of cpu_us_per_delivery spent in the kernel
    std::size_t delivered = 0, expected = 0, frames = 0;
};

// What a fan-out run sends and counts: the trainer's k-th message, and how many of them a
// trainee connection has received.
struct fanout_traffic {
    std::function<std::string(int)> frame;
    std::function<std::size_t(const connection&)> received;
};

const fanout_traffic slide_traffic{
    [](int k) {
        return masked_text_frame(R"({"type":"show_slide","index":)" + std::to_string(k % 20) + "}");
    },
    [](const connection& c) { return c.slides; }};

const fanout_traffic audio_traffic{speaker_audio_frame,
                                   [](const connection& c) { return c.audio; }};

// The trainer (connection 0 of `trainer`) sends `count` messages: at `rate` per second, or in
// bursts of `burst` sent back to back (waiting for each burst to land). Latency: from a
// message's send to its arrival at the last trainee.
fanout_result push_messages(swarm& trainees, swarm& trainer, pid_t server, int count, double rate,
                            int burst, const fanout_traffic& traffic,
                            const std::function<void(double)>& beside = {}) {
    fanout_result r;
    const std::size_t n = trainees.size();
    std::vector<double> sent(count), last(count, 0);
    const std::size_t frames_before = trainees.frames();
    const cpu_split cpu_before = cpu_times(server);
    const double start = now_ms();
    int next = 0;
    // The k-th message delivered to every trainee: count per trainee how many it has seen.
    std::vector<std::size_t> seen_before(n);
    for (std::size_t i = 0; i < n; ++i) seen_before[i] = traffic.received(trainees.at(i));
    std::vector<std::size_t> count_at(count + 1, 0);  // trainees that have seen >= k messages
    const double deadline = start + 60000 + count * 1000.0 / std::max(rate, 1.0);
    std::vector<std::size_t> progress(n, 0);
    while (now_ms() < deadline) {
        const double t = now_ms();
        if (next < count) {
            // Bursts: the first message of a burst waits until the previous burst reached all.
            const bool due = burst > 0 ? (next % burst != 0 || next == 0 || count_at[next] == n)
                                       : t >= start + next * 1000.0 / rate;
            if (due) {
                sent[next] = now_ms();
                trainer.send_all(0, traffic.frame(next));
                ++next;
                if (burst > 0 && next % burst != 0) continue;
            }
        }
        if (beside) beside(now_ms() - start);
        trainees.poll(1);
        trainer.poll(0);
        const double at = now_ms();
        for (std::size_t i = 0; i < n; ++i) {
            auto got = traffic.received(trainees.at(i)) - seen_before[i];
            while (progress[i] < got && progress[i] < static_cast<std::size_t>(count)) {
                ++progress[i];
                if (++count_at[progress[i]] == n) last[progress[i] - 1] = at;
            }
        }
        if (next == count && count_at[count] == n) break;
    }
    const double end = now_ms();
    const cpu_split cpu_after = cpu_times(server);
    std::vector<double> latencies;
    for (int k = 0; k < count; ++k)
        if (last[k] > 0) latencies.push_back(last[k] - sent[k]);
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
        r.p50_ms = latencies[latencies.size() / 2];
        r.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
    }
    for (std::size_t i = 0; i < n; ++i)
        r.delivered += traffic.received(trainees.at(i)) - seen_before[i];
    r.frames = trainees.frames() - frames_before;
    r.expected = n * static_cast<std::size_t>(count);
    r.deliveries_per_s = r.delivered / ((end - start) / 1000.0);
    const double us_per_tick = 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
    const double kernel_us = (cpu_after.kernel - cpu_before.kernel) * us_per_tick;
    const double cpu_us = (cpu_after.user - cpu_before.user) * us_per_tick + kernel_us;
    r.cpu_us_per_delivery = r.delivered ? cpu_us / r.delivered : 0;
    r.kernel_us_per_delivery = r.delivered ? kernel_us / r.delivered : 0;
    return r;
}

fanout_result push_slides(swarm& trainees, swarm& trainer, pid_t server, int slides, double rate,
                          int burst) {
    return push_messages(trainees, trainer, server, slides, rate, burst, slide_traffic);
}

struct daring_setup {
    std::string trainee_token, trainer_token;
    std::int64_t session = 0;
    std::int64_t training = 0;
};

// The 20 slides of every session the benches make (slide_traffic shows index k % 20).
json bench_slides() {
    json slides = json::array();
    for (int i = 0; i < 20; ++i)
        slides.push_back(
            {{"title", "Slide " + std::to_string(i)}, {"body", "Isi materi pelatihan"}});
    return slides;
}

// A server as production runs it: passwords at the normal argon2id cost (the test suite's
// servers hash at the least cost, server_launch::cheap_passwords).
server_launch at_production_cost(server_launch launch) {
    launch.cheap_passwords = false;
    return launch;
}

daring_setup prepare_daring(std::uint16_t port) {
    http_client c(port);
    api_client admin(c, login_token(c, "admin", server_process::admin_password));
    const auto funding = add_region_and_funding(admin);
    const auto training = std::to_string(add_training(admin, "Beban", funding));
    admin.post_csv(
        "/api/v1/users/import?must_change_password=false",
        "username,password,full_name,role\nbeban.pelatih,password-beban,Pelatih,trainer\n"
        "beban.peserta,password-beban,Peserta,trainee\n");
    auto users = admin.get("/api/v1/users?q=beban").json();
    for (const auto& u : users) {
        if (u["role"] == "trainer")
            admin.post("/api/v1/trainings/" + training + "/trainers", {{"user_id", u["id"]}});
        else
            admin.post("/api/v1/trainings/" + training + "/enrollments", {{"user_ids", {u["id"]}}});
    }
    auto s = admin.post("/api/v1/trainings/" + training + "/sessions",
                        {{"title", "Beban"},
                         {"starts_at", wib_time_from_today(1, 9)},
                         {"ends_at", wib_time_from_today(1, 11)},
                         {"slides", bench_slides()}});
    daring_setup out;
    out.session = s.json()["id"];
    out.training = std::stoll(training);
    out.trainer_token = login_token(c, "beban.pelatih", "password-beban");
    out.trainee_token = login_token(c, "beban.peserta", "password-beban");
    api_client trainer(c, out.trainer_token);
    trainer.post("/api/v1/sessions/" + std::to_string(out.session) + "/start", json::object());
    return out;
}

void print(const char* label, const fanout_result& r) {
    std::printf(
        "  %-44s p50 %7.2f ms  p99 %7.2f ms  %10.0f deliveries/s  %6.2f us CPU/delivery  %.2f "
        "messages/frame  (%zu/%zu delivered)\n",
        label, r.p50_ms, r.p99_ms, r.deliveries_per_s, r.cpu_us_per_delivery,
        r.frames ? static_cast<double>(r.delivered) / r.frames : 0.0, r.delivered, r.expected);
    std::fflush(stdout);
}

// Prometheus text from GET /metrics: "name{labels}" -> value.
std::map<std::string, double> scrape(std::uint16_t port) {
    http_client c(port);
    std::map<std::string, double> out;
    std::istringstream in(c.request("GET", "/metrics", {}).body);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto space = line.rfind(' ');
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

// Presence ingest: `tokens.size()` trainee accounts share `n` sockets round-robin; every socket
// sends a heartbeat (with an id, so it is acked) every `every_s` seconds for `seconds`.
void run_presence(std::uint16_t port, pid_t pid, const std::string& target,
                  const std::vector<std::string>& tokens, int n, double every_s, int seconds,
                  int flush_s) {
    std::vector<std::string> auths;
    for (const auto& t : tokens) auths.push_back("Authorization: Bearer " + t + "\r\n");
    swarm phones(port, target, auths);
    const double t_open = now_ms();
    if (!phones.open(static_cast<std::size_t>(n))) {
        std::fprintf(stderr, "only %zu of %d sockets connected\n", phones.size() - phones.failed(),
                     n);
        return;
    }
    std::printf("presence: %d sockets (%zu trainee accounts) connected in %.1f s\n", n,
                tokens.size(), (now_ms() - t_open) / 1000.0);
    auto quiet = [&](double ms) {
        const double until = now_ms() + ms;
        while (now_ms() < until) phones.poll(10);
    };
    quiet(2000 + flush_s * 1000.0);  // the join writes and a first flush settle

    // Baseline in the same run: the same sockets, idle, for the same time.
    const long idle_cpu0 = cpu_ticks(pid);
    quiet(seconds * 1000.0);
    const long idle_cpu = cpu_ticks(pid) - idle_cpu0;

    const auto m0 = scrape(port);
    const long cpu0 = cpu_ticks(pid);
    const std::size_t acks0 = phones.total_acks();
    const std::string frame = masked_text_frame(R"({"type":"heartbeat","visible":true,"id":1})");
    const double start = now_ms();
    std::size_t sent = 0;
    while (now_ms() < start + seconds * 1000.0) {
        const double due = (now_ms() - start) / (every_s * 1000.0) * n;
        while (sent < due) phones.send_all(sent++ % static_cast<std::size_t>(n), frame);
        phones.poll(1);
    }
    const double send_end = now_ms();
    while (phones.total_acks() - acks0 < sent && now_ms() < send_end + 5000) phones.poll(5);
    const double acked_at = now_ms();
    quiet(flush_s * 1000.0 + 1500);  // the last coalesced values reach the database
    const long cpu = cpu_ticks(pid) - cpu0;
    const auto m1 = scrape(port);
    auto delta = [&](const std::string& k) {
        return m1.count(k) ? m1.at(k) - (m0.count(k) ? m0.at(k) : 0) : 0.0;
    };
    const double acked = static_cast<double>(phones.total_acks() - acks0);
    const double events = delta("daring_presence_events_total");
    const double commits = delta("daring_db_commit_batch_size_count");
    const double jobs = delta("daring_db_commit_batch_size_sum");
    const double flushes = delta("daring_presence_flush_rows_count");
    const double rows = delta("daring_presence_flush_rows_sum");
    const double writer_s = delta("daring_db_commit_duration_seconds_sum");
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    std::printf(
        "presence: %zu heartbeats sent in %.1f s (every socket every %.1f s), %.0f acked (all "
        "within %.2f s of the last send)\n",
        sent, (send_end - start) / 1000.0, every_s, acked, (acked_at - send_end) / 1000.0);
    std::printf("  heartbeats ingested: %.0f per second (server-counted %.0f)\n",
                events / ((send_end - start) / 1000.0), events);
    std::printf(
        "  writer: %.0f commits, %.0f write jobs, %.1f jobs per commit; %.0f presence flushes "
        "writing %.0f rows (%.0f rows per flush)\n",
        commits, jobs, commits ? jobs / commits : 0.0, flushes, rows,
        flushes ? rows / flushes : 0.0);
    std::printf(
        "  writer busy: %.1f ms in all, %.1f ms per presence flush (BEGIN to COMMIT, the "
        "flushes' share of it)\n",
        writer_s * 1000.0, flushes ? writer_s * 1000.0 / flushes : 0.0);
    std::printf(
        "  coalescing: %.1f heartbeats per row written (one-transaction-per-heartbeat would be "
        "1.0)\n",
        rows ? events / rows : 0.0);
    std::printf(
        "  server CPU: %.1f us per heartbeat (%.2f s busy vs %.2f s idle baseline over the same "
        "time)\n",
        sent ? (cpu - idle_cpu) / tick * 1e6 / static_cast<double>(sent) : 0.0, cpu / tick,
        idle_cpu / tick);
    std::fflush(stdout);
}

std::vector<std::string> make_accounts(std::uint16_t port, std::int64_t session, int accounts) {
    http_client c(port);
    api_client admin(c, login_token(c, "admin", server_process::admin_password));
    auto s = admin.get("/api/v1/sessions/" + std::to_string(session)).json();
    const auto training = std::to_string(s["training_id"].get<std::int64_t>());
    std::string csv = "username,password,full_name,role\n", names;
    for (int i = 1; i <= accounts; ++i) {
        csv += "hp" + std::to_string(i) + ",password-beban,Peserta " + std::to_string(i) +
               ",trainee\n";
        names += "hp" + std::to_string(i) + "\n";
    }
    admin.post_csv("/api/v1/users/import?must_change_password=false", csv);
    admin.post_csv("/api/v1/trainings/" + training + "/enrollments", names);
    std::vector<std::string> tokens;
    for (int i = 1; i <= accounts; ++i)
        tokens.push_back(login_token(c, "hp" + std::to_string(i), "password-beban"));
    return tokens;
}

struct latency_summary {
    double p50 = 0, p99 = 0, max = 0;
};

latency_summary summarise(std::vector<double> v) {
    latency_summary s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.p50 = v[v.size() / 2];
    s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
    s.max = v.back();
    return s;
}

// Live quiz answers: every trainee account holds one socket. The trainer opens a one-question
// quiz; the baseline is `sequential` answers from one trainee, each sent after the previous ack
// (so each is committed alone); then every trainee answers once, spread evenly over one second,
// and then every trainee answers again all at once. Ack latency is measured per answer from its
// send to its ack (the ack leaves the server only after the commit). The quiz results are read
// back at the end to check that every trainee's answer is stored.
int run_quiz(std::uint16_t port, pid_t pid, const std::string& target, const daring_setup& setup,
             const std::vector<std::string>& tokens, int sequential) {
    http_client http(port);
    api_client admin(http, login_token(http, "admin", server_process::admin_password));
    const auto training = admin.get("/api/v1/sessions/" + std::to_string(setup.session))
                              .json()["training_id"]
                              .get<std::int64_t>();
    auto q = admin.post("/api/v1/trainings/" + std::to_string(training) + "/quizzes",
                        {{"title", "Kuis beban"},
                         {"kind", "pre_test"},
                         {"questions",
                          {{{"type", "single"},
                            {"prompt", "Kas masuk dicatat di?"},
                            {"options", {"a", "b", "c", "d"}},
                            {"correct", 2}}}}});
    if (q.status != 201) {
        std::fprintf(stderr, "quiz not created: %s\n", q.body.c_str());
        return 1;
    }
    const std::int64_t quiz = q.json()["id"];
    const std::int64_t question = q.json()["questions"][0]["id"];
    const auto n = tokens.size();
    std::vector<std::string> auths;
    for (const auto& t : tokens) auths.push_back("Authorization: Bearer " + t + "\r\n");
    swarm trainer(port, target, "Authorization: Bearer " + setup.trainer_token + "\r\n");
    swarm phones(port, target, auths);
    if (!trainer.open(1) || !phones.open(n)) {
        std::fprintf(stderr, "only %zu of %zu trainees connected\n",
                     phones.size() - phones.failed(), n);
        return 1;
    }
    auto quiet = [&](double ms) {
        const double until = now_ms() + ms;
        while (now_ms() < until) {
            phones.poll(5);
            trainer.poll(0);
        }
    };
    trainer.send_all(0, masked_text_frame(R"({"type":"open_quiz","quiz_id":)" +
                                          std::to_string(quiz) + R"(,"duration_s":600})"));
    const double opened_at = now_ms();
    auto all_opened = [&] {
        for (std::size_t i = 0; i < n; ++i)
            if (phones.at(i).quiz_opened == 0) return false;
        return true;
    };
    while (!all_opened() && now_ms() < opened_at + 10000) quiet(5);
    if (!all_opened()) {
        std::fprintf(stderr, "quiz_opened did not reach every trainee\n");
        return 1;
    }
    std::printf(
        "quiz: %zu trainees connected (one account each); quiz_opened reached all in %.1f ms\n", n,
        now_ms() - opened_at);
    quiet(500);
    auto answer = [&](std::size_t i, const std::string& id) {
        return masked_text_frame(R"({"type":"answer","id":")" + id + R"(","quiz_id":)" +
                                 std::to_string(quiz) + R"(,"question_id":)" +
                                 std::to_string(question) + R"(,"answer":)" +
                                 std::to_string(i % 4) + "}");
    };
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));

    // Baseline: one answer in flight at a time.
    std::vector<double> seq_lat;
    const double seq_start = now_ms();
    for (int k = 0; k < sequential; ++k) {
        const auto before = phones.at(0).acks;
        const double sent = now_ms();
        phones.send_all(0, answer(static_cast<std::size_t>(k), "s" + std::to_string(k)));
        while (phones.at(0).acks == before && now_ms() < sent + 5000) phones.poll(1);
        if (phones.at(0).acks == before) {
            std::fprintf(stderr, "sequential answer %d not acked\n", k);
            return 1;
        }
        seq_lat.push_back(phones.at(0).last_ack_ms - sent);
    }
    const double seq_rate = sequential / ((now_ms() - seq_start) / 1000.0);
    const auto seq = summarise(seq_lat);
    std::printf(
        "  baseline, one answer in flight (%d answers):     ack p50 %6.2f ms  p99 %6.2f ms  %8.0f "
        "answers committed/s\n",
        sequential, seq.p50, seq.p99, seq_rate);

    // `spread_ms` = 1000: answers spread over one second; 0: all sent at once.
    auto round = [&](const char* label, const std::string& prefix, double spread_ms) {
        std::vector<std::size_t> acks0(n);
        for (std::size_t i = 0; i < n; ++i) acks0[i] = phones.at(i).acks;
        std::vector<double> sent_at(n, 0);
        const auto m0 = scrape(port);
        const long cpu0 = cpu_ticks(pid);
        const double start = now_ms();
        std::size_t sent = 0;
        while (sent < n) {
            const double due =
                spread_ms > 0 ? (now_ms() - start) / spread_ms * n : static_cast<double>(n);
            while (sent < n && sent < due) {
                sent_at[sent] = now_ms();
                phones.send_all(sent, answer(sent + 1, prefix + std::to_string(sent)));
                ++sent;
            }
            phones.poll(spread_ms > 0 ? 1 : 0);
        }
        auto acked = [&] {
            std::size_t k = 0;
            for (std::size_t i = 0; i < n; ++i) k += phones.at(i).acks > acks0[i];
            return k;
        };
        while (acked() < n && now_ms() < start + spread_ms + 10000) phones.poll(1);
        double last = start;
        std::vector<double> lat;
        for (std::size_t i = 0; i < n; ++i)
            if (phones.at(i).acks > acks0[i]) {
                lat.push_back(phones.at(i).last_ack_ms - sent_at[i]);
                last = std::max(last, phones.at(i).last_ack_ms);
            }
        const long cpu = cpu_ticks(pid) - cpu0;
        const auto m1 = scrape(port);
        auto delta = [&](const std::string& k) {
            return m1.count(k) ? m1.at(k) - (m0.count(k) ? m0.at(k) : 0) : 0.0;
        };
        const auto s = summarise(lat);
        const double rate = lat.size() / ((last - start) / 1000.0);
        const double commits = delta("daring_db_commit_batch_size_count");
        std::printf(
            "  %-48s ack p50 %6.2f ms  p99 %6.2f ms  %8.0f answers committed/s  (%zu/%zu acked, "
            "%.0f commits, %.1f write jobs per commit, %.1f us CPU per answer)\n",
            label, s.p50, s.p99, rate, lat.size(), n, commits,
            commits ? delta("daring_db_commit_batch_size_sum") / commits : 0.0,
            (cpu / tick) * 1e6 / static_cast<double>(n));
        std::fflush(stdout);
        return std::make_pair(lat.size(), rate);
    };
    const auto spread = round("every trainee answers within one second:", "a", 1000);
    quiet(500);
    const auto burst = round("every trainee answers at the same instant:", "b", 0);
    trainer.send_all(
        0, masked_text_frame(R"({"type":"close_quiz","quiz_id":)" + std::to_string(quiz) + "}"));
    quiet(1500);
    const auto results = admin.get("/api/v1/quizzes/" + std::to_string(quiz) + "/results").json();
    std::printf("  results: %d of %zu trainees stored with an answer\n",
                results["questions"][0]["answered"].get<int>(), n);
    std::printf("result: answers committed per second at once vs one in flight: %.1fx\n",
                burst.second / std::max(1.0, seq_rate));
    return spread.first == n && burst.first == n &&
                   results["questions"][0]["answered"].get<std::size_t>() == n
               ? 0
               : 1;
}

}  // namespace

// --isolation: a sign-in storm (300 clients signing in again and again, honouring 503
// Retry-After) while 300 trainees receive 5 slides/s and a prober asks /healthz every 20 ms;
// the same run on a server without lanes (--single-pool) is the baseline.
struct isolation_result {
    latency_summary health;
    fanout_result slides;
    int logins_ok = 0, logins_busy = 0;
};

isolation_result run_isolation(const std::vector<std::string>& server_args, int trainees,
                               int storm_clients) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    auto args = server_args;
    for (const char* a : {"--max-connections", "30000", "--live-sockets-per-user", "30000"})
        args.emplace_back(a);
    server_process server(
        at_production_cost({"serve", dir.file("i.db"), dir.file("web"), args, {}, true}));
    auto setup = prepare_daring(server.port());
    const std::string target = "/api/v1/sessions/" + std::to_string(setup.session) + "/live";
    swarm trainer(server.port(), target, "Authorization: Bearer " + setup.trainer_token + "\r\n");
    swarm crowd(server.port(), target, "Authorization: Bearer " + setup.trainee_token + "\r\n");
    isolation_result r;
    if (!trainer.open(1) || !crowd.open(static_cast<std::size_t>(trainees))) return r;
    std::atomic<bool> storming{true};
    std::atomic<int> ok{0}, busy{0};
    std::vector<std::thread> storm;
    for (int i = 0; i < storm_clients; ++i) {
        storm.emplace_back([&, port = server.port()] {
            http_client c(port);
            while (storming) {
                auto res = json_request(
                    c, "POST", "/api/v1/auth/login",
                    {{"username", "admin"}, {"password", server_process::admin_password}});
                if (res.status == 200) ++ok;
                if (res.status == 503) {
                    ++busy;
                    std::this_thread::sleep_for(std::chrono::seconds(2));
                }
            }
        });
    }
    std::vector<double> health;
    std::thread prober([&, port = server.port()] {
        http_client c(port);
        while (storming) {
            const double t0 = now_ms();
            c.request("GET", "/healthz");
            health.push_back(now_ms() - t0);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the storm is on
    r.slides = push_slides(crowd, trainer, server.pid(), 30, 5, 0);
    storming = false;
    prober.join();
    for (auto& s : storm) s.join();
    r.health = summarise(health);
    r.logins_ok = ok;
    r.logins_busy = busy;
    return r;
}

// Starts the naive baseline server on a free port: its pid and port (pid 0 on failure).
std::pair<pid_t, std::uint16_t> start_naive(const std::string& naive_bin) {
    int fds[2];
    if (::pipe(fds) != 0) return {0, 0};
    pid_t naive = ::fork();
    if (naive == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::execl(naive_bin.c_str(), naive_bin.c_str(), "0", nullptr);
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string out;
    char buf[256];
    while (out.find('\n') == std::string::npos) {
        ssize_t r = ::read(fds[0], buf, sizeof buf);
        if (r <= 0) break;
        out.append(buf, static_cast<std::size_t>(r));
    }
    ::close(fds[0]);
    if (out.find(':') == std::string::npos) return {0, 0};
    return {naive, static_cast<std::uint16_t>(std::stoi(out.substr(out.rfind(':') + 1)))};
}

std::size_t audio_gaps(const swarm& trainees) {
    std::size_t gaps = 0;
    for (std::size_t i = 0; i < trainees.size(); ++i) gaps += trainees.at(i).audio_gaps;
    return gaps;
}

struct audio_run {
    fanout_result steady, one_in_flight;
    std::size_t gaps = 0;
};

// One server's audio runs: `n` listeners hear `packets` packets at 25/s, then `in_flight`
// packets with one in flight (each sent once the previous reached everyone). `speaker_first` is
// what the trainer sends before audio (audio_start for Daring).
bool audio_runs(std::uint16_t port, pid_t pid, const std::string& trainer_target,
                const std::string& target, const std::string& trainer_auth,
                const std::string& trainee_auth, const std::string& speaker_first, int n,
                int packets, int in_flight, audio_run& out) {
    swarm trainer(port, trainer_target, trainer_auth);
    swarm trainees(port, target, trainee_auth);
    if (!trainer.open(1) || !trainees.open(static_cast<std::size_t>(n))) return false;
    if (!speaker_first.empty()) trainer.send_all(0, masked_text_frame(speaker_first));
    for (int i = 0; i < 20; ++i) {
        trainees.poll(50);
        trainer.poll(0);
    }
    out.steady = push_messages(trainees, trainer, pid, packets, 25, 0, audio_traffic);
    out.gaps = audio_gaps(trainees);
    out.one_in_flight = push_messages(trainees, trainer, pid, in_flight, 0, 1, audio_traffic);
    return true;
}

void print_audio(const char* label, const audio_run& r) {
    char line[128];
    std::snprintf(line, sizeof line, "%s, 25 packets/s", label);
    print(line, r.steady);
    std::printf("    records missing for reading listeners: %zu\n", r.gaps);
    std::snprintf(line, sizeof line, "%s, one packet in flight", label);
    print(line, r.one_in_flight);
}

int run_isolation_pair(int trainees, int storm_clients) {
    std::printf(
        "isolation: %d trainees at 5 slides/s, %d clients signing in, /healthz every 20 ms\n",
        trainees, storm_clients);
    const auto base = run_isolation({"--single-pool"}, trainees, storm_clients);
    const auto lanes = run_isolation({}, trainees, storm_clients);
    for (const auto& [label, r] :
         {std::pair{"one pool (baseline)", &base}, std::pair{"lanes", &lanes}}) {
        std::printf(
            "  %-20s /healthz p50 %7.2f ms p99 %7.2f ms | slides p50 %7.2f ms p99 %7.2f ms "
            "(%zu/%zu) | sign-ins %d ok, %d busy\n",
            label, r->health.p50, r->health.p99, r->slides.p50_ms, r->slides.p99_ms,
            r->slides.delivered, r->slides.expected, r->logins_ok, r->logins_busy);
    }
    std::printf("  ratio lanes/baseline: /healthz p99 %.3f, slides p99 %.3f\n",
                lanes.health.p99 / std::max(base.health.p99, 1e-9),
                lanes.slides.p99_ms / std::max(base.slides.p99_ms, 1e-9));
    std::printf("  targets: /healthz p99 < 20 ms: %s; slide p99 < 25 ms: %s\n",
                lanes.health.p99 < 20 ? "met" : "NOT met",
                lanes.slides.p99_ms < 25 ? "met" : "NOT met");
    return 0;
}

// Where the CPU of one delivery goes with one packet in flight: the server's own code and the
// kernel's send path (on loopback the kernel also runs the listener's receive path in the
// sender's time). The kernel's part alone, over the naive server's whole, is the lowest ratio
// any server could reach on this machine.
void print_cpu_split(const fanout_result& ours, const fanout_result& theirs) {
    const double our_user = ours.cpu_us_per_delivery - ours.kernel_us_per_delivery;
    const double their_user = theirs.cpu_us_per_delivery - theirs.kernel_us_per_delivery;
    std::printf(
        "  one packet in flight, per delivery: daring %.2f us own code + %.2f us kernel; naive "
        "%.2f us own code + %.2f us kernel\n"
        "  own code daring/naive: %.2fx; daring's kernel part alone / naive's whole: %.2fx\n",
        our_user, ours.kernel_us_per_delivery, their_user, theirs.kernel_us_per_delivery,
        our_user / std::max(1e-9, their_user),
        ours.kernel_us_per_delivery / std::max(1e-9, theirs.cpu_us_per_delivery));
}

// --audio: the trainer speaks (25 packets/s of 80 bytes, 40 ms each) to `n` listeners: p99 from
// the send to the last listener, server CPU per delivery, records missing for these reading
// listeners; then one packet in flight. With `compare`, the same traffic through the naive
// server, and the ratio of CPU per delivery at one packet in flight (target <= 0.65x).
int run_audio(const std::string& naive_bin, std::uint16_t port, pid_t pid,
              const std::string& target, const daring_setup& setup, int n, int packets,
              int in_flight, bool compare) {
    std::printf("audio: %d listeners, %d packets at 25/s, then %d with one in flight\n", n, packets,
                in_flight);
    const std::string start_audio =
        R"({"type":"audio_start","codec":"opus","sample_rate":48000,"channels":1,)"
        R"("frame_ms":40,"bitrate":16000})";
    audio_run ours;
    if (!audio_runs(port, pid, target, target,
                    "Authorization: Bearer " + setup.trainer_token + "\r\n",
                    "Authorization: Bearer " + setup.trainee_token + "\r\n", start_audio, n,
                    packets, in_flight, ours))
        return 1;
    print_audio("daring", ours);
    bool met = ours.gaps == 0 && ours.steady.delivered == ours.steady.expected;
    if (compare) {
        const auto [naive, naive_port] = start_naive(naive_bin);
        if (naive <= 0) return 1;
        audio_run theirs;
        const bool ok = audio_runs(naive_port, naive, "/live?role=trainer", "/live", "", "", "", n,
                                   packets, in_flight, theirs);
        ::kill(naive, SIGTERM);
        ::waitpid(naive, nullptr, 0);
        if (!ok) return 1;
        print_audio("naive Beast server", theirs);
        const double ratio = ours.one_in_flight.cpu_us_per_delivery /
                             std::max(1e-9, theirs.one_in_flight.cpu_us_per_delivery);
        const double steady_ratio =
            ours.steady.cpu_us_per_delivery / std::max(1e-9, theirs.steady.cpu_us_per_delivery);
        std::printf(
            "  ratio daring/naive CPU per delivery: %.2fx at 25 packets/s, %.2fx with one "
            "packet in flight (target <= 0.65x: %s)\n",
            steady_ratio, ratio, ratio <= 0.65 ? "met" : "NOT met");
        print_cpu_split(ours.one_in_flight, theirs.one_in_flight);
        met = met && ratio <= 0.65;
    }
    const double p99_target = n > 1000 ? 150 : 60;
    std::printf("  targets: p99 <= %.0f ms at %d listeners: %s; no records missing: %s\n",
                p99_target, n, ours.steady.p99_ms <= p99_target ? "met" : "NOT met",
                ours.gaps == 0 ? "met" : "NOT met");
    return met && ours.steady.p99_ms <= p99_target ? 0 : 3;
}

// ---- --replay-downloads

bool recording_kept_audio(std::uint16_t port, const daring_setup& setup,
                          double* ready_ms = nullptr);

// A 40 ms Opus packet of 80 bytes (16 kbit/s) as the speaker sends it: CELT fullband 20 ms
// frames (TOC 0xF9: code 1, two frames), so the recording's Ogg counts 40 ms per packet.
std::string opus_speaker_frame(int k) {
    std::string m{"\x01\x00\x00\x28", 4};
    std::string packet(1, static_cast<char>(0xF9));
    packet += "pk" + std::to_string(k);
    packet.resize(80, static_cast<char>('a' + k % 26));
    return masked_frame(m + packet, 0x2);
}

// A phone downloading a replay over a slow link: GET `path` again and again on one keep-alive
// connection, reading at most `bytes_per_s`, until `stop`. Counts the bytes of whole bodies.
void paced_download(std::uint16_t port, const std::string& path, const std::string& token,
                    double bytes_per_s, const std::atomic<bool>& stop,
                    std::atomic<std::uint64_t>& bytes, std::atomic<int>& bodies) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return;
    }
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    const auto began = std::chrono::steady_clock::now();
    std::uint64_t read_total = 0;
    char buffer[16384];
    while (!stop) {
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        std::string head;
        std::uint64_t left = 0;
        bool have_head = false;
        while (!stop) {
            const auto n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                ::close(fd);
                return;
            }
            read_total += static_cast<std::uint64_t>(n);
            std::size_t body_part = static_cast<std::size_t>(n);
            if (!have_head) {
                head.append(buffer, static_cast<std::size_t>(n));
                const auto end = head.find("\r\n\r\n");
                if (end == std::string::npos) continue;
                have_head = true;
                const auto cl = head.find("Content-Length: ");
                left = cl == std::string::npos ? 0 : std::stoull(head.substr(cl + 16));
                body_part = head.size() - end - 4;
            }
            const auto taken = std::min<std::uint64_t>(left, body_part);
            left -= taken;
            bytes += taken;
            // Pacing: never ahead of the link's rate.
            const double due_s = static_cast<double>(read_total) / bytes_per_s;
            std::this_thread::sleep_until(
                began + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(due_s)));
            if (have_head && left == 0) {
                ++bodies;
                break;
            }
        }
    }
    ::close(fd);
}

// The trainer speaks `minutes` of 16 kbit/s audio as fast as the server takes it, then ends
// the session; the recording becomes ready.
bool record_long_session(std::uint16_t port, const daring_setup& setup, int minutes,
                         double& build_ms) {
    const auto target = "/api/v1/sessions/" + std::to_string(setup.session) + "/live";
    swarm trainer(port, target, "Authorization: Bearer " + setup.trainer_token + "\r\n");
    if (!trainer.open(1)) return false;
    trainer.send_all(
        0, masked_text_frame(R"({"type":"audio_start","codec":"opus","sample_rate":48000,)"
                             R"("channels":1,"frame_ms":40,"bitrate":16000})"));
    trainer.poll(100);
    const int packets = minutes * 60 * 25;
    for (int k = 0; k < packets; ++k) {
        trainer.send_all(0, opus_speaker_frame(k));
        if (k % 200 == 199) trainer.poll(1);
    }
    for (int i = 0; i < 20; ++i) trainer.poll(100);
    return recording_kept_audio(port, setup, &build_ms);
}

// --replay-downloads: a 90-minute recording's offline file (time to build and serve it, its
// size), then a live session's audio p99 to `n` listeners alone and while `downloads` phones
// download that file at 2 Mbit/s each (target: the live p99 target holds).
int run_replay_downloads(std::uint16_t port, pid_t pid, const daring_setup& setup, int n,
                         int downloads, int minutes) {
    std::printf("replay downloads: a %d-minute recording, %d listeners live, %d downloads\n",
                minutes, n, downloads);
    double build_ms = 0;
    if (!record_long_session(port, setup, minutes, build_ms)) return 1;
    http_client c(port);
    api_client trainer(c, setup.trainer_token);
    const auto recording = "/api/v1/sessions/" + std::to_string(setup.session) + "/recording";
    const auto rec = trainer.get(recording).json();
    std::printf("  recording: %.1f min of audio, Ogg %.2f MB\n",
                rec["audio"]["duration_ms"].get<double>() / 60000,
                rec["audio"]["bytes"].get<double>() / 1e6);
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<int> bodies{0};
    {
        const auto t0 = now_ms();
        std::atomic<bool> once{false};
        std::thread one([&] {
            paced_download(port, recording + "/offline", setup.trainee_token, 1e12, once, bytes,
                           bodies);
        });
        while (bodies == 0 && now_ms() - t0 < 30000)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const double took = (now_ms() - t0 + build_ms) / 1000;
        const double mb = static_cast<double>(bytes.load()) / 1e6;
        once = true;
        one.join();
        std::printf(
            "  offline file: %.2f MB in %.3f s: the Ogg built from the stored packets "
            "%.0f ms, the page served %.0f ms (targets: under 16 MB: %s; under 1 s: %s)\n",
            mb, took, build_ms, took * 1000 - build_ms, mb < 16 ? "met" : "NOT met",
            took < 1 ? "met" : "NOT met");
        if (mb >= 16 || took >= 1) return 3;
    }
    // A second session of the training goes live with its listeners.
    api_client admin(c, login_token(c, "admin", server_process::admin_password));
    auto s = admin.post("/api/v1/trainings/" + std::to_string(setup.training) + "/sessions",
                        {{"title", "Langsung"},
                         {"starts_at", wib_time_from_today(2, 9)},
                         {"ends_at", wib_time_from_today(2, 11)}});
    const auto live_id = s.json()["id"].get<std::int64_t>();
    trainer.post("/api/v1/sessions/" + std::to_string(live_id) + "/start", json::object());
    const auto target = "/api/v1/sessions/" + std::to_string(live_id) + "/live";
    audio_run alone, loaded;
    const std::string start_audio =
        R"({"type":"audio_start","codec":"opus","sample_rate":48000,"channels":1,)"
        R"("frame_ms":40,"bitrate":16000})";
    swarm speaker(port, target, "Authorization: Bearer " + setup.trainer_token + "\r\n");
    swarm listeners(port, target, "Authorization: Bearer " + setup.trainee_token + "\r\n");
    if (!speaker.open(1) || !listeners.open(static_cast<std::size_t>(n))) return 1;
    speaker.send_all(0, masked_text_frame(start_audio));
    for (int i = 0; i < 20; ++i) {
        listeners.poll(50);
        speaker.poll(0);
    }
    alone.steady = push_messages(listeners, speaker, pid, 250, 25, 0, audio_traffic);
    bytes = 0;
    bodies = 0;
    std::vector<std::thread> phones;
    for (int i = 0; i < downloads; ++i)
        phones.emplace_back([&] {
            paced_download(port, recording + "/offline", setup.trainee_token, 250e3, stop, bytes,
                           bodies);
        });
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const auto before = bytes.load();
    const auto t0 = now_ms();
    loaded.steady = push_messages(listeners, speaker, pid, 250, 25, 0, audio_traffic);
    const double rate = (bytes - before) / ((now_ms() - t0) / 1000) / 1e6;
    stop = true;
    for (auto& t : phones) t.join();
    print("live audio alone", alone.steady);
    print("live audio while phones download", loaded.steady);
    const double target_p99 = n > 1000 ? 150 : 60;
    std::printf(
        "  downloads: %.1f MB/s in total during the run; live p99 %.2f ms alone, %.2f "
        "ms with them (%.2fx; target p99 <= %.0f ms: %s)\n",
        rate, alone.steady.p99_ms, loaded.steady.p99_ms,
        loaded.steady.p99_ms / std::max(1e-9, alone.steady.p99_ms), target_p99,
        loaded.steady.p99_ms <= target_p99 ? "met" : "NOT met");
    return loaded.steady.p99_ms <= target_p99 ? 0 : 3;
}

// Ends the session and reads its recording: whether it has audio (waits for it to be ready).
// `ready_ms`: how long the first answer that found it ready took (it builds the Ogg file).
bool recording_kept_audio(std::uint16_t port, const daring_setup& setup, double* ready_ms) {
    http_client c(port);
    api_client trainer(c, setup.trainer_token);
    const auto session = "/api/v1/sessions/" + std::to_string(setup.session);
    trainer.post(session + "/end", json::object());
    for (int i = 0; i < 100; ++i) {
        const auto t0 = now_ms();
        auto rec = trainer.get(session + "/recording").json();
        if (ready_ms) *ready_ms = now_ms() - t0;
        if (rec.value("status", "") == "ready") return !rec["audio"].is_null();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// --audio --recording-cost: what keeping the recording costs the live path. `rounds` times, a
// server with --record-audio=false and one with it on (fresh each) serve the same audio to `n`
// listeners; the ratios on/off of the steady p99 and CPU per delivery, median over the rounds
// (target: within 5%). The run with recording on must have kept the packets (checked through
// the recording's timeline and audio once the session ended).
int run_recording_cost(int n, int packets, int rounds) {
    std::printf("recording cost: %d listeners, %d packets at 25/s, %d rounds of off/on\n", n,
                packets, rounds);
    const std::string start_audio =
        R"({"type":"audio_start","codec":"opus","sample_rate":48000,"channels":1,)"
        R"("frame_ms":40,"bitrate":16000})";
    std::vector<double> p99_ratios, cpu_ratios;
    for (int round = 0; round < rounds; ++round) {
        fanout_result runs[2];
        for (int on = 0; on < 2; ++on) {
            temp_dir dir;
            std::filesystem::create_directories(dir.file("web"));
            server_process server(at_production_cost(
                {"serve",
                 dir.file("load.db"),
                 dir.file("web"),
                 {"--threads", "1", "--max-connections", "30000", "--live-sockets-per-user",
                  "30000", "--audio-unpaced", "--record-audio", on ? "true" : "false"},
                 {},
                 true}));
            auto setup = prepare_daring(server.port());
            const auto target = "/api/v1/sessions/" + std::to_string(setup.session) + "/live";
            audio_run r;
            if (!audio_runs(server.port(), server.pid(), target, target,
                            "Authorization: Bearer " + setup.trainer_token + "\r\n",
                            "Authorization: Bearer " + setup.trainee_token + "\r\n", start_audio, n,
                            packets, 1, r))
                return 1;
            runs[on] = r.steady;
            if (!recording_kept_audio(server.port(), setup) != !on) {
                std::printf("  the recording %s audio with recording %s\n", on ? "lacks" : "has",
                            on ? "on" : "off");
                return 1;
            }
            std::printf(
                "  round %d, recording %-3s p99 %6.2f ms, CPU %.3f us per delivery "
                "(%zu/%zu delivered)\n",
                round + 1, on ? "on" : "off", r.steady.p99_ms, r.steady.cpu_us_per_delivery,
                r.steady.delivered, r.steady.expected);
        }
        p99_ratios.push_back(runs[1].p99_ms / std::max(1e-9, runs[0].p99_ms));
        cpu_ratios.push_back(runs[1].cpu_us_per_delivery /
                             std::max(1e-9, runs[0].cpu_us_per_delivery));
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    const double p99 = median(p99_ratios), cpu = median(cpu_ratios);
    const bool met = p99 <= 1.05 && cpu <= 1.05;
    std::printf(
        "  ratio on/off (median of rounds): p99 %.3fx, CPU per delivery %.3fx "
        "(target <= 1.05x: %s)\n",
        p99, cpu, met ? "met" : "NOT met");
    return met ? 0 : 3;
}

// Reactions beside slides: N trainees, slides at 1 a second for `seconds`, first alone, then
// with every trainee sending a reaction every second (spread over the second). Slide p99 to the
// last trainee with reactions against without, and the most `reactions` messages one socket got
// in a second (the room sends totals at most once a second).
int run_reactions(std::uint16_t port, pid_t pid, const std::string& target,
                  const daring_setup& setup, int n, int seconds) {
    swarm trainer(port, target, "Authorization: Bearer " + setup.trainer_token + "\r\n");
    swarm trainees(port, target, "Authorization: Bearer " + setup.trainee_token + "\r\n");
    if (!trainer.open(1) || !trainees.open(n)) return 1;
    std::printf("reactions: %d trainees, slides at 1/s for %d s\n", n, seconds);
    const auto quiet = push_slides(trainees, trainer, pid, seconds, 1, 0);
    print("  slides alone        ", quiet);
    const std::string frames[] = {masked_text_frame(R"({"type":"react","kind":"clap"})"),
                                  masked_text_frame(R"({"type":"react","kind":"too_fast"})")};
    std::size_t sent = 0;
    auto react = [&](double elapsed_ms) {
        const auto due = static_cast<std::size_t>(elapsed_ms / 1000.0 * n);
        for (; sent < due; ++sent) trainees.send_all(sent % n, frames[sent % 50 == 0 ? 1 : 0]);
    };
    const auto busy = push_messages(trainees, trainer, pid, seconds, 1, 0, slide_traffic, react);
    print("  slides + reactions  ", busy);
    std::size_t most = 0, total = 0;
    for (std::size_t i = 0; i < trainees.size(); ++i) {
        most = std::max(most, trainees.at(i).max_reactions_per_second);
        total += trainees.at(i).reactions;
    }
    std::printf(
        "  %zu reactions sent; slide p99 %.1f ms with them vs %.1f ms without: %.2fx (target "
        "<= 1.2x); reactions messages: at most %zu a second on one socket (target <= 2), %.2f a "
        "second on average\n",
        sent, busy.p99_ms, quiet.p99_ms, quiet.p99_ms > 0 ? busy.p99_ms / quiet.p99_ms : 0.0, most,
        static_cast<double>(total) / trainees.size() / seconds);
    return 0;
}

// Several nodes (--cluster): a PostgreSQL cluster, a nats-server and two Daring nodes, node A on
// core 0 and node B on core 1 (the load generator, NATS and PostgreSQL share them).
struct cluster_rig {
    pg_cluster pg;
    nats_server nats;
    temp_dir dir;
    std::string uri;
    std::unique_ptr<server_process> a, b;

    cluster_rig() : uri(pg.create_database("cluster_bench")) {
        std::filesystem::create_directories(dir.file("web"));
        a = node("bench-a", 0);
        b = node("bench-b", 1);
    }
    std::unique_ptr<server_process> node(const std::string& id, int core) {
        auto p = std::make_unique<server_process>(at_production_cost(
            {"serve",
             uri,
             dir.file("web"),
             {"--threads", "1", "--max-connections", "30000", "--live-sockets-per-user", "30000",
              "--nats", nats.url(), "--node-id", id, "--recordings-dir", dir.file("rec-" + id),
              "--assets-dir", dir.file("assets")},
             {},
             true}));
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(core, &set);
        for (const auto& task :
             std::filesystem::directory_iterator("/proc/" + std::to_string(p->pid()) + "/task"))
            sched_setaffinity(std::stoi(task.path().filename().string()), sizeof set, &set);
        return p;
    }
};

double cpu_us(pid_t pid) {
    const auto c = cpu_times(pid);
    return (c.user + c.kernel) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Another session of the setup's training, started; its live path.
std::string another_session(std::uint16_t port, const daring_setup& setup, int round) {
    http_client c(port);
    api_client admin(c, login_token(c, "admin", server_process::admin_password));
    auto s = admin.post("/api/v1/trainings/" + std::to_string(setup.training) + "/sessions",
                        {{"title", "Beban " + std::to_string(round)},
                         {"starts_at", wib_time_from_today(1, 9)},
                         {"ends_at", wib_time_from_today(1, 11)},
                         {"slides", bench_slides()}});
    const auto id = std::to_string(s.json()["id"].get<std::int64_t>());
    api_client(c, setup.trainer_token).post("/api/v1/sessions/" + id + "/start", json::object());
    return "/api/v1/sessions/" + id + "/live";
}

// Fan-out: room 1 with n/2 trainees on node A alone; room 2 with n/2 on A and n/2 on B (B's
// relayed). Slides go to room 1, then room 2, three rounds in turn (the two configurations see
// the same machine noise); CPU per delivery on A alone vs per relayed delivery on B, each round's
// ratio and their median.
void cluster_fanout(cluster_rig& rig, const daring_setup& setup, const std::string& target, int n,
                    double rate, int slides) {
    const auto trainee = "Authorization: Bearer " + setup.trainee_token + "\r\n";
    const auto trainer_auth = "Authorization: Bearer " + setup.trainer_token + "\r\n";
    swarm trainer(rig.a->port(), target, trainer_auth);
    if (!trainer.open(1)) return;  // the room's first socket: node A owns it
    swarm local(rig.a->port(), target, trainee);
    if (!local.open(n / 2)) return;
    const auto target2 = another_session(rig.a->port(), setup, 0);
    swarm trainer2(rig.a->port(), target2, trainer_auth);
    if (!trainer2.open(1)) return;
    swarm both(rig.a->port(), target2, trainee);
    if (!both.open(n / 2)) return;
    both.retarget(rig.b->port());
    if (!both.open(n - n / 2)) return;
    for (int i = 0; i < 20; ++i) {
        local.poll(50);
        both.poll(50);
    }
    const int count = std::min(slides, static_cast<int>(rate * 10));
    std::vector<double> ratios;
    fanout_result one, two;
    char label[120];
    for (int round = 1; round <= 3; ++round) {
        one = push_slides(local, trainer, rig.a->pid(), count, rate, 0);
        std::snprintf(label, sizeof label, "round %d, one node (A): %d trainees, %.0f slides/s",
                      round, n / 2, rate);
        print(label, one);
        const double b_before = cpu_us(rig.b->pid());
        std::vector<std::size_t> before(both.size());
        for (std::size_t i = 0; i < both.size(); ++i) before[i] = both.at(i).slides;
        two = push_slides(both, trainer2, rig.a->pid(), count, rate, 0);
        const double b_cpu = cpu_us(rig.b->pid()) - b_before;
        std::size_t on_a = 0, on_b = 0;
        for (std::size_t i = 0; i < both.size(); ++i)
            (i < static_cast<std::size_t>(n / 2) ? on_a : on_b) += both.at(i).slides - before[i];
        std::snprintf(label, sizeof label, "round %d, two nodes (A + B): %d + %d trainees", round,
                      n / 2, n - n / 2);
        print(label, two);
        const double a_cpu_per =
            two.cpu_us_per_delivery * two.delivered / std::max<std::size_t>(1, on_a);
        const double b_cpu_per = on_b ? b_cpu / on_b : 0;
        ratios.push_back(b_cpu_per / std::max(0.01, one.cpu_us_per_delivery));
        std::printf(
            "  CPU per delivery: node A (owner, its own %zu and the relay frames) %.2f us, node "
            "B (relayed, %zu) %.2f us; one node alone %.2f us: %.2fx\n",
            on_a, a_cpu_per, on_b, b_cpu_per, one.cpu_us_per_delivery, ratios.back());
    }
    auto sorted = ratios;
    std::sort(sorted.begin(), sorted.end());
    std::printf(
        "result: two nodes carried %d trainees at p99 %.1f ms (one node %d at p99 %.1f ms); CPU "
        "per relayed delivery %.2fx a local one, median of %.2f/%.2f/%.2f (target <= 1.3x: "
        "%s)\n",
        n, two.p99_ms, n / 2, one.p99_ms, sorted[1], ratios[0], ratios[1], ratios[2],
        sorted[1] <= 1.3 ? "met" : "missed");
}

// A join storm, on node A alone and then spread over both nodes: n trainees arriving at an even
// pace over `seconds` (the target: 10,000 within the first minute), then n opened as fast as
// they are admitted (256 handshakes in flight). Each socket's time to its welcome (from when it
// was due: a wait for a handshake slot counts) and the time until all are welcomed.
void cluster_join_storm(cluster_rig& rig, const daring_setup& setup, int n, double seconds) {
    const auto trainee = "Authorization: Bearer " + setup.trainee_token + "\r\n";
    struct run {
        double took_s = 0, p50 = 0, p99 = 0, max = 0;
        bool ok = false;
    };
    auto storm = [&](int nodes, double over, int round) {
        const auto target = another_session(rig.a->port(), setup, round);
        swarm first(rig.a->port(), target, trainee);  // node A owns the room
        run r;
        if (!first.open(1)) return r;
        swarm joins(rig.a->port(), target, trainee);
        if (nodes == 2) joins.spread({rig.a->port(), rig.b->port()});
        const double t0 = now_ms();
        r.ok = over > 0 ? joins.open_over(static_cast<std::size_t>(n), over)
                        : joins.open(static_cast<std::size_t>(n));
        r.took_s = (now_ms() - t0) / 1000.0;
        auto lat = joins.welcome_latencies();
        std::sort(lat.begin(), lat.end());
        if (!lat.empty()) {
            r.p50 = lat[lat.size() / 2];
            r.p99 = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
            r.max = lat.back();
        }
        std::printf(
            "  join storm, %d node(s), %s: %d welcomed in %.1f s; welcome p50 %.0f ms, p99 %.0f "
            "ms, max %.0f ms%s\n",
            nodes, over > 0 ? "arrivals over the minute" : "as fast as admitted", n, r.took_s,
            r.p50, r.p99, r.max, r.ok ? "" : " (some failed)");
        return r;
    };
    const auto one_paced = storm(1, seconds, 1);
    const auto two_paced = storm(2, seconds, 2);
    const auto one_burst = storm(1, 0, 3);
    const auto two_burst = storm(2, 0, 4);
    std::printf(
        "result: join storm of %d arriving over %.0f s: welcome p99 two nodes %.0f ms, one node "
        "%.0f ms (target <= 5,000 ms: %s); all at once: two nodes %.1f s for all (p99 %.0f ms), "
        "one node %.1f s (p99 %.0f ms), %.2fx\n",
        n, seconds, two_paced.p99, one_paced.p99,
        two_paced.ok && two_paced.p99 <= 5000 ? "met" : "missed", two_burst.took_s, two_burst.p99,
        one_burst.took_s, one_burst.p99, two_burst.took_s / std::max(0.001, one_burst.took_s));
}

// Failover: the owner (A) is killed with the trainer on B; from the kill to the next slide at
// every trainee on B and to the welcome of every trainee of A reconnecting to B. A restarts.
int cluster_failover(cluster_rig& rig, const daring_setup& setup, int per_node, int kills) {
    std::vector<double> times;
    for (int k = 0; k < kills; ++k) {
        const auto target = another_session(rig.b->port(), setup, 100 + k);
        const auto trainee = "Authorization: Bearer " + setup.trainee_token + "\r\n";
        swarm on_a(rig.a->port(), target, trainee), on_b(rig.b->port(), target, trainee);
        swarm trainer(rig.b->port(), target,
                      "Authorization: Bearer " + setup.trainer_token + "\r\n");
        if (!on_a.open(per_node) || !on_b.open(per_node) || !trainer.open(1)) return 1;
        for (int i = 0; i < 10; ++i) on_b.poll(50);
        std::vector<std::size_t> seen(on_b.size());
        for (std::size_t i = 0; i < on_b.size(); ++i) seen[i] = on_b.at(i).slides;
        const double killed = now_ms();
        ::kill(rig.a->pid(), SIGKILL);
        double all_b = 0;
        int index = 0;
        while (now_ms() - killed < 60000 && all_b == 0) {
            trainer.send_all(0, masked_text_frame(R"({"type":"show_slide","index":)" +
                                                  std::to_string(++index % 2) + "}"));
            for (int i = 0; i < 4; ++i) {
                on_b.poll(50);
                trainer.poll(0);
            }
            bool every = true;
            for (std::size_t i = 0; i < on_b.size() && every; ++i)
                every = on_b.at(i).slides > seen[i];
            if (every) all_b = now_ms() - killed;
        }
        swarm again(rig.b->port(), target, trainee);
        const bool back = again.open(per_node);
        const double all = std::max(all_b, now_ms() - killed);
        std::printf(
            "  kill %d: next slide at every trainee on B after %.2f s; node A's %d "
            "trainees welcomed on B after %.2f s%s\n",
            k + 1, all_b / 1000.0, per_node, all / 1000.0, back ? "" : " (some failed)");
        times.push_back(all_b > 0 && back ? all : 1e9);
        rig.a = rig.node("bench-a", 0);  // the same node, restarted, for the next round
    }
    std::sort(times.begin(), times.end());
    std::printf(
        "result: failover from kill to every trainee served, worst of %d kills (their "
        "p99): %.2f s (target <= 10 s)\n",
        kills, times.back() / 1000.0);
    return 0;
}

int run_cluster(int n, double rate, int slides, int kills, double storm_seconds, bool storm_only) {
    cluster_rig rig;
    std::printf(
        "live_load --cluster: node A pid %d (core 0), node B pid %d (core 1), NATS %s, "
        "PostgreSQL %s\n",
        rig.a->pid(), rig.b->pid(), rig.nats.url().c_str(), rig.uri.c_str());
    auto setup = prepare_daring(rig.a->port());
    const std::string target = "/api/v1/sessions/" + std::to_string(setup.session) + "/live";
    if (!storm_only) cluster_fanout(rig, setup, target, n, rate, slides);
    cluster_join_storm(rig, setup, n, storm_seconds);
    return storm_only ? 0 : cluster_failover(rig, setup, 100, kills);
}

int main(int argc, char** argv) {
    std::string naive_bin = NAIVE_SERVER_BINARY;
    std::vector<int> sizes;
    int slides = 100, burst = 4;
    double rate = 0;
    bool skip_naive = false;
    int external_port = 0;          // --port: a server started by hand (e.g. under heaptrack)
    bool presence = false;          // --presence: heartbeat ingest instead of fan-out
    bool quiz = false;              // --quiz: live quiz answers instead of fan-out
    bool isolation = false;         // --isolation: a sign-in storm beside a live session
    bool audio = false;             // --audio: the trainer speaks to the trainees
    bool recording_cost = false;    // --recording-cost: --audio with recording off, then on
    bool replay_downloads = false;  // --replay-downloads: offline files beside a live session
    bool reactions = false;         // --reactions: every trainee reacts each second beside slides
    bool cluster = false;           // --cluster: two nodes through NATS (fan-out, joins, failover)
    int kills = 5;                  // --kills: failovers measured by --cluster
    int downloads = 200, minutes = 90;
    int rounds = 3;        // --rounds: of --recording-cost
    int threads = 1;       // --threads: Daring's I/O threads
    int packets = 500;     // --packets: audio packets at 25/s in the --audio run
    int in_flight = 1000;  // --in-flight: audio packets sent one in flight after them
    int sequential = 200;
    int accounts = 200, seconds = 20;
    double every = 1;
    pid_t external_pid = 0;
    const std::map<std::string, int*> ints{
        {"--slides", &slides},       {"--burst", &burst},
        {"--port", &external_port},  {"--pid", &external_pid},
        {"--threads", &threads},     {"--packets", &packets},
        {"--in-flight", &in_flight}, {"--sequential", &sequential},
        {"--accounts", &accounts},   {"--seconds", &seconds},
        {"--rounds", &rounds},       {"--downloads", &downloads},
        {"--minutes", &minutes},     {"--kills", &kills}};
    double storm_seconds = 60;  // --storm-seconds: a join storm's arrivals spread over these
    bool storm_only = false;    // --storm-only: --cluster runs the join storm alone
    const std::map<std::string, double*> reals{
        {"--rate", &rate}, {"--heartbeat-every", &every}, {"--storm-seconds", &storm_seconds}};
    const std::map<std::string, bool*> flags{{"--skip-naive", &skip_naive},
                                             {"--presence", &presence},
                                             {"--quiz", &quiz},
                                             {"--isolation", &isolation},
                                             {"--audio", &audio},
                                             {"--recording-cost", &recording_cost},
                                             {"--replay-downloads", &replay_downloads},
                                             {"--reactions", &reactions},
                                             {"--cluster", &cluster},
                                             {"--storm-only", &storm_only}};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const std::string value = i + 1 < argc ? argv[i + 1] : "";
        if (a == "--naive") {
            naive_bin = value;
            ++i;
        } else if (a == "--trainees") {
            sizes.push_back(std::stoi(value));
            ++i;
        } else if (auto n = ints.find(a); n != ints.end()) {
            *n->second = std::stoi(value);
            ++i;
        } else if (auto r = reals.find(a); r != reals.end()) {
            *r->second = std::stod(value);
            ++i;
        } else if (auto f = flags.find(a); f != flags.end()) {
            *f->second = true;
        } else {
            std::fprintf(stderr, "unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    ::signal(SIGPIPE, SIG_IGN);

    if (isolation) return run_isolation_pair(sizes.empty() ? 300 : sizes.front(), 300);
    if (cluster)
        return run_cluster(sizes.empty() ? 10000 : sizes.front(), rate > 0 ? rate : 5, slides,
                           kills, storm_seconds, storm_only);
    if (recording_cost)
        return run_recording_cost(sizes.empty() ? 1000 : sizes.front(), packets, rounds);

    struct scenario {
        int trainees;
        double rate;
    };
    std::vector<scenario> plan;
    if (sizes.empty()) {
        plan = {{1000, 20}, {10000, 5}};
    } else {
        for (int n : sizes) plan.push_back({n, rate > 0 ? rate : 20});
    }

    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    std::unique_ptr<server_process> owned;
    struct target_server {
        std::uint16_t port_;
        pid_t pid_;
        std::uint16_t port() const { return port_; }
        pid_t pid() const { return pid_; }
    } daring{0, 0};
    if (external_port) {
        // Started by hand with DARING_ADMIN_PASSWORD=admin-password-1 on an empty database (and
        // --live-sockets-per-user as high as the trainees: the fan-out runs share one login).
        daring = {static_cast<std::uint16_t>(external_port), external_pid};
    } else {
        owned = std::make_unique<server_process>(
            at_production_cost({"serve",
                                dir.file("load.db"),
                                dir.file("web"),
                                {"--threads", std::to_string(threads), "--max-connections", "30000",
                                 "--live-sockets-per-user", "30000", "--audio-unpaced"},
                                {},
                                true}));
        daring = {owned->port(), owned->pid()};
    }
    auto setup = prepare_daring(daring.port());
    const std::string target = "/api/v1/sessions/" + std::to_string(setup.session) + "/live";
    std::printf("live_load: daring pid %d, %d I/O thread(s), loopback\n", daring.pid(), threads);
    if (replay_downloads)
        return run_replay_downloads(daring.port(), daring.pid(), setup,
                                    sizes.empty() ? 1000 : sizes.front(), downloads, minutes);
    if (audio) {
        const int n = sizes.empty() ? 1000 : sizes.front();
        return run_audio(naive_bin, daring.port(), daring.pid(), target, setup, n, packets,
                         in_flight, threads == 1 && !skip_naive);
    }
    if (reactions)
        return run_reactions(daring.port(), daring.pid(), target, setup,
                             sizes.empty() ? 10000 : sizes.front(), seconds == 20 ? 30 : seconds);
    if (presence) {
        const auto tokens = make_accounts(daring.port(), setup.session, accounts);
        run_presence(daring.port(), daring.pid(), target, tokens,
                     sizes.empty() ? 5000 : sizes.front(), every, seconds, 5);
        return 0;
    }
    if (quiz) {
        const int n = sizes.empty() ? 1000 : sizes.front();
        const double t0 = now_ms();
        const auto tokens = make_accounts(daring.port(), setup.session, n);
        std::printf("quiz: %d trainee accounts created and logged in in %.1f s\n", n,
                    (now_ms() - t0) / 1000.0);
        return run_quiz(daring.port(), daring.pid(), target, setup, tokens, sequential);
    }

    for (const auto& sc : plan) {
        swarm trainer(daring.port(), target,
                      "Authorization: Bearer " + setup.trainer_token + "\r\n");
        if (!trainer.open(1)) return 1;
        swarm trainees(daring.port(), target,
                       "Authorization: Bearer " + setup.trainee_token + "\r\n");
        const double t0 = now_ms();
        // Memory per idle connection: the growth while the second half connects, once the first
        // half has warmed the allocator (handshake garbage is reused, not counted).
        auto settle = [&] {
            for (int i = 0; i < 30; ++i) {
                trainees.poll(100);
                trainer.poll(0);
            }
        };
        const int half = sc.trainees / 2;
        bool ok = trainees.open(half);
        settle();
        const long rss_before = rss_kib(daring.pid());
        ok = ok && trainees.open(sc.trainees - half);
        if (!ok) {
            std::fprintf(stderr, "only %zu of %d trainees connected\n",
                         trainees.size() - trainees.failed(), sc.trainees);
            return 1;
        }
        settle();
        const long rss_after = rss_kib(daring.pid());
        std::printf(
            "%d trainees connected in %.1f s; server memory %+ld KiB over the last %d = %.2f KiB "
            "per idle connection\n",
            sc.trainees, (now_ms() - t0) / 1000.0, rss_after - rss_before, sc.trainees - half,
            static_cast<double>(rss_after - rss_before) / (sc.trainees - half));
        char label[96];
        std::snprintf(label, sizeof label, "daring: %d trainees, %.0f slides/s", sc.trainees,
                      sc.rate);
        print(label, push_slides(trainees, trainer, daring.pid(),
                                 std::min(slides, static_cast<int>(sc.rate * 5)), sc.rate, 0));
    }

    if (!skip_naive) {
        const int n = plan.front().trainees;
        std::printf(
            "throughput with %d broadcasts in flight, %d trainees, against a naive "
            "one-write-per-message server:\n",
            burst, n);
        fanout_result ours, theirs;
        {
            swarm trainer(daring.port(), target,
                          "Authorization: Bearer " + setup.trainer_token + "\r\n");
            swarm trainees(daring.port(), target,
                           "Authorization: Bearer " + setup.trainee_token + "\r\n");
            if (!trainer.open(1) || !trainees.open(n)) return 1;
            for (int i = 0; i < 10; ++i) trainees.poll(100);
            ours = push_slides(trainees, trainer, daring.pid(), slides, 0, burst);
            print("daring (batched writes, shared buffers)", ours);
        }
        // The naive server, started and measured in the same run.
        const auto [naive, port] = start_naive(naive_bin);
        if (naive <= 0) return 1;
        {
            swarm trainer(port, "/live?role=trainer", "");
            swarm trainees(port, "/live", "");
            if (!trainer.open(1) || !trainees.open(n)) return 1;
            theirs = push_slides(trainees, trainer, naive, slides, 0, burst);
            print("naive Beast server (one write per message)", theirs);
        }
        ::kill(naive, SIGTERM);
        ::waitpid(naive, nullptr, 0);
        std::printf("result: daring delivers %.2fx the naive server's deliveries per second\n",
                    ours.deliveries_per_s / std::max(1.0, theirs.deliveries_per_s));
    }
    return 0;
}
