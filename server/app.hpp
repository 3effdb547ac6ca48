#pragma once
// The application behind the transport: routes, authentication, the error boundary.
// handle() runs on the worker pool (it may block on the database and password hashing).
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "server/auth_service.hpp"
#include "server/clock.hpp"
#include "server/http_types.hpp"
#include "server/metrics.hpp"
#include "server/password_hasher.hpp"
#include "server/router.hpp"
#include "server/static_files.hpp"
#include "storage/database.hpp"

namespace daring::server {

class delivery_listener;
class live_hub;
class presence_recorder;
class quiz_recorder;
struct live_admission;

struct app_options {
    std::string web_root = "web";
    std::vector<std::string> allowed_origins;
    // Attendance thresholds in force (stored on each session when it goes live).
    int present_pct = 75;
    int late_after_s = 15 * 60;
    int presence_flush_s = 5;  // seconds between flushes of coalesced heartbeats
    std::string office_name = "Dinas Koperasi dan UKM Provinsi Kalimantan Tengah";
    std::string certificate_prefix = "DKUKM-KT";
    std::string public_url;  // empty: the origin of each request
};

// Everything a handler may use. Owned by app; shared by reference.
struct services {
    storage::database& db;
    live_hub*& live;  // null until attach_live
    const clock& clk;
    const password_hasher& hasher;
    auth_service& auth;
    metrics& stats;
    const app_options& options;
};

// The origin people reach the server at: --public-url, else the request's own.
inline std::string public_origin(const services& s, const http_request& req) {
    return s.options.public_url.empty() ? request_origin(req) : s.options.public_url;
}

struct request_context {
    const http_request& req;
    route_params params;
    std::optional<storage::auth_session> session;
    services& svc;

    bool signed_in() const { return session.has_value(); }
    const protocol::user& user() const { return session->user; }
    // The body as a JSON object: 415 unless Content-Type is JSON, 400 when malformed or too deep.
    protocol::json json_body() const;
    // Appends an audit row (inside the caller's write job).
    void audit(storage::connection& c, std::string action, std::string target,
               const protocol::json& detail = protocol::json::object()) const;
};

class app {
public:
    app(storage::database& db, const clock& clk, const password_hasher& hasher, metrics& stats,
        app_options options);
    ~app();

    // Never throws: unexpected exceptions become a logged 500.
    http_response handle(const http_request& req) noexcept;
    std::size_t body_limit(const std::string& method, const std::string& path) const;
    // Periodic chores (expired sessions); called on the worker pool.
    void housekeeping();

    auth_service& auth() { return auth_; }
    // Connects the live rooms (set before serving): start/end, logout and delivery changes
    // reach them, and end_session over a socket is persisted here.
    void attach_live(live_hub* hub);
    // Decides whether a WebSocket upgrade to /api/v1/sessions/{id}/live may proceed: the
    // admission, or the HTTP error to answer instead. Runs on the worker pool.
    std::variant<live_admission, http_response> admit_live(const http_request& req) noexcept;
    // Re-applies the delivery policy to every session that has not started (startup, timer).
    void reevaluate_all();
    router& routes() { return router_; }

private:
    http_response dispatch(const http_request& req);

    app_options options_;
    auth_service auth_;
    services services_;
    router router_;
    static_files static_;
    delivery_listener* listener_ = nullptr;
    live_hub* live_ = nullptr;
    std::unique_ptr<presence_recorder> presence_;
    std::unique_ptr<quiz_recorder> quizzes_;
};

// The token a request carries: "Authorization: Bearer" first, else the session cookie.
struct presented_token {
    std::string token;
    bool via_cookie = false;
};
presented_token token_of(const http_request& req);

// Route groups, one file each.
void add_system_routes(router& r, services& s);
void add_auth_routes(router& r, services& s);
void add_user_routes(router& r, services& s);
// `listener` is read at each change, so it may be set after the routes are added.
void add_plan_routes(router& r, services& s, delivery_listener*& listener);
void add_live_routes(router& r, services& s, live_hub*& hub);
// `checkin_secret` keys the rotating check-in codes.
void add_attendance_routes(router& r, services& s, const std::string& checkin_secret);
void add_quiz_routes(router& r, services& s);
void add_report_routes(router& r, services& s);
// The session id of "/api/v1/sessions/{id}/live", if `path` is that.
std::optional<std::int64_t> live_session_id(std::string_view path);

}  // namespace daring::server
