// Pesan keluar (admin): the outbox's counts by channel and state, its rows page by page (by
// state), and an administrator's retry or cancel of one message.
#include "server/api/handler_support.hpp"
#include "server/api/paging.hpp"
#include "server/api/routes.hpp"
#include "storage/outbox_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

const std::set<std::string> outbox_states = {"pending", "sending", "sent",
                                             "failed",  "expired", "cancelled"};

json outbox_json(const storage::outbox_row& r) {
    auto time_or_null = [](const std::optional<unix_seconds>& t) {
        return t ? json(format_rfc3339(*t)) : json(nullptr);
    };
    return {{"id", r.id},
            {"notification_id", r.notification_id},
            {"user", {{"id", r.user_id}, {"username", r.username}, {"full_name", r.full_name}}},
            {"channel", r.channel},
            {"state", r.state},
            {"kind", r.kind},
            {"attempts", r.attempts},
            {"next_attempt_at", format_rfc3339(r.next_attempt_at)},
            {"expires_at", time_or_null(r.expires_at)},
            {"sent_at", time_or_null(r.sent_at)},
            {"provider_answer", r.last_error.empty() ? json(nullptr) : json(r.last_error)},
            {"created_at", format_rfc3339(r.created_at)},
            {"updated_at", format_rfc3339(r.updated_at)}};
}

// Counts per channel and state, and which channels are configured on this server.
http_response outbox_summary(request_context& ctx) {
    auto counts = ctx.svc.db.read([](connection& c) { return storage::outbox_counts(c); });
    json by_channel = json::object();
    for (const auto& channel : {"whatsapp", "email"}) {
        json states = json::object();
        for (const auto& s : outbox_states) states[s] = counts[channel][s];
        by_channel[channel] = std::move(states);
    }
    const auto& m = ctx.svc.options.messaging;
    return json_response(
        200, {{"counts", std::move(by_channel)},
              {"configured",
               {{"whatsapp", !m.whatsapp_token.empty()}, {"email", !m.smtp_url.empty()}}}});
}

// Newest first; ?state= one state.
http_response list_outbox(request_context& ctx) {
    const auto page = read_page(ctx.req);
    const auto state = ctx.req.query_param("state").value_or("");
    if (!state.empty() && !outbox_states.contains(state))
        throw http_error(400, "invalid_query",
                         "state must be pending, sending, sent, failed, expired or cancelled",
                         "state");
    auto rows =
        ctx.svc.db.read([&](connection& c) { return storage::list_outbox(c, state, page); });
    return paged_response<storage::outbox_row>(
        ctx.req, std::move(rows), page,
        [](const storage::outbox_row& r) { return std::vector{r.id}; }, outbox_json);
}

// POST .../retry (failed, expired or cancelled -> pending now) and .../cancel (pending). The
// refusals are decided in the write job and thrown here, on the request's thread.
http_response change_outbox(request_context& ctx, bool retry) {
    const auto id = ctx.params.integer("id");
    bool changed = false;
    auto row = ctx.svc.db.write([&](connection& c) -> std::optional<storage::outbox_row> {
        auto found = storage::find_outbox(c, id);
        if (!found) return std::nullopt;
        const auto now = ctx.svc.clk.now();
        changed = retry ? storage::retry_outbox(c, id, now) : storage::cancel_outbox(c, id, now);
        if (!changed) return found;
        ctx.audit(c, retry ? "outbox.retry" : "outbox.cancel", "outbox:" + std::to_string(id),
                  {{"channel", found->channel}, {"state_before", found->state}});
        return storage::find_outbox(c, id);
    });
    if (!row) throw http_error(404, "not_found", "No such message");
    if (!changed && retry)
        throw http_error(409, "not_retryable",
                         "Only a failed, expired or cancelled message can be sent again");
    if (!changed)
        throw http_error(409, "not_cancellable",
                         "Only a message waiting to be sent can be cancelled");
    return json_response(200, outbox_json(*row));
}

http_response retry_message(request_context& ctx) {
    return change_outbox(ctx, true);
}
http_response cancel_message(request_context& ctx) {
    return change_outbox(ctx, false);
}

}  // namespace

void add_outbox_routes(router& r) {
    r.add({
        {"GET", "/api/v1/outbox/summary", admin_only, outbox_summary},
        {"GET", "/api/v1/outbox", admin_only, list_outbox},
        {"POST", "/api/v1/outbox/{id:int}/retry", admin_only, retry_message},
        {"POST", "/api/v1/outbox/{id:int}/cancel", admin_only, cancel_message},
    });
}

}  // namespace daring::server
