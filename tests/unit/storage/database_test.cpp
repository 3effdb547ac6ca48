#include "storage/database.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/engines.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::storage;
using daring::test::temp_dir;

namespace {

database_options options_for(const std::string& path) {
    database_options o;
    o.path = path;
    o.read_connections = 2;
    return o;
}

void create_probe_table(database& db) {
    db.write([](connection& c) {
        c.exec("CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    });
}

void insert_probe(connection& c, int id, const std::string& v) {
    daring::storage::statement q(c, "INSERT INTO probe (id, v) VALUES (?, ?)");
    q.bind(1, id);
    q.bind(2, v);
    q.exec();
}

std::set<int> probe_ids(database& db) {
    return db.read([](connection& c) {
        std::set<int> out;
        daring::storage::statement q(c, "SELECT id FROM probe");
        while (q.step()) out.insert(q.column(0).as_int());
        return out;
    });
}

// The writer's tests run on both engines: an SQLite file, and a database of its own on the
// suite's PostgreSQL cluster (where a failed statement aborts the whole transaction).
class WriterOn : public ::testing::TestWithParam<sql_dialect> {
  protected:
    // The same database for every call within one test (a test may reopen it).
    const std::string& where() {
        if (where_.empty()) {
            static int databases = 0;
            where_ = GetParam() == sql_dialect::sqlite
                         ? dir_.file("a.db")
                         : daring::test::shared_pg_cluster().create_database(
                               "w" + std::to_string(getpid()) + "_" + std::to_string(++databases));
        }
        return where_;
    }
    database_options options() { return options_for(where()); }

  private:
    temp_dir dir_;
    std::string where_;
};

// Answers a promise when the job is done.
database::write_done settle(const std::shared_ptr<std::promise<void>>& p) {
    return [p](std::exception_ptr e) {
        if (e)
            p->set_exception(e);
        else
            p->set_value();
    };
}

// Holds the writer busy until the returned promise is set, so the next jobs land in one batch.
std::promise<void> hold_writer(database& db) {
    std::promise<void> gate;
    db.submit([held = gate.get_future().share()](connection&) { held.wait(); },
              [](std::exception_ptr) {});
    return gate;
}

}  // namespace

DARING_ON_BOTH_ENGINES(WriterOn);

TEST(Migrations, BringAnEmptyDatabaseToTheLatestVersion) {
    temp_dir dir;
    database db(options_for(dir.file("a.db")));
    EXPECT_EQ(db.schema_version(), all_migrations().back().version);
    auto users = db.read([](connection& c) { return list_users(c, {}); });
    EXPECT_TRUE(users.empty());
}

TEST(Migrations, AreIdempotentOnAnAlreadyMigratedDatabase) {
    temp_dir dir;
    {
        database db(options_for(dir.file("a.db")));
        daring::protocol::new_user u{
            "keep.me", "password-1", "Keep Me", daring::protocol::role::trainee, {}};
        db.write([&](connection& c) { insert_user(c, u, "hash", 1); });
    }
    database again(options_for(dir.file("a.db")));
    EXPECT_EQ(again.schema_version(), all_migrations().back().version);
    auto count = again.read([](connection& c) {
        return static_cast<int>(c.scalar("SELECT COUNT(*) FROM schema_migrations"));
    });
    EXPECT_EQ(count, static_cast<int>(all_migrations().size()));
    EXPECT_TRUE(again.read([](connection& c) { return username_exists(c, "keep.me"); }));
}

TEST_P(WriterOn, AFailingJobRollsBackOnlyItselfNotItsBatchNeighbours) {
    database db(options());
    create_probe_table(db);
    auto gate = hold_writer(db);
    std::vector<std::future<void>> results;
    for (int i = 0; i < 3; ++i) {
        auto p = std::make_shared<std::promise<void>>();
        results.push_back(p->get_future());
        db.submit(
            [i](connection& c) {
                insert_probe(c, i + 1, "value-" + std::to_string(i));
                if (i == 1) throw std::runtime_error("job 1 fails after its insert");
            },
            settle(p));
    }
    gate.set_value();
    EXPECT_NO_THROW(results[0].get());
    EXPECT_THROW(results[1].get(), std::runtime_error);
    EXPECT_NO_THROW(results[2].get());
    EXPECT_EQ(probe_ids(db), (std::set<int>{1, 3}));
}

// Jobs run without a savepoint each; when one fails (here by a broken uniqueness rule, which on
// PostgreSQL aborts the transaction) its batch is rolled back and its neighbours run once more,
// in savepoints: each committed exactly once, the failed one not at all.
TEST_P(WriterOn, AFailureReplaysItsBatchAndEveryOtherJobCommitsExactlyOnce) {
    auto o = options();
    o.batch_window = std::chrono::seconds(10);  // the batch ends at its failure, not by time
    database db(o);
    create_probe_table(db);
    db.write([](connection& c) { insert_probe(c, 100, "taken"); });
    std::atomic<std::uint64_t> replays{0};
    db.on_commit([&](const commit_stats& s) { replays = s.replays_total; });
    auto gate = hold_writer(db);
    std::vector<std::future<void>> results;
    std::vector<std::shared_ptr<std::atomic<int>>> runs;
    for (int i = 0; i < 6; ++i) {
        auto p = std::make_shared<std::promise<void>>();
        results.push_back(p->get_future());
        auto ran = runs.emplace_back(std::make_shared<std::atomic<int>>(0));
        db.submit(
            [i, ran](connection& c) {
                ++*ran;
                insert_probe(c, i + 1, i == 2 || i == 4 ? "taken" : "v" + std::to_string(i));
            },
            settle(p));
    }
    gate.set_value();
    for (int i = 0; i < 6; ++i) {
        if (i == 2 || i == 4)
            EXPECT_THROW(results[i].get(), std::exception) << "job " << i;
        else
            EXPECT_NO_THROW(results[i].get()) << "job " << i;
    }
    EXPECT_EQ(probe_ids(db), (std::set<int>{1, 2, 4, 6, 100}));
    EXPECT_EQ(runs[0]->load(), 2) << "the first job ran again after its neighbour failed";
    EXPECT_GE(replays.load(), 1u);
    EXPECT_EQ(runs[5]->load(), 1) << "a job after both failures ran in a clean batch";
}

TEST_P(WriterOn, ABatchWithoutFailuresRunsEachJobOnceWithoutReplays) {
    database db(options());
    create_probe_table(db);
    std::atomic<std::uint64_t> replays{0};
    db.on_commit([&](const commit_stats& s) { replays = s.replays_total; });
    auto gate = hold_writer(db);
    std::vector<std::future<void>> results;
    auto runs = std::make_shared<std::atomic<int>>(0);
    for (int i = 1; i <= 100; ++i) {
        auto p = std::make_shared<std::promise<void>>();
        results.push_back(p->get_future());
        db.submit(
            [i, runs](connection& c) {
                ++*runs;
                insert_probe(c, i, std::to_string(i));
            },
            settle(p));
    }
    gate.set_value();
    for (auto& r : results) EXPECT_NO_THROW(r.get());
    EXPECT_EQ(runs->load(), 100);
    EXPECT_EQ(replays.load(), 0u);
    EXPECT_EQ(probe_ids(db).size(), 100u);
}

TEST_P(WriterOn, GroupsConcurrentWritesIntoBatchesAndAcknowledgesEveryOne) {
    database db(options());
    create_probe_table(db);
    std::atomic<std::size_t> largest{0};
    db.on_commit([&](const commit_stats& s) {
        auto prev = largest.load();
        while (s.batch_size > prev && !largest.compare_exchange_weak(prev, s.batch_size)) {
        }
    });
    constexpr int writers = 8, per_writer = 50;
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < per_writer; ++i) {
                int id = w * per_writer + i + 1;
                db.write([id](connection& c) { insert_probe(c, id, "v" + std::to_string(id)); });
            }
        });
    }
    for (auto& t : threads) t.join();
    auto count = db.read(
        [](connection& c) { return static_cast<int>(c.scalar("SELECT COUNT(*) FROM probe")); });
    EXPECT_EQ(count, writers * per_writer);
    EXPECT_GT(largest.load(), 1u);
}

