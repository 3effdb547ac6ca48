#pragma once
// What every handler works with: the services of the process (database, clock, hashing,
// authentication, metrics, the live rooms) and the request in hand with its caller.
// Handlers run on the worker pool: they may block on the database and password hashing.
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/http_types.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/live/live_hub.hpp"
#include "server/services/auth_service.hpp"
#include "server/services/messaging_options.hpp"
#include "server/services/password_hasher.hpp"
#include "server/services/rate_limiter.hpp"
#include "server/util/clock.hpp"
#include "storage/database.hpp"

namespace daring::server {

class room_keeper;

class session_lifecycle;
class deck_converter;

struct app_options {
    std::string web_root = "web";
    std::vector<std::string> allowed_origins;
    // Attendance thresholds in force (stored on each session when it goes live).
    int present_pct = 75;
    int late_after_s = 15 * 60;
    int presence_flush_s = 5;  // seconds between flushes of coalesced heartbeats
    std::string office_name = "Dinas Koperasi dan UKM Provinsi Kalimantan Tengah";
    std::string certificate_prefix = "DKUKM-KT";
    std::string public_url;                     // empty: the origin of each request
    std::string recordings_dir = "recordings";  // Ogg files of recordings, built once each
    int recording_retention_days = 365;         // 0: kept until deleted
    bool record_audio = true;                   // audio packets kept for recordings
    std::string db_path;                        // the served database (scheduled backups)
    std::string backup_dir;                     // empty: no scheduled backups
    int backup_every_hours = 24;
    int backup_keep = 7;
    std::string metrics_token;          // non-empty: /metrics needs it as a bearer token
    messaging_options messaging;        // the outbox's channels
    std::string assets_dir = "assets";  // deck pages and handouts, named by content
    int convert_jobs = 1;               // decks converted at once
    int convert_queue = 4;              // decks waiting beyond those (then 503 busy)
    std::string nats_url;               // several nodes (empty: one node)
    std::string node_id;                // several nodes: this node's name
    std::string soffice;                // LibreOffice's soffice; empty: looked for
};

// Public certificate lookups per client address.
inline constexpr int certificate_lookup_limit = 30;
inline constexpr protocol::unix_seconds certificate_lookup_window = 60;

// Everything a handler may use. Owned by app; shared by reference.
struct services {
    storage::database& db;
    live_link& live;
    session_lifecycle& sessions;  // starting and ending sessions
    deck_converter& decks;        // the deck conversion queue and the asset store
    const clock& clk;
    const password_hasher& hasher;
    auth_service& auth;
    metrics& stats;
    const app_options& options;
    const std::string& checkin_secret;  // keys the rotating check-in codes
    rate_limiter& checkin_failures;     // wrong check-in codes per (session, trainee)
    rate_limiter& certificate_lookups;  // public certificate lookups per address
    room_keeper* rooms = nullptr;       // several nodes: where live rooms live (null: one node)
};

// The origin people reach the server at: --public-url, else the request's own.
std::string public_origin(const services& s, const http_request& req);

struct request_context {
    const http_request& req;
    route_params params;
    session_ref session;  // null: not signed in
    services& svc;

    bool signed_in() const { return session != nullptr; }
    // The clock's time, in milliseconds, when the request arrived: now less the time it waited
    // for a worker (a report's own moment, however busy the server).
    std::int64_t arrived_ms() const;
    const protocol::user& user() const { return session->user; }
    // The body as a JSON object: 415 unless Content-Type is JSON, 400 when malformed or too
    // deep.
    protocol::json json_body() const;
    // Appends an audit row (inside the caller's write job).
    void audit(storage::connection& c, std::string action, std::string target,
               const protocol::json& detail = protocol::json::object()) const;
};

// The token a request carries: "Authorization: Bearer" first, else the session cookie.
struct presented_token {
    std::string token;
    bool via_cookie = false;
};
presented_token token_of(const http_request& req);

}  // namespace daring::server
