#include "server/app/app.hpp"

#include <spdlog/spdlog.h>

#include "server/api/routes.hpp"
#include "server/app/backups.hpp"
#include "server/cluster/nats_bus.hpp"
#include "server/decks/deck_convert.hpp"
#include "server/decks/deck_converter.hpp"
#include "server/http/compression.hpp"
#include "server/live/event_journal.hpp"
#include "server/live/live_hub.hpp"
#include "server/live/live_recovery.hpp"
#include "server/live/presence_recorder.hpp"
#include "server/live/quiz_recorder.hpp"
#include "server/live/taking_part_recorder.hpp"
#include "server/recording/recording_store.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/reports/session_notices.hpp"
#include "server/services/delivery_service.hpp"
#include "server/services/outbox_sender.hpp"
#include "server/sessions/room_keeper.hpp"
#include "server/sessions/session_lifecycle.hpp"
#include "server/util/tokens.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/audit_repo.hpp"
#include "storage/live_repo.hpp"
#include "storage/once_only.hpp"

namespace daring::server {

namespace {

// The key of the rotating check-in codes: kept in the database so codes survive a restart.
std::string checkin_secret_of(storage::database& db) {
    if (auto stored = db.read(
            [](storage::connection& c) { return storage::find_server_secret(c, "checkin_code"); }))
        return *stored;
    return db.write([](storage::connection& c) {
        return storage::server_secret(c, "checkin_code", random_token(32));
    });
}

}  // namespace

namespace {

// The outbox's sender with a transport for each configured channel. Rows are queued only for
// configured channels (storage::enqueue_outbox); one left from a run that had the channel is
// tried again and fails once its attempts are spent, and can be resent from Pesan keluar.
std::unique_ptr<outbox_sender> make_outbox(storage::database& db, const clock& clk,
                                           const app_options& o, metrics& stats) {
    const auto& m = o.messaging;
    std::map<std::string, std::unique_ptr<message_transport>> transports;
    if (!m.smtp_url.empty())
        transports["email"] =
            make_smtp_transport({m.smtp_url, m.smtp_user, m.smtp_password, m.mail_from});
    if (!m.whatsapp_token.empty()) {
        whatsapp_options w{m.whatsapp_api_url, m.whatsapp_token, m.whatsapp_phone_number_id, {}};
        if (!m.whatsapp_templates.empty()) w.templates = load_template_names(m.whatsapp_templates);
        transports["whatsapp"] = make_whatsapp_transport(std::move(w));
    }
    outbox_options options;
    options.retry.max_attempts = m.attempts;
    options.poll_s = m.poll_s;
    options.public_url = o.public_url;
    options.per_second = {{"email", m.mail_per_second}, {"whatsapp", m.whatsapp_per_second}};
    // Reminders come due with time: each round of the sender looks for them first.
    options.before_round = [&db](protocol::unix_seconds now) {
        const int n =
            db.write([now](storage::connection& c) { return send_due_reminders(c, now); });
        if (n > 0) spdlog::info("queued {} session reminder(s)", n);
    };
    return std::make_unique<outbox_sender>(
        db, clk, std::move(transports), options,
        [&stats](const auto& counts) { stats.set_outbox(counts); });
}

deck_options deck_options_of(const app_options& o) {
    deck_options d;
    d.assets_dir = o.assets_dir;
    d.jobs = o.convert_jobs;
    d.queue_limit = static_cast<std::size_t>(o.convert_queue);
    d.soffice = o.soffice.empty() ? find_soffice() : o.soffice;
    d.node = o.nats_url.empty() ? std::string() : o.node_id;
    if (d.soffice.empty())
        spdlog::warn(
            "LibreOffice (soffice) not found: PowerPoint and OpenDocument decks fail "
            "with conversion_unavailable; PDF decks convert");
    return d;
}

}  // namespace

app::app(storage::database& db, const clock& clk, const password_hasher& hasher, metrics& stats,
         app_options options)
    : options_(std::move(options)),
      auth_(db, clk, hasher),
      checkin_secret_(checkin_secret_of(db)),
      quizzes_(std::make_unique<quiz_recorder>(db)),
      taking_part_(std::make_unique<taking_part_recorder>(db)),
      sessions_(std::make_unique<session_lifecycle>(
          db, clk, live_, *quizzes_,
          lifecycle_settings{{options_.present_pct, options_.late_after_s},
                             options_.certificate_prefix})),
      decks_(std::make_unique<deck_converter>(db, clk, deck_options_of(options_))),
      services_{db,
                live_,
                *sessions_,
                *decks_,
                clk,
                hasher,
                auth_,
                stats,
                options_,
                checkin_secret_,
                checkin_failures_,
                certificate_lookups_},
      static_(options_.web_root) {
    add_all_routes(router_);
    presence_ = std::make_unique<presence_recorder>(
        db, stats, options_.nats_url.empty() ? std::string() : options_.node_id);
    if (!options_.nats_url.empty()) {
        bus_ = std::make_unique<nats_bus>(nats_options{options_.nats_url, options_.node_id});
        keeper_ = std::make_unique<room_keeper>(db, clk, live_, *sessions_, *bus_,
                                                keeper_settings{options_.node_id});
        services_.rooms = keeper_.get();
        spdlog::info("several nodes: this is node {}, relaying live rooms through {}",
                     options_.node_id, options_.nats_url);
    }
    journal_ = std::make_unique<event_journal>(db, options_.record_audio);
    backups_ = std::make_unique<backup_schedule>(
        backup_settings{options_.db_path, options_.backup_dir, options_.backup_every_hours,
                        options_.backup_keep},
        stats);
    outbox_ = make_outbox(db, clk, options_, stats);
    close_stale_quiz_runs();  // runs a crash left open, of sessions no longer live
    sweep_recordings();
    sessions_->start_worker();  // first fills in notices a crash left owed
    decks_->set_on_ready([this](std::int64_t session_id, const std::vector<protocol::slide>& s) {
        if (live_) live_->slides_changed(session_id, s);
    });
    decks_->start();
}

void app::sweep_recordings() {
    const auto now = services_.clk.now();
    const auto days = options_.recording_retention_days;
    if (days > 0 && now - last_recording_sweep_ >= 24 * 3600) {
        try {
            const auto expired = services_.db.write([&](storage::connection& c) {
                // Several nodes: one sweeps; the others find nothing left next time.
                if (!storage::take_once_only(c, storage::once_only::recording_retention))
                    return std::vector<std::int64_t>{};
                auto ids = storage::expired_recordings(c, now - days * std::int64_t{24 * 3600});
                for (auto id : ids) {
                    storage::delete_recording(c, id, std::nullopt, now);
                    storage::insert_audit(c, std::nullopt, "recording.expire",
                                          "session:" + std::to_string(id),
                                          {{"retention_days", days}}, now);
                }
                return ids;
            });
            const recording_store store(options_.recordings_dir);
            for (auto id : expired) store.remove_audio(id);
            if (!expired.empty())
                spdlog::info("{} recordings past their retention deleted", expired.size());
            last_recording_sweep_ = now;
        } catch (const std::exception& e) {  // e.g. a full disk: the next housekeeping retries
            spdlog::error("recordings not swept: {}", e.what());
        }
    }
    services_.stats.set_recordings_bytes(recording_store(options_.recordings_dir).disk_use());
}

void app::close_stale_quiz_runs() {
    const auto now = services_.clk.now();
    try {
        const int closed =
            services_.db.write([&](storage::connection& c) { return close_stale_runs(c, now); });
        if (closed > 0) spdlog::info("closed {} live quiz runs and stored their results", closed);
    } catch (const std::exception& e) {  // e.g. a full disk at startup: housekeeping retries
        spdlog::error("open live quiz runs are not closed yet: {}", e.what());
    }
}

void app::attach_live(live_hub* hub) {
    if (!hub && keeper_) keeper_->stop();  // gives up the rooms owned here, for other nodes
    if (hub && bus_) hub->set_cluster(bus_.get(), options_.node_id);
    live_.set(hub);
    if (keeper_ && hub) keeper_->start();
    if (!hub) {
        presence_->flush();  // the last heartbeats and events before the writer stops
        journal_->flush();
        return;
    }
    hub->set_presence_sink(presence_.get(), options_.presence_flush_s);
    hub->set_quiz_sink(quizzes_.get());
    hub->set_taking_part_sink(taking_part_.get());
    hub->set_journal(journal_.get());
    hub->set_control(sessions_.get());
}

void app::reevaluate_all() {
    const auto now = services_.clk.now();
    auto ev = services_.db.write([&](storage::connection& c) {
        return reevaluate(c, {std::nullopt, std::nullopt, std::nullopt, now}, now);
    });
    if (!ev.changes.empty()) spdlog::info("delivery policy changed {} sessions", ev.changes.size());
    if (live_) {
        for (const auto& change : ev.changes) live_->delivery_changed(change);
    }
}

app::~app() {
    decks_->stop();
}

std::variant<live_admission, http_response> app::admit_live(const http_request& req) noexcept {
    return server::admit_live(services_, req);
}

route_options app::route_of(const std::string& method, const std::string& path) const {
    auto m = router_.find(method, path);
    if (m.result == router::match::kind::found) return m.options;
    // Static files held in memory never leave the I/O thread; others are read from disk.
    if (m.result == router::match::kind::not_found && (method == "GET" || method == "HEAD") &&
        !path.starts_with("/api/") && static_.is_cached(path))
        return on_io;
    return {};
}

void app::housekeeping() {
    try {
        // After a full disk, a write shows whether space returned (readiness follows it).
        services_.db.ping();
        if (services_.db.health() != storage::storage_health::ok) services_.db.probe_write();
        presence_->repair();
        presence_->close_left_by_ended_sessions(services_.clk.now());
        decks_->housekeeping(services_.clk.now());
        if (static_.refresh()) spdlog::info("web root changed: static files re-read");
        reevaluate_all();
        close_stale_quiz_runs();
        sweep_recordings();
        backups_->run_if_due(services_.clk.now());
        int n = auth_.purge_expired();
        if (n > 0) spdlog::info("purged {} expired login sessions", n);
    } catch (const std::exception& e) {
        spdlog::error("housekeeping failed: {}", e.what());
    }
}

namespace {
// What a user whose password was reset may reach before choosing their own.
bool allowed_before_password_change(std::string_view pattern) {
    return pattern == "/api/v1/me" || pattern == "/api/v1/me/password" ||
           pattern == "/api/v1/auth/logout";
}

bool is_safe_method(std::string_view m) {
    return m == "GET" || m == "HEAD" || m == "OPTIONS";
}
}  // namespace

http_response app::dispatch(const http_request& req, session_ref signed_in) {
    auto m = router_.find(req.method, req.path);
    if (m.result == router::match::kind::method_not_allowed) {
        auto r = error_response(405, "method_not_allowed",
                                req.method + " is not allowed here; use " + m.allowed);
        r.set_header("Allow", m.allowed);
        r.route_label = "unmatched";
        return r;
    }
    if (m.result == router::match::kind::not_found) {
        const bool api = req.path.starts_with("/api/");
        if (!api && (req.method == "GET" || req.method == "HEAD")) {
            auto r = static_.serve(req);
            r.route_label = "static";
            return r;
        }
        auto r = error_response(404, "not_found", "No such resource");
        r.route_label = "unmatched";
        return r;
    }

    request_context ctx{req, std::move(m.params), nullptr, services_};
    auto presented = token_of(req);
    // Public routes on the I/O lane never read the database, so they ignore a token.
    const bool io = m.rule->is_public() && m.lane == lane::io;
    // Public actions (a login, a join link) stand on their own credentials, not a cookie.
    const bool own_credentials = m.rule->is_public() && !is_safe_method(req.method);
    if (signed_in)
        ctx.session = std::move(signed_in);
    else if (!presented.token.empty() && !io && !own_credentials)
        ctx.session = auth_.authenticate(presented.token);
    if (!m.rule->is_public()) {
        if (!ctx.session) {
            throw http_error(401, "unauthenticated", "Sign in first");
        }
        if (!m.rule->allows(ctx.session->user.user_role)) {
            throw http_error(403, "forbidden", "Your role may not do this");
        }
        if (ctx.session->user.must_change_password && !allowed_before_password_change(*m.pattern))
            throw http_error(403, "password_change_required",
                             "Choose your own password first (POST /api/v1/me/password)");
    }
    if (ctx.session && presented.via_cookie && !is_safe_method(req.method)) {
        auto csrf = req.header("x-csrf-token");
        if (!equal_constant_time(csrf, ctx.session->csrf_token)) {
            throw http_error(403, "csrf_failed", "Missing or wrong X-CSRF-Token header");
        }
    }
    auto res = (*m.h)(ctx);
    res.route_label = *m.pattern;
    return res;
}

http_response app::handle(const http_request& req) noexcept {
    return answer(req, nullptr);
}

std::optional<http_response> app::handle_if_cached(const http_request& req) noexcept {
    session_ref session;
    try {
        session = auth_.cached(token_of(req).token);
    } catch (const std::exception& e) {
        spdlog::error("session cache: {}", e.what());
    }
    if (!session) return std::nullopt;
    return answer(req, std::move(session));
}

http_response app::answer(const http_request& req, session_ref signed_in) noexcept {
    http_response res;
    try {
        res = dispatch(req, std::move(signed_in));
    } catch (const http_error& e) {
        res = error_response(e.status, e.error);
        for (const auto& [n, v] : e.headers) res.set_header(n, v);
    } catch (const storage::conflict_error& e) {
        res = error_response(409, "conflict", e.what(), e.field);
    } catch (const storage::constraint_error& e) {
        res = error_response(422, "constraint_failed",
                             "The change refers to something that does not exist");
    } catch (const storage::storage_full_error&) {
        res = error_response(507, "storage_full",
                             "The server's disk is full; nothing was saved. Try again later.");
    } catch (const storage::read_only_error&) {
        res = error_response(503, "read_only", "The database is read-only; nothing was saved.");
        res.set_header("Retry-After", "60");
    } catch (const storage::busy_error&) {
        res = error_response(503, "busy", "The database is busy; try again.");
        res.set_header("Retry-After", "1");
    } catch (const storage::overloaded_error& e) {
        res = error_response(503, "overloaded", e.what());
        res.set_header("Retry-After", "1");
    } catch (const storage::unavailable_error& e) {
        spdlog::warn("database unavailable on {} {}: {}", req.method, req.path, e.what());
        res = error_response(503, "storage_unavailable",
                             "The database cannot be reached; nothing was saved. Try again soon.");
        res.set_header("Retry-After", "5");
    } catch (const std::exception& e) {
        spdlog::error("unhandled error on {} {}: {}", req.method, req.path, e.what());
        res = error_response(500, "internal_error", "Something went wrong on our side");
    } catch (...) {
        spdlog::error("unhandled non-standard exception on {} {}", req.method, req.path);
        res = error_response(500, "internal_error", "Something went wrong on our side");
    }
    if (res.route_label.empty()) {
        auto m = router_.find(req.method, req.path);
        res.route_label = m.pattern ? *m.pattern : "unmatched";
    }
    res.set_header("X-Content-Type-Options", "nosniff");
    try {
        compress_if_worth(req, res);
    } catch (const std::exception& e) {
        spdlog::warn("gzip of {} {} failed, sent as it is: {}", req.method, req.path, e.what());
    }
    return res;
}

}  // namespace daring::server
