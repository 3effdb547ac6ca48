#include "server/app/cli.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>

#include "protocol/deck.hpp"
#include "server/app/app.hpp"
#include "server/app/config.hpp"
#include "server/app/database_metrics.hpp"
#include "server/app/demo_seed.hpp"
#include "server/decks/deck_convert.hpp"
#include "server/decks/deck_converter.hpp"
#include "server/net/http_server.hpp"
#include "server/util/tokens.hpp"
#include "storage/backup.hpp"
#include "storage/copy.hpp"
#include "storage/users_repo.hpp"

namespace daring::server {

namespace {

// Log lines gather in memory and reach stderr when 64 KiB are pending, every second, and at
// once for warnings and errors: the access log costs no system call per request. A crash loses
// at most the last second of info lines. On a terminal every line is written at once.
class buffered_stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        pending_.append(formatted.data(), formatted.size());
        if (pending_.size() >= flush_at) flush_();
    }
    void flush_() override {
        std::size_t done = 0;
        while (done < pending_.size()) {
            const auto n = ::write(STDERR_FILENO, pending_.data() + done, pending_.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // stderr gone: drop the lines rather than stall
            done += static_cast<std::size_t>(n);
        }
        pending_.clear();
    }

  private:
    static constexpr std::size_t flush_at = 64 * 1024;
    std::string pending_;
};

void setup_logging() {
    std::shared_ptr<spdlog::logger> logger;
    // The flush level is the logger's own (the registry's applies only to loggers it makes).
    if (::isatty(STDERR_FILENO)) {
        logger = spdlog::stderr_color_mt("daring");
        logger->flush_on(spdlog::level::info);
    } else {
        logger =
            std::make_shared<spdlog::logger>("daring", std::make_shared<buffered_stderr_sink>());
        logger->flush_on(spdlog::level::warn);
        spdlog::flush_every(std::chrono::seconds(1));
    }
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(logger);
}

// DARING_ADMIN_PASSWORD creates `admin` when missing; a database without any admin gets one with
// a random password, printed once.
void bootstrap_admin(storage::database& db, const password_hasher& hasher, const clock& clk) {
    const char* env = std::getenv("DARING_ADMIN_PASSWORD");
    std::string password = env ? env : "";
    if (!password.empty() && (password.size() < protocol::password_min_length ||
                              password.size() > protocol::password_max_length)) {
        throw std::runtime_error("DARING_ADMIN_PASSWORD must be 8 to 128 characters");
    }
    const bool admin_exists =
        db.read([](storage::connection& c) { return storage::username_exists(c, "admin"); });
    const bool any_admin = db.read([](storage::connection& c) { return storage::any_admin(c); });
    if (admin_exists || (password.empty() && any_admin)) return;
    const bool generated = password.empty();
    if (generated) password = random_token(12);
    const auto hash = hasher.hash(password);
    protocol::new_user admin{"admin", password, "Administrator", protocol::role::admin, {}};
    db.write([&](storage::connection& c) { storage::insert_user(c, admin, hash, clk.now()); });
    if (generated) {
        std::printf("created user 'admin' with password %s (shown once; change it)\n",
                    password.c_str());
    } else {
        spdlog::info("created user 'admin' from DARING_ADMIN_PASSWORD");
    }
}

void remove_database_files(const std::string& path) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

server_options server_options_of(const config& cfg) {
    server_options options;
    options.host = cfg.host;
    options.port = cfg.port;
    options.tls_cert = cfg.tls_cert;
    options.tls_key = cfg.tls_key;
    options.threads = cfg.threads;
    options.limits.max_connections = cfg.max_connections;
    options.hsts_max_age = cfg.hsts_max_age;
    options.hash_threads = cfg.hash_threads;
    options.hash_queue = cfg.hash_queue;
    options.report_threads = cfg.report_threads;
    options.single_pool = cfg.single_pool;
    options.audio_unpaced = cfg.audio_unpaced;
    options.limits.header_timeout = std::chrono::seconds(cfg.header_timeout_s);
    options.limits.idle_timeout = std::chrono::seconds(cfg.idle_timeout_s);
    options.limits.live_idle_timeout = std::chrono::seconds(cfg.live_idle_timeout_s);
    options.limits.live_sockets_per_user = cfg.live_sockets_per_user;
    return options;
}

// A migrate step's exit code: 0, 3 when PostgreSQL cannot be reached, 1 on any other failure
// (`failed` says what that left behind).
template <class F>
int migrate_exit_code(const char* failed, F step) {
    try {
        step();
        return 0;
    } catch (const storage::unavailable_error& e) {
        std::fprintf(stderr, "daring: %s\n", e.what());
        return exit_storage_unavailable;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "daring: migrate failed%s: %s\n", failed, e.what());
        return 1;
    }
}

