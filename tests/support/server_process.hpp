#pragma once
// Starts the real `daring` binary on an ephemeral port for integration tests.
#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace daring::test {

struct server_launch {
    std::string command = "serve";
    std::string db_path;
    std::string web_root;
    std::vector<std::string> extra_args;
    std::vector<std::string> extra_env;  // "NAME=value"
    bool admin_password = true;          // set DARING_ADMIN_PASSWORD
    // --test-cheap-passwords (serve and demo): argon2id at its least cost, so the suite's
    // thousands of sign-ins take microseconds each. Tests of the hashing's cost or of its pool
    // under load set it false and get the production cost.
    bool cheap_passwords = true;
};

class server_process {
  public:
    explicit server_process(server_launch launch);
    // Runs `daring serve --listen 127.0.0.1:0 --db <db> --web-root <web_root> extra...` with
    // DARING_ADMIN_PASSWORD=admin-password-1 and waits for its "listening on" line.
    server_process(std::string db_path, std::string web_root,
                   std::vector<std::string> extra_args = {},
                   std::vector<std::string> extra_env = {});
    ~server_process();

    std::uint16_t port() const { return port_; }
    const std::string& url() const { return url_; }
    pid_t pid() const { return pid_; }
    // Sends `signal` and waits; returns the exit status (or 128+signal when killed).
    int stop(int signal);
    // Everything the server printed to stdout before "listening on".
    const std::string& banner() const { return banner_; }

    static constexpr const char* admin_password = "admin-password-1";

  private:
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::uint16_t port_ = 0;
    std::string url_;
    std::string banner_;
};

// Whether process `pid` runs: not gone, and not a zombie waiting for a reaper (a container's
// init may never reap it).
bool process_alive(pid_t pid);

// The database a test's server uses for the file `path`: the file itself, or with
// DARING_TEST_ENGINE=postgresql a PostgreSQL database on the suite's cluster that stands for it
// (the same one each time the test names the same file, so a restarted server finds its data).
std::string test_database(const std::string& path);

// A fresh temporary directory, removed at destruction.
class temp_dir {
  public:
    temp_dir();
    ~temp_dir();
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// A helper program (a test's stand-in for a provider) that prints "PORT PID" on its first line
// and serves until killed; killed at destruction. port() is 0 when it did not start.
class helper_process {
  public:
    explicit helper_process(const std::string& command);
    ~helper_process();
    helper_process(const helper_process&) = delete;
    helper_process& operator=(const helper_process&) = delete;
    int port() const { return port_; }

  private:
    FILE* pipe_ = nullptr;
    int port_ = 0;
    int pid_ = 0;
};

// Every JSON file in `dir`, in name order (what a stand-in recorded).
std::vector<nlohmann::json> json_files(const std::string& dir);

}  // namespace daring::test
