// Report generation at scale: a training with N trainees x S sessions (default 1,000 x 20),
// every session held online, each trainee with one to three presence intervals per session,
// some marks, a pre-test and a post-test. Times the training attendance matrix and the completion
// report as JSON, CSV and XLSX, and the peak memory each adds; the baseline, measured in the
// same run, is reading the same presence rows with one plain query (the least any report must do).
//
//   report_bench [--trainees N] [--sessions S] [--rounds R] [--postgresql URI]
//
// With --postgresql (an empty, throwaway database) the same training is seeded there too and
// every report timed on both engines in this run: PostgreSQL's time as a ratio of SQLite's
// (target: within 2x).
#include <SQLiteCpp/SQLiteCpp.h>
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "server/reports/completion_report.hpp"
#include "server/reports/training_matrix.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/funding_repo.hpp"
#include "storage/quiz_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"

using namespace daring;
using clock_type = std::chrono::steady_clock;

namespace {

// A "Vm...:" line of /proc/self/status, in KiB.
long status_kib(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
    return 0;
}
long rss_kib() {
    return status_kib("VmRSS:");
}
long peak_kib() {
    return status_kib("VmHWM:");
}
// Resets the peak (VmHWM) to the current RSS.
void reset_peak() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

struct measure {
    double best_ms = 1e18;
    long peak_growth_kib = 0;
    std::size_t bytes = 0;
};

measure run(int rounds, const std::function<std::size_t()>& f) {
    measure m;
    for (int i = 0; i < rounds; ++i) {
        ::malloc_trim(0);  // hand freed memory back, so the growth of this round shows
        reset_peak();
        const long before = rss_kib();
        const auto t0 = clock_type::now();
        m.bytes = f();
        const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
        m.best_ms = std::min(m.best_ms, ms);
        m.peak_growth_kib = std::max(m.peak_growth_kib, peak_kib() - before);
    }
    return m;
}

struct seeded {
    std::int64_t training_id = 0;
    double seconds = 0;
};

seeded seed(storage::database& db, int trainees, int sessions, protocol::unix_seconds day0) {
    seeded out;
    const auto t_seed = clock_type::now();
    db.write([&](storage::connection& c) {
        storage::insert_region(c, {"62.71", "Kota Palangka Raya", 420});
        protocol::funding_source f;
        f.code = "DAK-2021";
        f.name = "DAK";
        f.amount_idr = 1000000000;
        const auto funding = storage::insert_funding_source(c, f, day0 - 86400 * 30);
        protocol::new_user trainer{"pelatih", "x", "Pelatih", protocol::role::trainer, {}};
        const auto trainer_id = storage::insert_user(c, trainer, "not-a-hash", day0 - 86400 * 30);
        protocol::training t;
        t.title = "Pelatihan besar";
        t.region_code = "62.71";
        t.funding_source_id = funding;
        t.planned_mode = protocol::delivery_mode::online;
        out.training_id = storage::insert_training(c, t, day0 - 86400 * 30);
        std::vector<std::int64_t> users;
        for (int i = 0; i < trainees; ++i) {
            protocol::new_user u{"peserta" + std::to_string(i),
                                 "x",
                                 "Peserta " + std::to_string(i),
                                 protocol::role::trainee,
                                 {}};
            users.push_back(storage::insert_user(c, u, "not-a-hash", day0 - 86400 * 30));
            storage::enroll(c, out.training_id, users.back(), day0 - 86400 * 30);
        }
        std::mt19937 rng(42);
        std::int64_t presence_id = 0;
        for (int k = 0; k < sessions; ++k) {
            protocol::session s;
            s.training_id = out.training_id;
            s.title = "Sesi " + std::to_string(k + 1);
            s.starts_at = day0 + k * 86400;
            s.ends_at = s.starts_at + 7200;
            s.current.mode = protocol::delivery_mode::online;
            s.id = storage::insert_session(c, s, day0 - 86400 * 30);
            storage::start_session(c, s.id, trainer_id, s.starts_at, 75, 900);
            for (auto u : users) {
                const int parts = 1 + static_cast<int>(rng() % 3);
                auto at = s.starts_at + static_cast<std::int64_t>(rng() % 1200);
                for (int p = 0; p < parts && at < s.ends_at; ++p) {
                    const auto end = std::min<std::int64_t>(
                        s.ends_at, at + 600 + static_cast<std::int64_t>(rng() % 4000));
                    storage::insert_presence(c, {++presence_id, s.id, u, true, at, end, end});
                    at = end + static_cast<std::int64_t>(rng() % 300);
                }
                if (rng() % 50 == 0) {
                    storage::mark_row m{0,       s.id,       u,         "excused",
                                        "Sakit", trainer_id, "Pelatih", s.starts_at + 60};
                    storage::insert_mark(c, m);
                }
            }
            storage::end_session(c, s.id, trainer_id, s.ends_at);
        }
    });
    out.seconds = std::chrono::duration<double>(clock_type::now() - t_seed).count();
    return out;
}

// Every report of the training on one engine: label -> measure, in the order printed.
std::vector<std::pair<std::string, measure>> time_reports(storage::database& db,
                                                          std::int64_t training_id, int sessions,
                                                          int rounds, protocol::unix_seconds day0) {
    std::vector<std::pair<std::string, measure>> out;
    const server::attendance_thresholds th{75, 900};
    const protocol::unix_seconds now = day0 + sessions * 86400;
    const auto training =
        *db.read([&](storage::connection& c) { return storage::find_training(c, training_id); });
    std::size_t rows = 0;
    const auto base = run(rounds, [&] {
        return db.read([&](storage::connection& c) {
            daring::storage::statement q(
                c,
                "SELECT p.session_id, p.user_id, p.visible, p.started_at, p.last_seen, "
                "p.ended_at "
                "FROM presence_intervals p JOIN training_sessions s ON s.id = p.session_id "
                "WHERE s.training_id = ?");
            q.bind(1, training_id);
            std::size_t n = 0;
            std::int64_t sum = 0;
            while (q.step()) {
                ++n;
                sum += q.column(4).as_int64() - q.column(3).as_int64();
            }
            rows = n;
            return n + static_cast<std::size_t>(sum % 2);
        });
    });
    std::printf("  %-44s %8.1f ms  peak +%6ld KiB  (%zu presence rows)\n",
                "baseline: one query over the presence rows", base.best_ms, base.peak_growth_kib,
                rows);
    out.emplace_back("baseline: one query over the presence rows", base);
    auto report = [&](const char* label, const std::function<std::size_t()>& f) {
        const auto m = run(rounds, f);
        std::printf("  %-44s %8.1f ms  peak +%6ld KiB  %9zu bytes  %5.1fx the baseline\n", label,
                    m.best_ms, m.peak_growth_kib, m.bytes,
                    m.best_ms / std::max(0.001, base.best_ms));
        std::fflush(stdout);
        out.emplace_back(label, m);
    };
    auto matrix = [&] {
        return db.read([&](storage::connection& c) {
            return server::build_training_attendance(c, training, now, th);
        });
    };
    auto completion = [&] {
        return db.read(
            [&](storage::connection& c) { return server::build_completion(c, training, now, th); });
    };
    report("training attendance matrix, JSON",
           [&] { return protocol::dump(server::to_json(matrix())).size(); });
    report("training attendance matrix, CSV",
           [&] { return server::to_csv(server::to_table(matrix())).size(); });
    report("training attendance matrix, XLSX",
           [&] { return server::to_xlsx(server::to_table(matrix())).size(); });
    report("completion, JSON",
           [&] { return protocol::dump(server::to_json(completion())).size(); });
    report("completion, CSV",
           [&] { return server::to_csv(server::to_table(completion())).size(); });
    report("completion, XLSX",
           [&] { return server::to_xlsx(server::to_table(completion())).size(); });
    // What a trainee's own progress page and a certificate compute: one row, its evidence only.
    const auto someone = db.read([&](storage::connection& c) {
        const auto all = storage::enrolled_trainees(c, training.id);
        return all.empty() ? std::int64_t{0} : all[all.size() / 2].user_id;
    });
    report("one trainee's completion, JSON", [&] {
        return protocol::dump(server::to_json(db.read([&](storage::connection& c) {
                   return server::build_completion(c, training, now, th, someone);
               })))
            .size();
    });
    return out;
}

// Seeds the training on the engine at `where` and times every report there.
std::vector<std::pair<std::string, measure>> bench_engine(const std::string& where, int trainees,
                                                          int sessions, int rounds) {
    storage::database db({where});
    const protocol::unix_seconds day0 = 1625450400;  // 2021-07-05 09:00 WIB
    const auto s = seed(db, trainees, sessions, day0);
    std::printf("report_bench: %d trainees x %d sessions seeded in %.1f s (%s)\n", trainees,
                sessions, s.seconds, storage::without_password(where).c_str());
    return time_reports(db, s.training_id, sessions, rounds, day0);
}

}  // namespace