// daring migrate --to URI: the schema brought up to date (each migration in its own
// transaction), no row written beyond them; e.g. by a role that may create tables, before a
// server that may not starts.
int run_schema_migrate(const config& cfg) {
    return migrate_exit_code("", [&] {
        storage::database db(storage::database_options{cfg.migrate_to, 1});
        std::printf("migrate: %s is at schema version %d\n",
                    storage::without_password(cfg.migrate_to).c_str(), db.schema_version());
    });
}

// daring migrate --from FILE --to URI: every table copied in one transaction, with progress,
// then checked row by row; nothing is committed unless every row is equal.
int run_migrate(const config& cfg) {
    if (cfg.migrate_from.empty()) return run_schema_migrate(cfg);
    const auto to = storage::without_password(cfg.migrate_to);
    std::printf("migrate: %s -> %s\n", cfg.migrate_from.c_str(), to.c_str());
    return migrate_exit_code(", nothing was committed", [&] {
        const auto tables = storage::copy_sqlite_to_postgresql(
            cfg.migrate_from, cfg.migrate_to, [&](const storage::copy_progress& p) {
                std::printf("  %-28s %9lld of %lld rows%s\n", p.table.c_str(),
                            static_cast<long long>(p.done), static_cast<long long>(p.total),
                            p.done == p.total ? "" : " ...");
                std::fflush(stdout);
            });
        std::int64_t rows = 0;
        for (const auto& t : tables) rows += t.rows;
        std::printf("migrate: %zu tables, %lld rows copied and checked row by row; committed\n",
                    tables.size(), static_cast<long long>(rows));
    });
}

// daring backup --db PATH --to FILE: the copy, checked, and its size.
int run_backup(const config& cfg) {
    if (storage::is_postgresql_uri(cfg.db_path)) {
        std::fprintf(stderr,
                     "daring: backup copies an SQLite file. On PostgreSQL use its own tools, e.g.\n"
                     "  pg_dump --format=custom --file=daring.dump '%s'\n"
                     "and restore with pg_restore (docs/architecture.md, \"Backups\").\n",
                     storage::without_password(cfg.db_path).c_str());
        return 2;
    }
    try {
        const auto made = storage::backup_database(cfg.db_path, cfg.backup_to);
        std::printf("backup written: %s (%.1f MiB, %llu bytes), integrity_check ok\n",
                    cfg.backup_to.c_str(), static_cast<double>(made.bytes) / (1024.0 * 1024.0),
                    static_cast<unsigned long long>(made.bytes));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "daring: %s\n", e.what());
        return 1;
    }
}

}  // namespace

// `daring demo`: a fresh seeded database, its logins printed.
demo_seeded seed_and_print(storage::database& db, const password_hasher& hasher, const clock& clk,
                           const config& cfg) {
    const char* env = std::getenv("DARING_ADMIN_PASSWORD");
    const auto seeding = std::chrono::steady_clock::now();
    auto seeded =
        seed_demo(db, hasher, clk, env && *env ? env : "admin-daring", cfg.certificate_prefix);
    const auto seeded_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - seeding)
                               .count();
    std::printf(
        "Daring demo database: %s (seeded in %lld ms)\n"
        "Demo logins (username / password):\n",
        cfg.db_path.c_str(), static_cast<long long>(seeded_ms));
    for (const auto& l : seeded.logins)
        std::printf("  %-8s %s / %s\n", l.role.c_str(), l.username.c_str(), l.password.c_str());
    return seeded;
}

