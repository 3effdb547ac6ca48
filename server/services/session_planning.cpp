#include "server/services/session_planning.hpp"

#include "server/http/http_types.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

// The session, for a change: 404 when missing, 409 when its delivery can no longer change
// (live, ended, cancelled; with `started_counts`, also once its start has passed).
session changeable_session(connection& c, std::int64_t id, unix_seconds now, bool started_counts) {
    auto current = storage::find_session(c, id);
    if (!current) throw http_error(404, "not_found", "No such session");
    const auto st = current->current.status;
    if (st == session_status::live || st == session_status::ended ||
        st == session_status::cancelled || (started_counts && current->starts_at <= now)) {
        throw http_error(409, "session_frozen",
                         "A session that has started, ended or was cancelled cannot change");
    }
    return *current;
}

std::optional<storage::stored_override> override_of(const delivery_request& r,
                                                    std::int64_t admin_id) {
    using kind = delivery_request::kind;
    switch (r.action) {
        case kind::set_mode:
            return storage::stored_override{r.mode, session_status::scheduled, r.reason, admin_id};
        case kind::postpone:
            return storage::stored_override{std::nullopt, session_status::postponed, r.reason,
                                            admin_id};
        case kind::cancel:
            return storage::stored_override{std::nullopt, session_status::cancelled, r.reason,
                                            admin_id};
        case kind::clear:
            break;
    }
    return std::nullopt;
}

reevaluation decide_session(connection& c, std::int64_t id, unix_seconds now) {
    return reevaluate(c, {id, std::nullopt, std::nullopt, 0}, now);
}

}  // namespace

planned_session add_session(connection& c, session s, unix_seconds now) {
    auto t = storage::find_training(c, s.training_id);
    if (!t) throw http_error(404, "not_found", "No such training");
    s.current.mode = t->planned_mode;
    s.current.status = session_status::scheduled;
    s.current.reason = "As planned.";
    s.current.reason_id = "Sesuai rencana.";
    s.current.decided_at = now;
    planned_session out;
    out.id = storage::insert_session(c, s, now);
    out.decisions = decide_session(c, out.id, now);
    return out;
}

reevaluation change_session(connection& c, std::int64_t id, const session_patch& patch,
                            unix_seconds now) {
    const auto current = changeable_session(c, id, now, false);
    auto starts = patch.starts_at.value_or(current.starts_at);
    auto ends = patch.ends_at.value_or(current.ends_at);
    if (ends <= starts)
        throw http_error(422, "invalid_field", "ends_at must be after starts_at", "ends_at");
    if (ends - starts > session_duration_limit)
        throw http_error(422, "invalid_field", "a session lasts at most 12 hours", "ends_at");
    storage::update_session_plan(c, id, patch);
    return decide_session(c, id, now);
}

reevaluation decide_by_hand(connection& c, std::int64_t id, const delivery_request& request,
                            std::int64_t admin_id, unix_seconds now) {
    changeable_session(c, id, now, true);
    storage::set_override(c, id, override_of(request, admin_id));
    return decide_session(c, id, now);
}

std::string action_name(const delivery_request& r) {
    switch (r.action) {
        case delivery_request::kind::set_mode:
            return std::string(to_string(r.mode));
        case delivery_request::kind::postpone:
            return "postpone";
        case delivery_request::kind::cancel:
            return "cancel";
        case delivery_request::kind::clear:
            break;
    }
    return "clear";
}

}  // namespace daring::server
