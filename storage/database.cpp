#include "storage/database.hpp"

#include <algorithm>

#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_connection.hpp"
#include "storage/sqlite_connection.hpp"

namespace daring::storage {

void rethrow_constraint(const sql_error& e, const std::string& field, const std::string& message) {
    if (e.what_kind == sql_error::kind::unique) throw conflict_error(field, message);
    if (e.what_kind == sql_error::kind::constraint) throw constraint_error(e.what());
    throw e;
}

namespace {

std::unique_ptr<connection> open_sqlite(const std::string& path, bool writer) {
    if (writer) {
        auto c = std::make_unique<sqlite_connection>(
            path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        c->exec("PRAGMA journal_mode=WAL");
        c->exec("PRAGMA synchronous=FULL");
        c->exec("PRAGMA foreign_keys=ON");
        c->db.setBusyTimeout(5000);
        return c;
    }
    auto c = std::make_unique<sqlite_connection>(path, SQLite::OPEN_READONLY);
    c->db.setBusyTimeout(5000);
    c->exec("PRAGMA query_only=1");
    return c;
}

std::unique_ptr<connection> open_postgresql(const std::string& uri, bool writer) {
    std::unique_ptr<pg_connection> c;
    try {
        c = std::make_unique<pg_connection>(uri);
    } catch (const sql_error& e) {
        throw unavailable_error("cannot reach PostgreSQL at " + without_password(uri) + ": " +
                                e.what());
    }
    if (c->server_version() < minimum_postgresql_version) {
        throw unsupported_error("PostgreSQL " + std::to_string(c->server_version() / 10000) +
                                " at " + without_password(uri) +
                                " is too old: Daring needs PostgreSQL 13 or newer");
    }
    // A reader stays read-only after a lost connection is re-established, too.
    if (!writer) c->set_session("default_transaction_read_only", "on");
    return c;
}

}  // namespace

bool is_postgresql_uri(const std::string& where) {
    return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

std::string without_password(const std::string& uri) {
    const auto scheme = uri.find("://");
    const auto at = uri.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) return uri;
    const auto colon = uri.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return uri;
    return uri.substr(0, colon) + ":***" + uri.substr(at);
}

database::database(database_options options) : options_(std::move(options)) {
    writer_conn_ = is_postgresql_uri(options_.path) ? open_postgresql(options_.path, true)
                                                    : open_sqlite(options_.path, true);
    writer_conn_->channels = {options_.whatsapp_configured, options_.email_configured};
    apply_migrations(*writer_conn_);
    // One reader now, the rest of the pool when reads overlap (acquire_reader): each PostgreSQL
    // connection is a server process, and a quiet node (or a test server) never needs four.
    auto first = open_reader();
    free_readers_.push_back(first.get());
    readers_.push_back(std::move(first));
    writer_ = std::thread([this] { writer_loop(); });
}

database::~database() {
    stop();
}

void database::stop() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
}

void database::submit(write_job job, write_done done) {
    {
        std::lock_guard lock(queue_mutex_);
        if (writer_gone_) {  // a job queued now would never run: its caller would wait forever
            done(std::make_exception_ptr(overloaded_error("the database is shutting down")));
            return;
        }
        if (queue_.size() >= options_.queue_limit) {
            done(std::make_exception_ptr(overloaded_error("the write queue is full")));
            return;
        }
        queue_.push_back({std::move(job), std::move(done)});
    }
    queue_cv_.notify_one();
}

void database::on_commit(std::function<void(const commit_stats&)> observer) {
    std::lock_guard lock(observer_mutex_);
    observer_ = std::move(observer);
}

std::exception_ptr translated(std::exception_ptr e) {
    if (!e) return e;
    try {
        std::rethrow_exception(e);
    } catch (const sql_error& x) {
        switch (x.what_kind) {
            case sql_error::kind::full:
                return std::make_exception_ptr(storage_full_error(x.what()));
            case sql_error::kind::busy:
                return std::make_exception_ptr(busy_error(x.what()));
            case sql_error::kind::read_only:
                return std::make_exception_ptr(read_only_error(x.what()));
            case sql_error::kind::unavailable:
                return std::make_exception_ptr(unavailable_error(x.what()));
            default:
                return e;
        }
    } catch (...) {
        return e;
    }
}

namespace {

// A new exception object equal to the one in `e` (a batch's commit failure goes to every job
// of the batch, each rethrowing it on its own thread).
std::exception_ptr copy_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const storage_full_error& x) {
        return std::make_exception_ptr(x);
    } catch (const read_only_error& x) {
        return std::make_exception_ptr(x);
    } catch (const busy_error& x) {
        return std::make_exception_ptr(x);
    } catch (const unavailable_error& x) {
        return std::make_exception_ptr(x);
    } catch (const sql_error& x) {
        return std::make_exception_ptr(x);
    } catch (const std::exception& x) {
        return std::make_exception_ptr(std::runtime_error(x.what()));
    } catch (...) {
        return std::make_exception_ptr(std::runtime_error("the write failed"));
    }
}