int main(int argc, char** argv) {
    int trainees = 1000, sessions = 20, rounds = 5;
    std::string postgresql;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&] { return i + 1 < argc ? std::stoi(argv[++i]) : 0; };
        if (a == "--trainees")
            trainees = value();
        else if (a == "--sessions")
            sessions = value();
        else if (a == "--rounds")
            rounds = value();
        else if (a == "--postgresql" && i + 1 < argc)
            postgresql = argv[++i];
        else {
            std::fprintf(stderr, "unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    const auto dir = std::filesystem::temp_directory_path() /
                     ("daring-report-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto sqlite = bench_engine((dir / "r.db").string(), trainees, sessions, rounds);
    std::filesystem::remove_all(dir);
    const auto find = [&](const std::string& label) {
        for (const auto& [l, m] : sqlite)
            if (l == label) return m.best_ms;
        return 0.0;
    };
    std::printf("result: matrix JSON %.0f ms, CSV %.0f ms (target under 200 ms each)\n",
                find("training attendance matrix, JSON"), find("training attendance matrix, CSV"));
    if (postgresql.empty()) return 0;
    const auto pg = bench_engine(postgresql, trainees, sessions, rounds);
    double worst = 0;
    std::printf("PostgreSQL vs SQLite, same training, same run:\n");
    for (std::size_t i = 0; i < pg.size() && i < sqlite.size(); ++i) {
        const double ratio = pg[i].second.best_ms / std::max(0.001, sqlite[i].second.best_ms);
        if (i > 0) worst = std::max(worst, ratio);  // the baseline query is not a report
        std::printf("  %-44s SQLite %8.1f ms  PostgreSQL %8.1f ms  %5.2fx\n", pg[i].first.c_str(),
                    sqlite[i].second.best_ms, pg[i].second.best_ms, ratio);
    }
    std::printf("result: PostgreSQL reports at worst %.2fx SQLite's time (target <= 2x): %s\n",
                worst, worst <= 2.0 ? "met" : "MISSED");
    return 0;
}
