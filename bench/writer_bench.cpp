// Acknowledged single-row writes per second through the storage writer: group commit against
// one transaction per write, measured in the same run on the same disk. Not a test.
//
//   build/bench/writer_bench [--seconds S] [--in-flight N] [--postgresql URI]
//
// With --postgresql, the same group-commit run on that (empty, throwaway) PostgreSQL database
// too, in the same invocation, and PostgreSQL's acknowledged writes per second as a ratio of
// SQLite's (the target is at least 0.5x).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

using namespace daring::storage;
using clock_type = std::chrono::steady_clock;

namespace {

struct outcome {
    double writes_per_second;
    double mean_batch;
};

// `where`: a directory for an SQLite file, or a PostgreSQL URI.
outcome run(const std::string& where, std::size_t max_batch, double seconds, int in_flight) {
    const bool pg = is_postgresql_uri(where);
    const auto path = pg ? where : where + "/bench-" + std::to_string(max_batch) + ".db";
    if (!pg)
        for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
    database_options o;
    o.path = path;
    o.max_batch = max_batch;
    database db(o);
    db.write([](connection& c) {
        c.exec("DROP TABLE IF EXISTS bench");
        c.exec("CREATE TABLE bench (id BIGINT PRIMARY KEY, v TEXT)");
    });
    std::atomic<long> commits{0}, batched{0};
    db.on_commit([&](const commit_stats& s) {
        ++commits;
        batched += static_cast<long>(s.batch_size);
    });

    std::mutex m;
    std::condition_variable cv;
    int outstanding = 0;
    long acked = 0;
    const auto start = clock_type::now();
    const auto end = start + std::chrono::duration<double>(seconds);
    long next = 0;
    while (clock_type::now() < end) {
        {
            std::unique_lock lock(m);
            cv.wait(lock, [&] { return outstanding < in_flight; });
            ++outstanding;
        }
        long id = ++next;
        db.submit(
            [id](connection& c) {
                daring::storage::statement q(c, "INSERT INTO bench (id, v) VALUES (?, 'payload')");
                q.bind(1, static_cast<int64_t>(id));
                q.exec();
            },
            [&](std::exception_ptr) {
                std::lock_guard lock(m);
                --outstanding;
                ++acked;
                cv.notify_one();
            });
    }
    {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return outstanding == 0; });
    }
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    return {static_cast<double>(acked) / elapsed,
            commits ? static_cast<double>(batched) / static_cast<double>(commits) : 0};
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 2.0;
    int in_flight = 256;
    std::string postgresql;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--seconds")) seconds = std::stod(argv[i + 1]);
        if (!std::strcmp(argv[i], "--in-flight")) in_flight = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--postgresql")) postgresql = argv[i + 1];
    }
    auto dir = std::filesystem::temp_directory_path() / "daring-writer-bench";
    std::filesystem::create_directories(dir);
    std::printf("writer_bench: %d writes in flight, %.1f s per round, synchronous=FULL, WAL\n",
                in_flight, seconds);
    // Alternate the two modes so drift on a noisy machine hits both alike.
    double group = 0, single = 0, group_batch = 0;
    for (int round = 0; round < 2; ++round) {
        auto s = run(dir.string(), 1, seconds, in_flight);
        auto g = run(dir.string(), 512, seconds, in_flight);
        std::printf(
            "  round %d: one transaction per write %9.0f writes/s | group commit %9.0f writes/s "
            "(mean batch %.1f)\n",
            round + 1, s.writes_per_second, g.writes_per_second, g.mean_batch);
        single += s.writes_per_second;
        group += g.writes_per_second;
        group_batch += g.mean_batch;
    }
    std::printf(
        "result: group commit %.0f writes/s, one transaction per write %.0f writes/s, ratio %.1fx "
        "(mean batch %.1f)\n",
        group / 2, single / 2, group / single, group_batch / 2);
    if (!postgresql.empty()) {
        double pg = 0, sqlite = 0;
        for (int round = 0; round < 2; ++round) {
            const auto s = run(dir.string(), 512, seconds, in_flight);
            const auto p = run(postgresql, 512, seconds, in_flight);
            std::printf(
                "  round %d: group commit SQLite %9.0f writes/s | PostgreSQL %9.0f "
                "writes/s (mean batch %.1f)\n",
                round + 1, s.writes_per_second, p.writes_per_second, p.mean_batch);
            sqlite += s.writes_per_second;
            pg += p.writes_per_second;
        }
        std::printf(
            "result: acknowledged writes PostgreSQL %.0f/s vs SQLite %.0f/s: %.2fx "
            "(target >= 0.5x)\n",
            pg / 2, sqlite / 2, pg / sqlite);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