storage_health health_of(const std::exception_ptr& e) {
    if (!e) return storage_health::ok;
    try {
        std::rethrow_exception(e);
    } catch (const storage_full_error&) {
        return storage_health::full;
    } catch (const read_only_error&) {
        return storage_health::read_only;
    } catch (const busy_error&) {
        return storage_health::busy;
    } catch (const unavailable_error&) {
        return storage_health::unavailable;
    } catch (...) {
        return storage_health::ok;  // a job's own failure says nothing of the storage
    }
}

}  // namespace

storage_health database::probe_write() {
    try {
        write([](connection& c) {
            c.exec(
                "INSERT INTO server_secrets(name, value) VALUES ('storage_probe', 'x') ON "
                "CONFLICT(name) DO UPDATE SET value = excluded.value");
        });
    } catch (...) {
    }
    return health();
}

// One job in its own savepoint: a job that fails is rolled back alone, the batch goes on.
std::exception_ptr database::run_in_savepoint(pending& p) {
    auto& db = *writer_conn_;
    try {
        db.exec("SAVEPOINT job");
        p.job(*writer_conn_);
        db.exec("RELEASE job");
        return nullptr;
    } catch (...) {
        auto failure = translated(std::current_exception());
        try {
            db.exec("ROLLBACK TO job");
            db.exec("RELEASE job");
        } catch (...) {
            // The transaction is gone (e.g. the disk filled): COMMIT fails too.
        }
        return failure;
    }
}

// Waits for work; false once stopping and drained (later jobs are then refused at once).
bool database::wait_for_jobs() {
    std::unique_lock lock(queue_mutex_);
    queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (!queue_.empty()) return true;
    writer_gone_ = true;
    return false;
}

std::optional<database::pending> database::next_job() {
    std::lock_guard lock(queue_mutex_);
    if (queue_.empty()) return std::nullopt;
    auto p = std::move(queue_.front());
    queue_.pop_front();
    return p;
}

// Jobs run straight in the batch's transaction, no savepoint each (on PostgreSQL a savepoint
// costs two round trips per job). Jobs arriving while the batch runs join it, within the count
// and time bounds. The first job that fails ends the batch; its failure is returned.
std::exception_ptr database::fill_batch(std::vector<pending>& batch,
                                        std::chrono::steady_clock::time_point started) {
    while (batch.size() < options_.max_batch &&
           std::chrono::steady_clock::now() - started < options_.batch_window) {
        auto p = next_job();
        if (!p) break;
        batch.push_back(std::move(*p));
        try {
            batch.back().job(*writer_conn_);
        } catch (...) {
            return translated(std::current_exception());
        }
    }
    return nullptr;
}

// The batch's last job failed: the transaction is rolled back and the others run again, each in
// a savepoint now, so the failed job's writes are gone and its neighbours' are kept. Returns the
// failure of BEGIN when the transaction cannot even be started again (every job gets it).
std::exception_ptr database::replay_without_last(std::vector<pending>& batch,
                                                 std::vector<std::exception_ptr>& outcomes,
                                                 std::exception_ptr failure) {
    auto& db = *writer_conn_;
    ++replays_;
    try {
        db.exec("ROLLBACK");
    } catch (...) {  // the connection is gone: BEGIN says so below
    }
    outcomes.assign(batch.size(), nullptr);
    outcomes.back() = std::move(failure);
    try {
        db.begin();
    } catch (...) {
        return translated(std::current_exception());
    }
    for (std::size_t i = 0; i + 1 < batch.size(); ++i) outcomes[i] = run_in_savepoint(batch[i]);
    return nullptr;
}

