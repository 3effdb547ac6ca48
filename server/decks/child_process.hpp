#pragma once
// Runs a program as a child process under resource limits, in its own process group, reading
// its standard output line by line. Used for everything that opens an uploaded file: a hostile
// file can exhaust only its own child's limits, never the server.
//
// Blocking: call from a worker thread (never an I/O thread).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace daring::server {

// Sanitizer builds map terabytes of shadow memory at start: an address-space limit would stop
// the child before main(). They run with the other limits only.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool sanitized_build = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif
#else
inline constexpr bool sanitized_build = false;
#endif

// The address-space limit to use: `bytes`, or none (0) in a sanitizer build.
constexpr std::uint64_t address_space_limit(std::uint64_t bytes) {
    return sanitized_build ? 0 : bytes;
}

struct child_limits {
    std::uint64_t address_space = address_space_limit(2ull << 30);  // RLIMIT_AS; 0: none
    int cpu_seconds = 120;                  // CPU time (RLIMIT_CPU), then SIGKILL
    std::uint64_t file_size = 64ull << 20;  // bytes of any one file it writes (RLIMIT_FSIZE)
    std::chrono::seconds wall{180};         // whole run, then the group is killed
    int nice = 10;                          // added niceness: the server keeps priority
    std::size_t line_limit = 64 * 1024;     // a longer output line ends the run
};

struct child_result {
    enum class ending { exited, signalled, timed_out, output_too_long, cancelled, not_started };
    ending how = ending::not_started;
    int code = -1;  // exit status, or the signal number
    std::chrono::milliseconds took{0};
};

// Runs argv[0] (a path) with `argv` in `dir`, environment `env` ("NAME=value"), standard input
// from /dev/null, standard error to `stderr_file`. Each complete output line goes to `on_line`
// as it arrives. When the child ends, its whole process group is killed (no stray grandchild
// survives it). When the server dies first (killed, crashed), the child gets SIGTERM (Linux's
// parent-death signal; a child that starts others ends its whole group on it, as `daring
// convert` does). When `cancel` becomes true (the server stops) the group is killed within
// `cancel_check` and the run ends `cancelled`.
child_result run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::filesystem::path& dir, const std::filesystem::path& stderr_file,
                       const child_limits& limits,
                       const std::function<void(std::string_view line)>& on_line,
                       const std::atomic<bool>* cancel = nullptr);

inline constexpr std::chrono::milliseconds cancel_check{100};

}  // namespace daring::server
