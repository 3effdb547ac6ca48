#pragma once
// The application behind the transport: routes, authentication, the error boundary.
// handle() runs on the worker pool (it may block on the database and password hashing).
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "server/api/context.hpp"
#include "server/net/application.hpp"
#include "server/net/static_files.hpp"
#include "storage/database.hpp"

namespace daring::server {

class backup_schedule;
class outbox_sender;
class event_journal;
class presence_recorder;
class quiz_recorder;
class taking_part_recorder;
class session_lifecycle;
class deck_converter;
class nats_bus;
class room_keeper;

class app final : public application {
  public:
    app(storage::database& db, const clock& clk, const password_hasher& hasher, metrics& stats,
        app_options options);
    ~app() override;

    // Never throws: unexpected exceptions become a logged 500.
    http_response handle(const http_request& req) noexcept override;
    std::optional<http_response> handle_if_cached(const http_request& req) noexcept override;
    route_options route_of(const std::string& method, const std::string& path) const override;
    // Periodic chores (delivery re-decisions, expired login sessions, quiz runs nobody will
    // close); called on the worker pool.
    void housekeeping() override;

    auth_service& auth() { return auth_; }
    // Connects the live rooms (set before serving): start/end, logout and delivery changes
    // reach them, and end_session over a socket is persisted here.
    void attach_live(live_hub* hub) override;
    // Decides whether a WebSocket upgrade to /api/v1/sessions/{id}/live may proceed: the
    // admission, or the HTTP error to answer instead. Runs on the worker pool.
    std::variant<live_admission, http_response> admit_live(
        const http_request& req) noexcept override;
    // Re-applies the delivery policy to every session that has not started (startup, timer).
    void reevaluate_all();
    router& routes() { return router_; }
    deck_converter& decks() { return *decks_; }

  private:
    // `signed_in`: the caller's session when already authenticated from the session cache.
    http_response dispatch(const http_request& req, session_ref signed_in);
    http_response answer(const http_request& req, session_ref signed_in) noexcept;
    void close_stale_quiz_runs();
    // Deletes recordings past --recording-retention-days (at start, then daily) and measures the
    // recordings' disk use for /metrics (every call).
    void sweep_recordings();
    protocol::unix_seconds last_recording_sweep_ = 0;

    app_options options_;
    auth_service auth_;
    live_link live_;
    std::string checkin_secret_;
    rate_limiter checkin_failures_;
    rate_limiter certificate_lookups_{certificate_lookup_limit, certificate_lookup_window};
    std::unique_ptr<quiz_recorder> quizzes_;
    std::unique_ptr<taking_part_recorder> taking_part_;
    std::unique_ptr<session_lifecycle> sessions_;
    std::unique_ptr<deck_converter> decks_;
    services services_;
    router router_;
    static_files static_;
    std::unique_ptr<presence_recorder> presence_;
    std::unique_ptr<event_journal> journal_;
    std::unique_ptr<backup_schedule> backups_;
    std::unique_ptr<outbox_sender> outbox_;
    std::unique_ptr<nats_bus> bus_;  // several nodes (null: one node)
    std::unique_ptr<room_keeper> keeper_;
};

}  // namespace daring::server
