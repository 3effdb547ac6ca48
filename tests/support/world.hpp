#pragma once
// The shared integration fixture: a real server on a temporary database, an administrator
// signed in, and the verbs tests build their world with (users, a training with its trainers
// and trainees, sessions, joining the live room, heartbeats, the test clock). Every step that
// must succeed throws std::runtime_error naming the response when it does not, so a fixture's
// SetUp fails clearly.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/time_format.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

namespace daring::test {

struct person {
    std::string username;
    std::string full_name;
    std::string role = "trainee";
};

class world {
  public:
    // Every user the world imports signs in with this password.
    static constexpr const char* password = "password-world";

    world();
    ~world();

    // Starts the server on the world's database (again, after a stop or kill), with
    // --test-clock-file when the clock was set, and signs the administrator in.
    void launch(std::vector<std::string> extra_args = {});
    // The time the server reads (Unix seconds); before launch() it puts the server on this clock.
    void set_clock(protocol::unix_seconds t);
    std::string clock_path() const { return dir.file("clock"); }

    void import_users(const std::vector<person>& people);
    std::int64_t user_id(const std::string& username);
    // A login token of `username` (cached; forget() after the server forgot it).
    const std::string& token(const std::string& username);
    void forget_tokens() { tokens_.clear(); }
    api_client as(const std::string& username);

    // Region 62.71 (WIB) and a DAK funding source, made once.
    std::int64_t funding();
    std::int64_t add_training(const std::string& title, const std::string& mode = "online");
    void enroll(std::int64_t training, const std::vector<std::string>& usernames);
    void assign(std::int64_t training, const std::string& trainer);
    // A session with one slide per title, from `starts` to `ends` (RFC 3339).
    std::int64_t add_session(std::int64_t training, const std::string& title,
                             const std::string& starts, const std::string& ends,
                             const std::vector<std::string>& slide_titles = {"S0"});
    void start(std::int64_t session, const std::string& as_user);

    static std::string training_path(std::int64_t training);
    static std::string session_path(std::int64_t session);
    static std::string live_path(std::int64_t session,
                                 std::optional<std::uint64_t> resume = std::nullopt);

    // A WebSocket to the session's live room with a bearer token; check status() yourself.
    std::unique_ptr<ws_client> connect(const std::string& token, std::int64_t session,
                                       std::optional<std::uint64_t> resume = std::nullopt,
                                       std::vector<std::pair<std::string, std::string>> extra = {});
    // `username` in the live room: upgraded and welcomed (throws otherwise).
    std::unique_ptr<ws_client> join(const std::string& username, std::int64_t session);
    // A heartbeat the server has acknowledged; throws when no ack came.
    void heartbeat(ws_client& ws, bool visible = true);

    temp_dir dir;
    std::string
        database;  // the server's --db; empty: dir/t.db (or its stand-in, see test_database)
    std::unique_ptr<server_process> server;
    std::unique_ptr<http_client> http;
    std::unique_ptr<api_client> admin;

  private:
    bool clocked_ = false;
    std::int64_t funding_ = 0;
    int beats_ = 0;
    std::map<std::string, std::string> tokens_;
};

}  // namespace daring::test
