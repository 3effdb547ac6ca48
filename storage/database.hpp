#pragma once
// The database (an SQLite file, or PostgreSQL when `path` is a postgresql:// URI): one writer
// thread with group commit, a pool of read-only connections.
// No SQLite type appears here: repositories take an opaque `connection&`.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace daring::storage {

class connection;  // defined in storage/connection.hpp, private to storage/

// A write broke a uniqueness rule (duplicate username, region code...). `what()` is safe to
// show; `field` names the offending field.
class conflict_error : public std::runtime_error {
  public:
    conflict_error(std::string field, const std::string& message)
        : std::runtime_error(message), field(std::move(field)) {}
    std::string field;
};

// A foreign key or check failed: the input references something that does not exist.
class constraint_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The disk (or the file system's quota) is full: nothing more can be written until space
// returns. Reads still work.
class storage_full_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};
// Another process held the database beyond the busy timeout.
class busy_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};
// The database or its file system is read-only.
class read_only_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// How the last group commit went: ok, or why writes fail now (cleared by the next commit that
// succeeds, so the state recovers by itself once space returns).
enum class storage_health { ok, full, read_only, busy, unavailable };

struct database_options {
    std::string path;  // an SQLite file, or a PostgreSQL URI (postgresql://user@host/dbname)
    std::size_t read_connections = 4;  // at most; one opens at start, the rest when reads overlap
    // Group commit bounds: at most `max_batch` jobs, and no new job joins a batch once it has
    // run for `batch_window`.
    std::size_t max_batch = 512;
    std::chrono::microseconds batch_window{3000};
    // Jobs waiting beyond this are refused with overloaded_error rather than queued without bound.
    std::size_t queue_limit = 100000;
    // The outside channels configured (write jobs queue outbox rows only for these).
    bool whatsapp_configured = true;
    bool email_configured = true;
};

// The database server cannot be reached (PostgreSQL down, a wrong address or password).
class unavailable_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};
// The database server is a version Daring does not support (PostgreSQL older than 13).
class unsupported_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

inline constexpr int minimum_postgresql_version = 130000;

// `where` (--db) names a PostgreSQL database (a libpq URI), not an SQLite file.
bool is_postgresql_uri(const std::string& where);
// A URI fit for a log line: its password replaced by ***.
std::string without_password(const std::string& uri);

class overloaded_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct commit_stats {
    std::chrono::nanoseconds latency{};  // BEGIN to end of COMMIT
    std::size_t batch_size = 0;
    // Batches so far that were rolled back and run again because one of their jobs failed.
    std::uint64_t replays_total = 0;
};

// The pool and transaction figures of a database, for /metrics.
struct database_figures {
    const char* engine = "sqlite";  // or "postgresql"
    std::size_t read_connections = 0, readers_in_use = 0;
    std::uint64_t read_waits_total = 0;  // reads that found every connection busy
    std::size_t write_queue = 0, write_queue_limit = 0;
    std::uint64_t commits_total = 0, failed_commits_total = 0;
    std::uint64_t replays_total = 0;  // batches replayed after one of their jobs failed
};

class database {
  public:
    // A job may run twice: when a job of its batch fails, the batch's transaction is rolled back
    // and the other jobs run again (each in a savepoint then). So a job's effects are on the
    // connection and on results it assigns (never appends), and it must not move its captures.
    using write_job = std::function<void(connection&)>;
    // Called on the writer thread after COMMIT with nullptr, or with the job's exception after
    // its writes were rolled back (its batch neighbours are unaffected). Must not block:
    // post to your own executor.
    using write_done = std::function<void(std::exception_ptr)>;

    // Opens (creating if needed) the database, applies pending migrations, starts the writer.
    explicit database(database_options options);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Thread-safe. Queues a write job for the next group commit.
    void submit(write_job job, write_done done);

    // Blocking helpers for worker threads (never call them on an I/O thread).
    // write(): runs f(connection&) in the writer, returns its result after COMMIT, rethrows.
    template <class F>
    auto write(F f) -> std::invoke_result_t<F, connection&>;
    // read(): runs f(connection&) on a borrowed read-only connection.
    template <class F>
    auto read(F f) -> std::invoke_result_t<F, connection&>;

    // Thread-safe; called on the writer thread after each COMMIT.
    void on_commit(std::function<void(const commit_stats&)> observer);

    // Finishes every queued job, then stops the writer. Idempotent; the destructor calls it.
    void stop();

