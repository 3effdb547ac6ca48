#pragma once
// The HTTP interface, one file per resource: each adds its route table (method, pattern,
// access rule, named handler) to the router.
#include <variant>

#include "server/api/context.hpp"
#include "server/live/live_hub.hpp"

namespace daring::server {

void add_system_routes(router& r, services& s);
void add_auth_routes(router& r, services& s);
void add_user_routes(router& r, services& s);
void add_plan_routes(router& r, services& s);
void add_live_routes(router& r, services& s);
// `checkin_secret` keys the rotating check-in codes.
void add_attendance_routes(router& r, services& s, const std::string& checkin_secret);
void add_quiz_routes(router& r, services& s);
void add_report_routes(router& r, services& s);

// Whether a WebSocket upgrade to /api/v1/sessions/{id}/live may proceed: the admission, or the
// HTTP error to answer instead. Runs on the worker pool; never throws.
std::variant<live_admission, http_response> admit_live(services& s,
                                                       const http_request& req) noexcept;

}  // namespace daring::server
