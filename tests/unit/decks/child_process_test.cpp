#include "server/decks/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/server_process.hpp"

using namespace daring::server;
using daring::test::process_alive;
using daring::test::temp_dir;
using namespace std::chrono_literals;

namespace {

child_result run_shell(const std::string& script, const temp_dir& dir,
                       const std::atomic<bool>* cancel = nullptr, child_limits limits = {}) {
    std::vector<std::string> lines;
    return run_child(
        {"/bin/sh", "-c", script}, {"PATH=/usr/bin:/bin"}, dir.path(), dir.file("stderr.txt"),
        limits, [&](std::string_view line) { lines.emplace_back(line); }, cancel);
}

}  // namespace

TEST(ChildProcess, ExitsWithItsCodeAndHandsOverEveryLine) {
    temp_dir dir;
    std::vector<std::string> lines;
    const auto r = run_child({"/bin/sh", "-c", "echo one; echo two; exit 3"}, {}, dir.path(),
                             dir.file("stderr.txt"), {},
                             [&](std::string_view line) { lines.emplace_back(line); });
    EXPECT_EQ(r.how, child_result::ending::exited);
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(lines, (std::vector<std::string>{"one", "two"}));
}

// The server stopping cancels a long conversion: the child and its grandchildren die at once
// instead of at the wall limit (which kept a stopping server waiting for minutes).
TEST(ChildProcess, ACancelledRunKillsTheWholeGroupPromptly) {
    temp_dir dir;
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        cancel = true;
    });
    const auto started = std::chrono::steady_clock::now();
    // A grandchild that would outlive its parent, its pid written down.
    const auto r = run_shell("sleep 60 & echo $! > grandchild.pid; sleep 60", dir, &cancel);
    const auto took = std::chrono::steady_clock::now() - started;
    canceller.join();
    EXPECT_EQ(r.how, child_result::ending::cancelled);
    EXPECT_LT(took, 30s);  // the wall limit is 180 s and the children sleep 60 s
    std::ifstream in(dir.file("grandchild.pid"));
    pid_t grandchild = 0;
    in >> grandchild;
    ASSERT_GT(grandchild, 0);
    for (int i = 0; i < 50 && process_alive(grandchild); ++i) std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(process_alive(grandchild));
}

TEST(ChildProcess, AChildPastItsWallLimitIsKilled) {
    temp_dir dir;
    child_limits limits;
    limits.wall = 1s;
    const auto r = run_shell("sleep 60", dir, nullptr, limits);
    EXPECT_EQ(r.how, child_result::ending::timed_out);
}

// A server killed (or crashed) while its child runs: nobody watches the child's wall limit any
// more, so the child must not stay behind (it gets the parent-death signal, SIGTERM).
TEST(ChildProcess, AChildDoesNotOutliveAServerThatDied) {
    temp_dir dir;
    const pid_t server = fork();
    ASSERT_GE(server, 0);
    if (server == 0) {  // the "server": runs the child and is killed while it does
        run_shell("echo $$ > child.pid; exec sleep 60", dir);
        _exit(0);
    }
    pid_t child = 0;
    for (int i = 0; i < 500 && child <= 0; ++i) {
        std::this_thread::sleep_for(10ms);
        std::ifstream in(dir.file("child.pid"));
        in >> child;
    }
    kill(server, SIGKILL);
    waitpid(server, nullptr, 0);
    ASSERT_GT(child, 0);
    for (int i = 0; i < 250 && process_alive(child); ++i) std::this_thread::sleep_for(20ms);
    const bool outlived = process_alive(child);
    if (outlived) kill(child, SIGKILL);
    EXPECT_FALSE(outlived);
}