// The demo's live session presents a real deck: its .fodp source goes through the upload
// pipeline (LibreOffice, Poppler, libwebp in a child process) while the server starts;
// `--demo-deck ''` leaves its typed slides (no LibreOffice at start).
void present_demo_deck(app& application, const demo_seeded& seeded, const config& cfg) {
    const auto path = cfg.demo_deck.value_or(demo_deck_path(cfg.web_root));
    if (path.empty()) {
        spdlog::info("no demo deck (--demo-deck is empty): the demo shows its typed slides");
        return;
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto kind = protocol::sniff_deck(bytes);
    if (bytes.empty() || !kind) {
        spdlog::warn("demo deck {} not found or not a presentation: the demo shows text slides",
                     path);
        return;
    }
    if (!application.decks().add(seeded.live_session, seeded.trainer_id, *kind, bytes))
        spdlog::warn("demo deck not queued");
    else
        spdlog::info("demo deck {} converting for session {}", path, seeded.live_session);
}

// daring convert --in FILE --kind KIND --out DIR [--max-pages N] [--soffice PATH]: the child
// process of one deck conversion (decks/deck_convert.hpp), started by the server.
int run_convert_command(int argc, const char* const argv[]) {
    convert_request r;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        const std::string value = argv[i + 1];
        if (name == "--in")
            r.input = value;
        else if (name == "--kind")
            r.kind = value;
        else if (name == "--out")
            r.out_dir = value;
        else if (name == "--max-pages")
            r.max_pages = std::atoi(value.c_str());
        else if (name == "--soffice")
            r.soffice = value;
        else {
            std::fprintf(stderr, "daring convert: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (r.input.empty() || r.kind.empty() || r.out_dir.empty() || r.max_pages <= 0) {
        std::fputs(
            "usage: daring convert --in FILE --kind pdf|pptx|ppt|odp|fodp --out DIR "
            "[--max-pages N] [--soffice PATH]\n",
            stderr);
        return 2;
    }
    return run_convert(r);
}

namespace {

// The app and its HTTP server, until a signal stops it. The app's workers (conversions, the
// outbox) stop when it goes out of scope, while the database still takes their last writes.
void serve(storage::database& db, const clock& clk, password_hasher& hasher, metrics& stats,
           const demo_seeded& seeded, const config& cfg) {
    app application(db, clk, hasher, stats,
                    app_options{cfg.web_root,
                                cfg.allowed_origins,
                                cfg.present_pct,
                                cfg.late_after_minutes * 60,
                                cfg.presence_flush_s,
                                cfg.office_name,
                                cfg.certificate_prefix,
                                cfg.public_url,
                                cfg.recordings_dir,
                                cfg.recording_retention_days,
                                cfg.record_audio,
                                cfg.db_path,
                                cfg.backup_dir,
                                cfg.backup_every_hours,
                                cfg.backup_keep,
                                cfg.metrics_token,
                                cfg.messaging,
                                cfg.assets_dir,
                                cfg.convert_jobs,
                                cfg.convert_queue,
                                cfg.nats_url,
                                cfg.node_id,
                                cfg.soffice});
    if (cfg.command == "demo") present_demo_deck(application, seeded, cfg);
    try {
        application.reevaluate_all();    // restrictions that took effect while it was down
    } catch (const std::exception& e) {  // e.g. a full disk: housekeeping tries every minute
        spdlog::error("delivery decisions not re-evaluated at start: {}", e.what());
    }
    http_server server(application, stats, clk, server_options_of(cfg));
    server.run();
}

int fail_to_start(const char* why, int code) {
    spdlog::critical("{}", why);
    spdlog::default_logger()->flush();
    return code;
}

}  // namespace

int run_main(int argc, const char* const argv[]) {
    if (argc > 1 && std::string_view(argv[1]) == "convert") return run_convert_command(argc, argv);
    auto parsed = parse_command_line(argc, argv);
    if (!parsed.cfg) {
        std::fputs(parsed.output.c_str(), parsed.exit_code == 0 ? stdout : stderr);
        return parsed.exit_code;
    }
    const config& cfg = *parsed.cfg;
    if (cfg.command == "backup") return run_backup(cfg);
    if (cfg.command == "migrate") return run_migrate(cfg);
    setup_logging();
    try {
        if (cfg.command == "demo") remove_database_files(cfg.db_path);
        storage::database_options db_options;
        db_options.path = cfg.db_path;
        db_options.email_configured = !cfg.messaging.smtp_url.empty();
        db_options.whatsapp_configured = !cfg.messaging.whatsapp_token.empty();
        storage::database db(db_options);
        std::unique_ptr<clock> clock_owner;
        if (cfg.clock_file.empty()) {
            clock_owner = std::make_unique<system_clock>();
        } else {
            spdlog::warn("time comes from {} (--test-clock-file, for tests only)", cfg.clock_file);
            clock_owner = std::make_unique<file_clock>(cfg.clock_file);
        }
        const clock& clk = *clock_owner;
        if (cfg.cheap_passwords)
            spdlog::warn(
                "passwords are hashed at argon2id's least cost (--test-cheap-passwords, "
                "for tests only)");
        password_hasher hasher(cfg.cheap_passwords ? password_cost::cheapest_for_tests()
                                                   : password_cost{});
        metrics stats;
        db.on_commit([&stats](const storage::commit_stats& s) {
            stats.record_commit(std::chrono::duration<double>(s.latency).count(), s.batch_size);
        });
        stats.set_appendix([&db] { return render_database_figures(db.figures()); });

        demo_seeded seeded;
        if (cfg.command == "demo")
            seeded = seed_and_print(db, hasher, clk, cfg);
        else
            bootstrap_admin(db, hasher, clk);

        serve(db, clk, hasher, stats, seeded, cfg);
        db.stop();
        spdlog::info("stopped");
        spdlog::default_logger()->flush();
        return 0;
    } catch (const storage::unavailable_error& e) {
        return fail_to_start(e.what(), exit_storage_unavailable);
    } catch (const storage::unsupported_error& e) {
        return fail_to_start(e.what(), exit_storage_unsupported);
    } catch (const std::exception& e) {
        return fail_to_start(e.what(), 1);
    }
}

}  // namespace daring::server