    int schema_version();
    // Thread-safe; cheap (two short locks).
    database_figures figures();
    // Thread-safe. The outcome of the last write batch.
    storage_health health() const { return health_.load(std::memory_order_relaxed); }
    // Writes a probe row in a write job and returns the resulting health (a worker thread).
    storage_health probe_write();
    // The result of the last ping() (true before the first): cheap, for readiness checks that
    // must not wait for a read connection.
    bool answered() const { return answered_.load(std::memory_order_relaxed); }
    // True when a read connection answers a trivial query.
    bool ping();
    // A read that failed because the database cannot be reached makes answered() false.
    void note_read_failure(const std::exception_ptr& e);

  private:
    struct pending {
        write_job job;
        write_done done;
    };
    class read_lease;

    void writer_loop();
    // On the writer thread:
    bool wait_for_jobs();
    std::optional<pending> next_job();
    std::exception_ptr fill_batch(std::vector<pending>& batch,
                                  std::chrono::steady_clock::time_point started);
    std::exception_ptr replay_without_last(std::vector<pending>& batch,
                                           std::vector<std::exception_ptr>& outcomes,
                                           std::exception_ptr failure);
    std::exception_ptr run_in_savepoint(pending& p);
    std::exception_ptr commit_or_roll_back();
    std::unique_ptr<connection> open_reader() const;
    std::size_t pool_size() const;
    connection* acquire_reader();
    void release_reader(connection* c);

    database_options options_;
    std::unique_ptr<connection> writer_conn_;
    std::vector<std::unique_ptr<connection>> readers_;

    std::mutex queue_mutex_;  // guards queue_, stopping_, writer_gone_
    std::condition_variable queue_cv_;
    std::deque<pending> queue_;
    bool stopping_ = false;
    bool writer_gone_ = false;  // the writer has drained the queue and returned

    std::mutex readers_mutex_;  // guards readers_ (after the constructor), free_readers_,
                                // readers_opening_
    std::condition_variable readers_cv_;
    std::vector<connection*> free_readers_;
    std::size_t readers_opening_ = 0;  // being opened outside the lock by acquire_reader

    std::mutex observer_mutex_;  // guards observer_
    std::function<void(const commit_stats&)> observer_;

    std::thread writer_;
    std::uint64_t replays_ = 0;  // writer thread only
    std::atomic<std::uint64_t> replays_seen_{0}, commits_{0}, failed_commits_{0}, read_waits_{0};
    std::atomic<storage_health> health_{storage_health::ok};
    std::atomic<bool> answered_{true};
};

// The engine's error of `e` as one of the storage errors above (disk full, busy, read-only), or
// `e` itself when it is none of them.
std::exception_ptr translated(std::exception_ptr e);

// The job's exception is handed over as the only reference (the writer keeps none), moved out
// here and rethrown: the caller's thread is the one that frees it.
template <class F>
auto database::write(F f) -> std::invoke_result_t<F, connection&> {
    using R = std::invoke_result_t<F, connection&>;
    auto promise = std::make_shared<std::promise<void>>();
    auto future = promise->get_future();
    auto failure = std::make_shared<std::exception_ptr>();
    auto finished = [promise, failure](std::exception_ptr e) {
        *failure = std::move(e);
        promise->set_value();
    };
    if constexpr (std::is_void_v<R>) {
        submit([f = std::move(f)](connection& c) mutable { f(c); }, std::move(finished));
        future.get();
        if (*failure) std::rethrow_exception(std::exchange(*failure, nullptr));
    } else {
        auto out = std::make_shared<std::optional<R>>();
        submit([f = std::move(f), out](connection& c) mutable { out->emplace(f(c)); },
               std::move(finished));
        future.get();
        if (*failure) std::rethrow_exception(std::exchange(*failure, nullptr));
        return std::move(**out);
    }
}

template <class F>
auto database::read(F f) -> std::invoke_result_t<F, connection&> {
    connection* c = nullptr;
    try {
        c = acquire_reader();  // may open a connection, and fail to
    } catch (...) {
        note_read_failure(std::current_exception());
        throw;
    }
    struct release {
        database* db;
        connection* c;
        ~release() { db->release_reader(c); }
    } guard{this, c};
    try {
        using R = std::invoke_result_t<F, connection&>;
        if constexpr (std::is_void_v<R>) {
            f(*c);
            answered_.store(true, std::memory_order_relaxed);
        } else {
            R result = f(*c);
            answered_.store(true, std::memory_order_relaxed);
            return result;
        }
    } catch (...) {
        auto failure = translated(std::current_exception());
        note_read_failure(failure);
        std::rethrow_exception(failure);
    }
}

}  // namespace daring::storage
