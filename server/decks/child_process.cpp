#include "server/decks/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace daring::server {

namespace {

using steady = std::chrono::steady_clock;

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void become_child(char* const* argv, char* const* envp, const char* dir,
                               const char* stderr_path, int out_fd, const child_limits& limits,
                               pid_t server) {
    setpgid(0, 0);
    // The server dying (killed, crashed) sends the child SIGTERM: nobody would watch its limits
    // or read its output any more. A server that died before this line is checked for too. (The
    // signal follows the forking thread, which waits in run_child until the child has ended.)
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != server) _exit(125);
    const rlimit as{limits.address_space, limits.address_space};
    const rlimit cpu{static_cast<rlim_t>(limits.cpu_seconds),
                     static_cast<rlim_t>(limits.cpu_seconds) + 1};
    const rlimit fsize{limits.file_size, limits.file_size};
    const rlimit core{0, 0};
    if (limits.address_space > 0) setrlimit(RLIMIT_AS, &as);
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_FSIZE, &fsize);
    setrlimit(RLIMIT_CORE, &core);
    if (nice(limits.nice) == -1 && errno != 0) {
        // Niceness is a courtesy: a failure does not stop the run.
    }
    if (chdir(dir) != 0) _exit(126);
    const int in = open("/dev/null", O_RDONLY);
    const int err = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || err < 0) _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    // Nothing of the server (sockets, the database) reaches the child.
    syscall(SYS_close_range, 3U, ~0U, 0U);
    execve(argv[0], argv, envp);
    _exit(127);
}

// Splits what arrived into lines; false when a line outgrew the limit.
bool take_lines(std::string& pending, const child_limits& limits,
                const std::function<void(std::string_view)>& on_line) {
    std::size_t start = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
        on_line(std::string_view(pending).substr(start, nl - start));
        start = nl + 1;
    }
    pending.erase(0, start);
    return pending.size() <= limits.line_limit;
}

void kill_group(pid_t pid) {
    kill(-pid, SIGKILL);
}

}  // namespace

child_result run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::filesystem::path& dir, const std::filesystem::path& stderr_file,
                       const child_limits& limits,
                       const std::function<void(std::string_view)>& on_line,
                       const std::atomic<bool>* cancel) {
    child_result result;
    const auto started = steady::now();
    std::vector<char*> args, envs;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envs.push_back(const_cast<char*>(e.c_str()));
    envs.push_back(nullptr);
    const std::string dir_text = dir.string(), err_text = stderr_file.string();

    int fds[2];
    if (argv.empty() || pipe2(fds, O_CLOEXEC) != 0) return result;
    const pid_t server = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return result;
    }
    if (pid == 0)
        become_child(args.data(), envs.data(), dir_text.c_str(), err_text.c_str(), fds[1], limits,
                     server);
    setpgid(pid, pid);  // also here: no race with a kill before the child ran setpgid
    close(fds[1]);

    std::string pending;
    bool open_pipe = true;
    const auto deadline = started + limits.wall;
    while (open_pipe) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
        if (left.count() <= 0) {
            result.how = child_result::ending::timed_out;
            break;
        }
        if (cancel && cancel->load()) {
            result.how = child_result::ending::cancelled;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int ready =
            poll(&p, 1, static_cast<int>(std::min<long>(left.count(), cancel_check.count())));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        char buf[8192];
        const auto n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            open_pipe = false;
            break;
        }
        pending.append(buf, static_cast<std::size_t>(n));
        if (!take_lines(pending, limits, on_line)) {
            result.how = child_result::ending::output_too_long;
            break;
        }
    }
    close(fds[0]);
    if (result.how != child_result::ending::not_started) kill_group(pid);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    kill_group(pid);  // grandchildren (LibreOffice) that outlived the converter
    if (result.how == child_result::ending::not_started) {
        if (WIFEXITED(status)) {
            result.how = child_result::ending::exited;
            result.code = WEXITSTATUS(status);
        } else {
            result.how = child_result::ending::signalled;
            result.code = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
        }
    }
    result.took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started);
    return result;
}

}  // namespace daring::server
