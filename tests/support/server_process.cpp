#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/support/pg_cluster.hpp"

namespace daring::test {

bool process_alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_text, name, state;
    if (!(stat >> pid_text >> name >> state)) return false;
    return state != "Z" && state != "X";
}

std::string test_database(const std::string& path) {
    const char* engine = std::getenv("DARING_TEST_ENGINE");
    if (!engine || std::string(engine) != "postgresql" || path.starts_with("postgres")) return path;
    // The file stands for a PostgreSQL database: made on first use, the same on a restart.
    const auto marker = path + ".postgresql";
    std::ifstream known(marker);
    std::string uri;
    if (std::getline(known, uri) && !uri.empty()) return uri;
    static int made = 0;
    uri = shared_pg_cluster().create_migrated_database("it_" + std::to_string(::getpid()) + "_" +
                                                       std::to_string(++made));
    std::ofstream(marker) << uri << "\n";
    return uri;
}

server_process::server_process(std::string db_path, std::string web_root,
                               std::vector<std::string> extra_args,
                               std::vector<std::string> extra_env)
    : server_process(server_launch{"serve", std::move(db_path), std::move(web_root),
                                   std::move(extra_args), std::move(extra_env), true}) {}

server_process::server_process(server_launch launch) {
    auto& extra_env = launch.extra_env;
    if (launch.command == "serve") {
        const auto file = launch.db_path;
        launch.db_path = test_database(file);
        // Files a server keeps beside an SQLite database stay beside its stand-in file.
        const auto beside = std::filesystem::path(file).parent_path();
        const std::pair<std::string, std::string> dirs[] = {{"--recordings-dir", "recordings"},
                                                            {"--assets-dir", "assets"}};
        for (const auto& [option, name] : dirs) {
            auto& a = launch.extra_args;
            if (launch.db_path != file && std::find(a.begin(), a.end(), option) == a.end())
                a.insert(a.end(), {option, (beside / name).string()});
        }
    }
    std::vector<std::string> args = {DARING_BINARY, launch.command, "--listen",   "127.0.0.1:0",
                                     "--db",        launch.db_path, "--web-root", launch.web_root};
    if (std::find(launch.extra_args.begin(), launch.extra_args.end(), "--threads") ==
        launch.extra_args.end()) {
        args.insert(args.end(), {"--threads", "2"});
    }
    if (launch.cheap_passwords && (launch.command == "serve" || launch.command == "demo"))
        args.push_back("--test-cheap-passwords");
    args.insert(args.end(), launch.extra_args.begin(), launch.extra_args.end());
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        if (launch.admin_password) {
            ::setenv("DARING_ADMIN_PASSWORD", admin_password, 1);
        } else {
            ::unsetenv("DARING_ADMIN_PASSWORD");
        }
        for (const auto& kv : extra_env) ::putenv(const_cast<char*>(kv.c_str()));
        if (!std::getenv("DARING_TEST_VERBOSE")) {
            int devnull = ::open("/dev/null", O_WRONLY);
            if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    stdout_fd_ = pipe_fds[0];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string out;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{stdout_fd_, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        char buf[512];
        ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        auto pos = out.find("listening on ");
        if (pos != std::string::npos && out.find('\n', pos) != std::string::npos) {
            banner_ = out.substr(0, pos);
            url_ = out.substr(pos + 13, out.find('\n', pos) - pos - 13);
            port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
            return;
        }
    }
    stop(SIGKILL);
    throw std::runtime_error("the server did not start; output: " + out);
}

server_process::~server_process() {
    if (pid_ > 0) stop(SIGKILL);
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

int server_process::stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

temp_dir::temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "daring-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

helper_process::helper_process(const std::string& command) {
    pipe_ = ::popen(command.c_str(), "r");
    if (pipe_ && std::fscanf(pipe_, "%d %d", &port_, &pid_) != 2) port_ = 0;
}

helper_process::~helper_process() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    if (pipe_) ::pclose(pipe_);
}

std::vector<nlohmann::json> json_files(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".json") names.push_back(e.path());  // not a file half written
    std::sort(names.begin(), names.end());
    std::vector<nlohmann::json> out;
    for (const auto& n : names) out.push_back(nlohmann::json::parse(std::ifstream(n)));
    return out;
}

}  // namespace daring::test