TEST_P(WriterOn, TranslatesUniqueViolationsIntoConflicts) {
    database db(options());
    daring::protocol::new_user u{"dup", "password-1", "Dup", daring::protocol::role::trainee, {}};
    db.write([&](connection& c) { insert_user(c, u, "h", 1); });
    EXPECT_THROW(db.write([&](connection& c) { insert_user(c, u, "h", 1); }), conflict_error);
}

TEST_P(WriterOn, StopFinishesEveryQueuedJob) {
    auto db = std::make_unique<database>(options());
    create_probe_table(*db);
    std::atomic<int> done{0};
    for (int i = 1; i <= 200; ++i) {
        db->submit([i](connection& c) { insert_probe(c, i, std::to_string(i)); },
                   [&](std::exception_ptr e) {
                       if (!e) ++done;
                   });
    }
    db.reset();
    EXPECT_EQ(done.load(), 200);
    database reopened(options());
    EXPECT_EQ(reopened.read([](connection& c) {
        return static_cast<int>(c.scalar("SELECT COUNT(*) FROM probe"));
    }),
              200);
}

// A thread that keeps writing while the database stops (the outbox's thread at shutdown): every
// write either commits or fails with "shutting down"; none waits forever for a writer that has
// already returned. Many short rounds, so the moment of stopping falls everywhere.
TEST_P(WriterOn, AWriteRacingStopIsAnsweredNeverLeftWaiting) {
    for (int round = 0; round < 40; ++round) {
        database db(options());
        create_probe_table(db);
        std::atomic<int> answered{0};
        std::atomic<bool> refused{false};
        std::thread writer([&] {
            for (int i = 0; !refused; ++i) {
                try {
                    db.write([&](connection& c) {
                        insert_probe(c, round * 100000 + i + 1,
                                     std::to_string(round) + "-" + std::to_string(i));
                    });
                } catch (const overloaded_error&) {
                    refused = true;
                }
                ++answered;
            }
        });
        std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 7)));
        db.stop();
        writer.join();  // hangs here if a job was queued after the writer returned
        EXPECT_TRUE(refused.load());
        EXPECT_GT(answered.load(), 0);
    }
}
// The read pool opens one connection at start and another only when reads overlap, never more
// than read_connections (2 here): a third overlapping read waits for one to come back.
TEST_P(WriterOn, ReadConnectionsOpenWhenReadsOverlapUpToThePool) {
    database db(options());
    EXPECT_EQ(db.figures().read_connections, 1u);
    for (int i = 0; i < 3; ++i) db.read([](connection& c) { c.scalar("SELECT 1"); });
    EXPECT_EQ(db.figures().read_connections, 1u) << "reads one after another share one";

    std::promise<void> release;
    auto released = release.get_future().share();
    std::atomic<int> holding{0};
    const auto hold = [&] {
        db.read([&](connection& c) {
            c.scalar("SELECT 1");
            ++holding;
            released.wait();
        });
    };
    // Bounded waits: a pool that cannot lend two at once fails here instead of hanging.
    const auto until = [](auto done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!done() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return done();
    };
    std::thread first(hold), second(hold);
    const bool both_held = until([&] { return holding == 2; });
    if (!both_held) {  // let both reads end before failing
        release.set_value();
        first.join();
        second.join();
    }
    ASSERT_TRUE(both_held) << "two overlapping reads never held a connection each";
    EXPECT_EQ(db.figures().read_connections, 2u);
    EXPECT_EQ(db.figures().readers_in_use, 2u);
    std::atomic<bool> third_done{false};
    std::thread third([&] {
        db.read([](connection& c) { c.scalar("SELECT 1"); });
        third_done = true;
    });
    EXPECT_TRUE(until([&] { return db.figures().read_waits_total > 0; }))
        << "the third read never waited";
    EXPECT_FALSE(third_done.load()) << "a third read went past a full pool";
    release.set_value();
    first.join();
    second.join();
    third.join();
    EXPECT_TRUE(third_done.load());
    EXPECT_EQ(db.figures().read_connections, 2u);
    EXPECT_EQ(db.figures().readers_in_use, 0u);
}

