#pragma once
// The HTTP interface, one file per resource: each adds its route table (method, pattern,
// access rule, named handler) to the router. Handlers reach the services through their
// request_context.
#include <variant>

#include "server/api/context.hpp"
#include "server/live/live_hub.hpp"

namespace daring::server {

void add_system_routes(router& r);
void add_auth_routes(router& r);
void add_user_routes(router& r);
void add_region_routes(router& r);
void add_funding_source_routes(router& r);
void add_training_routes(router& r);
void add_session_routes(router& r);
void add_live_routes(router& r);
void add_attendance_routes(router& r);
void add_quiz_routes(router& r);
void add_report_routes(router& r);
void add_certificate_routes(router& r);
void add_recording_routes(router& r);
void add_deck_routes(router& r);
void add_outbox_routes(router& r);
void add_join_routes(router& r);

// Every route of the API, in the order above.
void add_all_routes(router& r);

// Whether a WebSocket upgrade to /api/v1/sessions/{id}/live may proceed: the admission, or the
// HTTP error to answer instead. Runs on the worker pool; never throws.
std::variant<live_admission, http_response> admit_live(services& s,
                                                       const http_request& req) noexcept;

}  // namespace daring::server
