#include "server/sessions/session_lifecycle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "server/live/live_recovery.hpp"
#include "server/live/quiz_recorder.hpp"
#include "server/reports/attendance_report.hpp"
#include "server/reports/session_notices.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/audit_repo.hpp"
#include "storage/lease_repo.hpp"
#include "storage/notices_due_repo.hpp"
#include "storage/quiz_repo.hpp"
#include "storage/session_repo.hpp"

namespace daring::server {

using protocol::unix_seconds;
using storage::connection;

namespace {
constexpr std::size_t owed_per_pass = 20;  // sessions whose notices one pass writes at most
}  // namespace

session_lifecycle::session_lifecycle(storage::database& db, const clock& clk, live_link& live,
                                     quiz_recorder& quizzes, lifecycle_settings settings)
    : db_(db), clk_(clk), live_(live), quizzes_(quizzes), settings_(std::move(settings)) {}

session_lifecycle::~session_lifecycle() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
}

bool session_lifecycle::start_in(connection& c, std::int64_t session_id,
                                 std::optional<std::int64_t> actor, unix_seconds now,
                                 const protocol::json& audit_detail) {
    if (!storage::start_session(c, session_id, actor.value_or(0), now,
                                settings_.current.present_pct,
                                static_cast<int>(settings_.current.late_after)))
        return false;
    storage::insert_audit(c, actor, "session.start", "session:" + std::to_string(session_id),
                          audit_detail, now);
    if (auto s = storage::find_session(c, session_id)) notify_session_started(c, *s, now);
    return true;
}

bool session_lifecycle::end_in(connection& c, std::int64_t session_id,
                               std::optional<std::int64_t> actor, unix_seconds now,
                               const protocol::json& audit_detail) {
    if (!storage::end_session(c, session_id, actor, now)) return false;
    // Quiz runs end with the session, whether or not its room is in memory.
    for (const auto& r : storage::open_runs(c, session_id)) materialize_run(c, r.run_id, now);
    // Several nodes: an owner whose lease ran out died with the room, and no node claims the room
    // of an ended session, so its trainees' intervals end here, at their last heartbeat.
    if (const auto lease = storage::lease_of(c, session_id);
        lease && lease->expires_ms <= now * 1000) {
        const int closed = storage::close_open_presence_of(c, session_id, lease->node_id);
        if (closed > 0)
            spdlog::info(
                "session {}: ended while its owner {} was gone; {} intervals end at their last "
                "heartbeat",
                session_id, lease->node_id, closed);
    }
    storage::insert_audit(c, actor, "session.end", "session:" + std::to_string(session_id),
                          audit_detail, now);
    storage::mark_notices_due(c, session_id, now, now);
    return true;
}

room_info session_lifecycle::room_of(const protocol::session& s, unix_seconds now) const {
    return {s.id,
            s.title,
            s.current.mode,
            s.slides,
            s.training_id,
            session_window(s, now),
            thresholds_of(s, settings_.current),
            s.started_at.value_or(now)};
}

void session_lifecycle::started(const protocol::session& s, unix_seconds now) {
    if (auto* hub = live_.get()) hub->open(room_of(s, now));
}

void session_lifecycle::ended(std::int64_t session_id) {
    if (auto* hub = live_.get()) hub->end(session_id);
    {
        std::lock_guard lock(mutex_);
        wake_ = true;
    }
    wake_cv_.notify_one();
}

void session_lifecycle::quiz_requested(std::int64_t session_id, std::int64_t training_id,
                                       const live_room::quiz_request& request,
                                       std::function<void(quiz_opening)> reply) {
    quizzes_.open(session_id, training_id, request, clk_.now(), reply);
}

void session_lifecycle::before_end() {
    if (live_) live_->flush_timeline();
}

void session_lifecycle::end_requested(std::int64_t session_id, std::int64_t user_id) {
    // On a room strand: persist without blocking, then end the room.
    before_end();
    const auto now = clk_.now();
    const auto actor = user_id ? std::optional<std::int64_t>(user_id) : std::nullopt;
    try {
        db_.submit(
            [this, session_id, actor, now](connection& c) {
                end_in(c, session_id, actor, now, {{"via", "live"}});
            },
            [this, session_id](std::exception_ptr e) {
                if (e) {
                    spdlog::error("ending session {} from the live room failed", session_id);
                    return;
                }
                ended(session_id);
            });
    } catch (const std::exception& e) {  // overloaded: the trainer sends end_session again
        spdlog::error("ending session {} not queued: {}", session_id, e.what());
    }
}

namespace {

// The moment the end's notices are judged at: the end itself, so that a pass that runs late (a
// backlog, a restart in between) issues the same certificates, dated the same day, as one that
// ran at once.
unix_seconds as_of_end(const protocol::session& s, unix_seconds now) {
    return std::min(now, s.ended_at.value_or(now));
}

}  // namespace

bool session_lifecycle::write_notices_of(std::int64_t session_id) {
    const auto now = clk_.now();
    // The matrix and completion on a reader; the writer only stores the outcome.
    auto planned = db_.read([&](connection& c) -> std::optional<after_session_notices> {
        auto s = storage::find_session(c, session_id);
        if (!s || !storage::owes_notices(c, session_id)) return std::nullopt;
        return plan_after_session(c, *s, as_of_end(*s, now), settings_.current);
    });
    return db_.write([&](connection& c) {
        // Another pass may have written them meanwhile; a session gone owes nothing.
        if (!storage::owes_notices(c, session_id)) return false;
        if (planned) {
            if (auto s = storage::find_session(c, session_id))
                write_after_session(c, *s, *planned, as_of_end(*s, now), settings_.current,
                                    settings_.certificate_prefix);
        }
        storage::clear_notices_due(c, session_id);
        return true;
    });
}

int session_lifecycle::write_owed_notices() {
    int done = 0;
    const auto owed =
        db_.read([](connection& c) { return storage::sessions_owing_notices(c, owed_per_pass); });
    for (const auto id : owed) {
        try {
            if (write_notices_of(id)) ++done;
        } catch (const std::exception& e) {  // e.g. a full disk: the mark stays for the next pass
            spdlog::error("notices after session {} not written yet: {}", id, e.what());
        }
    }
    return done;
}

void session_lifecycle::start_worker() {
    worker_ = std::thread([this] { worker_loop(); });
}

void session_lifecycle::worker_loop() {
    for (;;) {
        int done = 0;
        try {
            done = write_owed_notices();
        } catch (const std::exception& e) {
            spdlog::error("notices owed not read: {}", e.what());
        }
        if (done > 0) spdlog::info("wrote the notices of {} ended session(s)", done);
        std::unique_lock lock(mutex_);
        // A full pass may leave more owed: look again at once.
        if (done < static_cast<int>(owed_per_pass))
            wake_cv_.wait_for(lock, std::chrono::seconds(settings_.notices_poll_s),
                              [&] { return wake_ || stopping_; });
        if (stopping_) return;
        wake_ = false;
    }
}

}  // namespace daring::server
