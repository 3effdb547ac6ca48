#include "server/api/handler_support.hpp"

#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"

namespace daring::server {

void publish_changes(services& s, const reevaluation& ev) {
    auto* hub = s.live.get();
    if (!hub) return;
    for (const auto& change : ev.changes) hub->delivery_changed(change);
}

std::string session_cookie(const std::string& token, bool secure, protocol::unix_seconds max_age) {
    std::string c = std::string(session_cookie_name) + "=" + token +
                    "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
    if (secure) c += "; Secure";
    return c;
}

void add_all_routes(router& r) {
    add_system_routes(r);
    add_auth_routes(r);
    add_user_routes(r);
    add_region_routes(r);
    add_funding_source_routes(r);
    add_training_routes(r);
    add_session_routes(r);
    add_live_routes(r);
    add_attendance_routes(r);
    add_quiz_routes(r);
    add_report_routes(r);
    add_certificate_routes(r);
    add_recording_routes(r);
    add_deck_routes(r);
    add_outbox_routes(r);
    add_join_routes(r);
}

}  // namespace daring::server
