#include "server/services/session_planning.hpp"

#include "protocol/deck.hpp"
#include "server/http/http_types.hpp"
#include "storage/deck_repo.hpp"
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
    for (std::size_t i = 0; i < s.slides.size(); ++i) {
        if (s.slides[i].page)
            throw http_error(422, "invalid_field",
                             "a new session has no deck yet: upload one, then add its pages",
                             "slides[" + std::to_string(i) + "].page");
    }
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

void change_session_content(connection& c, std::int64_t id, const session_patch& patch) {
    auto current = storage::find_session(c, id);
    if (!current) throw http_error(404, "not_found", "No such session");
    const auto st = current->current.status;
    if (st == session_status::ended || st == session_status::cancelled)
        throw http_error(409, "session_frozen",
                         "A session that ended or was cancelled cannot change");
    storage::update_session_plan(c, id, patch);
}

std::vector<slide> resolve_slides(connection& c, std::int64_t session_id,
                                  std::vector<slide> slides) {
    for (std::size_t i = 0; i < slides.size(); ++i) {
        auto& s = slides[i];
        if (!s.page) continue;
        const auto field = "slides[" + std::to_string(i) + "].page";
        auto d = storage::find_deck(c, s.page->deck_id);
        if (!d || d->session_id != session_id || d->status != deck_status::ready)
            throw http_error(422, "invalid_field", "no ready deck of this session has that id",
                             field);
        auto p = storage::find_deck_page(c, d->id, s.page->n);
        if (!p) throw http_error(422, "invalid_field", "the deck has no such page", field);
        auto full = page_slide(d->id, *p);
        if (!s.title.empty()) full.title = s.title;
        if (!s.body.empty()) full.body = s.body;
        s = std::move(full);
    }
    return slides;
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