// A child process writes rows and reports each acknowledged id through a pipe; the parent kills
// it with SIGKILL mid-stream. Every id the child reported must be in the database afterwards.
TEST(Writer, NeverLosesAnAcknowledgedWriteWhenKilled) {
    temp_dir dir;
    const auto path = dir.file("crash.db");
    {
        database db(options_for(path));
        create_probe_table(db);
    }
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        database db(options_for(path));
        std::mutex m;
        for (int i = 1; i < 1000000; ++i) {
            db.submit([i](connection& c) { insert_probe(c, i, std::to_string(i)); },
                      [i, fd = fds[1], &m](std::exception_ptr e) {
                          if (e) return;
                          std::lock_guard lock(m);
                          (void)!::write(fd, &i, sizeof i);
                      });
            if (i % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::vector<int> acked;
    while (acked.size() < 3000) {
        int id;
        if (::read(fds[0], &id, sizeof id) != sizeof id) break;
        acked.push_back(id);
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    // Drain acks that were already in the pipe when the child died.
    int id;
    while (::read(fds[0], &id, sizeof id) == sizeof id) acked.push_back(id);
    ::close(fds[0]);
    ASSERT_GE(acked.size(), 3000u);

    database db(options_for(path));
    auto present = probe_ids(db);
    for (int a : acked) ASSERT_TRUE(present.contains(a)) << "acknowledged id " << a << " was lost";
    auto integrity = db.read([](connection& c) {
        daring::storage::statement q(c, "PRAGMA integrity_check");
        return q.step() ? q.column(0).as_text() : std::string();
    });
    EXPECT_EQ(integrity, "ok");
}