void database::writer_loop() {
    auto& db = *writer_conn_;
    std::vector<pending> batch;
    std::vector<std::exception_ptr> outcomes;
    while (wait_for_jobs()) {
        batch.clear();
        outcomes.clear();
        const auto started = std::chrono::steady_clock::now();
        try {
            db.begin();
        } catch (...) {
            // Cannot even begin: fail the next job and retry the loop.
            auto failure = translated(std::current_exception());
            health_.store(health_of(failure), std::memory_order_relaxed);
            if (auto p = next_job()) p->done(std::move(failure));
            continue;
        }
        std::exception_ptr commit_failure;
        if (auto failed = fill_batch(batch, started))
            commit_failure = replay_without_last(batch, outcomes, std::move(failed));
        else
            outcomes.assign(batch.size(), nullptr);
        if (!commit_failure) commit_failure = commit_or_roll_back();
        (commit_failure ? failed_commits_ : commits_).fetch_add(1, std::memory_order_relaxed);
        replays_seen_.store(replays_, std::memory_order_relaxed);
        const auto latency = std::chrono::steady_clock::now() - started;
        {
            std::lock_guard lock(observer_mutex_);
            if (observer_) observer_(commit_stats{latency, batch.size(), replays_});
        }
        auto health = health_of(commit_failure);
        for (const auto& o : outcomes)
            if (health == storage_health::ok) health = health_of(o);
        health_.store(health, std::memory_order_relaxed);
        // Each job gets an exception object of its own and the writer keeps no reference to it,
        // so the thread that rethrows it frees it.
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i].done(commit_failure ? copy_of(commit_failure)
                                         : std::exchange(outcomes[i], nullptr));
        }
    }
}

std::exception_ptr database::commit_or_roll_back() {
    auto& db = *writer_conn_;
    try {
        db.exec("COMMIT");
        return nullptr;
    } catch (...) {
        auto failure = translated(std::current_exception());
        try {
            db.exec("ROLLBACK");
        } catch (...) {
        }
        return failure;
    }
}

std::unique_ptr<connection> database::open_reader() const {
    return is_postgresql_uri(options_.path) ? open_postgresql(options_.path, false)
                                            : open_sqlite(options_.path, false);
}

std::size_t database::pool_size() const {
    return std::max<std::size_t>(1, options_.read_connections);
}

connection* database::acquire_reader() {
    connection* c = nullptr;
    {
        std::unique_lock lock(readers_mutex_);
        if (free_readers_.empty() && readers_.size() + readers_opening_ < pool_size()) {
            ++readers_opening_;
            lock.unlock();
            std::unique_ptr<connection> fresh;
            try {
                fresh = open_reader();
            } catch (...) {  // e.g. PostgreSQL away: this read fails, the pool stays as it was
                lock.lock();
                --readers_opening_;
                throw;
            }
            lock.lock();
            --readers_opening_;
            readers_.push_back(std::move(fresh));
            return readers_.back().get();
        }
        if (free_readers_.empty()) read_waits_.fetch_add(1, std::memory_order_relaxed);
        readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
        c = free_readers_.back();
        free_readers_.pop_back();
    }
    try {
        c->revive_if_lost();
    } catch (const std::exception&) {  // still away: the read itself reports it (503)
    }
    return c;
}

void database::release_reader(connection* c) {
    {
        std::lock_guard lock(readers_mutex_);
        free_readers_.push_back(c);
    }
    readers_cv_.notify_one();
}

database_figures database::figures() {
    database_figures f;
    f.engine = is_postgresql_uri(options_.path) ? "postgresql" : "sqlite";
    {
        std::lock_guard lock(readers_mutex_);
        f.read_connections = readers_.size();
        f.readers_in_use = readers_.size() - free_readers_.size();
    }
    {
        std::lock_guard lock(queue_mutex_);
        f.write_queue = queue_.size();
    }
    f.write_queue_limit = options_.queue_limit;
    f.read_waits_total = read_waits_.load(std::memory_order_relaxed);
    f.commits_total = commits_.load(std::memory_order_relaxed);
    f.failed_commits_total = failed_commits_.load(std::memory_order_relaxed);
    f.replays_total = replays_seen_.load(std::memory_order_relaxed);
    return f;
}

int database::schema_version() {
    return read([](connection& c) { return current_schema_version(c); });
}

void database::note_read_failure(const std::exception_ptr& e) {
    if (health_of(e) == storage_health::unavailable)
        answered_.store(false, std::memory_order_relaxed);
}

bool database::ping() {
    bool ok = false;
    try {
        ok = read([](connection& c) { return c.scalar("SELECT 1") == 1; });
    } catch (...) {
    }
    answered_.store(ok, std::memory_order_relaxed);
    return ok;
}

}  // namespace daring::storage
