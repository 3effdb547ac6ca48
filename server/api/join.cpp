// One-tap join links from WhatsApp and e-mail: GET /j/{token} shows a page with a "Gabung"
// button and changes nothing (chat apps fetch links to draw previews); POST /j/{token} uses the
// link once, signs its user in with a normal login session and opens the live page (the forced
// password change comes first when one is due). Refusals are pages of their own.
#include "protocol/html.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/rules/local_time.hpp"
#include "server/services/delivery_service.hpp"
#include "server/services/join_links.hpp"
#include "server/util/tokens.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/audit_repo.hpp"
#include "storage/outbox_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

enum class link_state { ok, invalid, used, too_early, over };

struct link_check {
    link_state state = link_state::invalid;
    std::optional<user> who;
    std::optional<session> s;
    int offset = default_utc_offset_minutes;
};

link_check check_link(connection& c, const std::string& token, unix_seconds now,
                      unix_seconds early_s) {
    link_check out;
    auto secret = storage::find_server_secret(c, join_secret_name);
    auto claim = secret ? read_join_token(*secret, token) : std::nullopt;
    if (!claim) return out;
    out.who = storage::find_user(c, claim->user_id);
    out.s = storage::find_session(c, claim->session_id);
    if (!out.who || !out.s || !out.who->active()) return out;
    auto t = storage::find_training(c, out.s->training_id);
    if (!t || !storage::is_enrolled_in(c, t->id, out.who->id)) return out;
    if (auto r = storage::find_region(c, t->region_code)) out.offset = r->utc_offset_minutes;
    const auto status = out.s->current.status;
    if (storage::join_link_used(c, sha256_hex(token)))
        out.state = link_state::used;
    else if (status == session_status::ended || status == session_status::cancelled ||
             now >= out.s->ends_at)
        out.state = link_state::over;
    else if (!join_window_open(now, out.s->starts_at, out.s->ends_at, early_s))
        out.state = link_state::too_early;
    else
        out.state = link_state::ok;
    return out;
}

struct page_text {
    std::string heading, line;
    int status = 200;
};

// What the page says for each state, in the user's language (both when the user is unknown).
page_text text_of(const link_check& found, bool en, unix_seconds early_s) {
    const auto title = found.s ? found.s->title : std::string();
    const auto when = found.s ? format_local(found.s->starts_at, found.offset) : std::string();
    switch (found.state) {
        case link_state::ok:
            return {en ? "Join the session" : "Gabung ke sesi", title + " (" + when + ")", 200};
        case link_state::used:
            return {en ? "This link was already used" : "Tautan ini sudah dipakai",
                    en ? "Sign in to Daring to join." : "Masuk ke Daring untuk bergabung.", 410};
        case link_state::over:
            return {en ? "The session is over" : "Sesi sudah berakhir", title, 410};
        case link_state::too_early:
            return {en ? "Too early to join" : "Belum bisa bergabung",
                    (en ? "The link opens " : "Tautan dapat dipakai mulai ") +
                        std::to_string(early_s / 60) +
                        (en ? " minutes before " : " menit sebelum ") + title + " (" + when + ").",
                    403};
        case link_state::invalid:
            break;
    }
    return {"Tautan tidak berlaku / This link is not valid",
            "Masuk ke Daring untuk bergabung. / Sign in to Daring to join.", 404};
}

const std::string page_style =
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
    "button{font-size:1.2rem;padding:.8rem 2rem;background:#0b6e4f;color:#fff;border:0;"
    "border-radius:.4rem}";

// The page: a heading, a line, and the button when the link can be used.
http_response join_page(const link_check& found, const std::string& token, unix_seconds early_s) {
    const bool en = found.who && found.who->profile.language == "en";
    const auto text = text_of(found, en, early_s);
    std::string html =
        "<!doctype html><html lang=\"" + std::string(en ? "en" : "id") +
        "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width,initial-scale=1\"><title>Daring</title><style>" +
        page_style + "</style></head><body><h1>" + html_escape(text.heading) + "</h1><p>" +
        html_escape(text.line) + "</p>";
    if (found.state == link_state::ok)
        html += "<form method=\"post\" action=\"/j/" + html_escape(token) + "\"><button>" +
                std::string(en ? "Join" : "Gabung") + "</button></form>";
    else
        html += "<p><a href=\"/\">Daring</a></p>";
    http_response res;
    res.status = text.status;
    res.body = html + "</body></html>";
    res.set_header("Content-Type", "text/html; charset=utf-8");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'sha256-" + sha256_base64(page_style) +
                       "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Robots-Tag", "noindex");
    return res;
}

unix_seconds early_of(const request_context& ctx) {
    return static_cast<unix_seconds>(ctx.svc.options.messaging.join_early_minutes) * 60;
}

http_response show_join_link(request_context& ctx) {
    const auto token = ctx.params.text("token");
    const auto early = early_of(ctx);
    auto found = ctx.svc.db.read(
        [&](connection& c) { return check_link(c, token, ctx.svc.clk.now(), early); });
    return join_page(found, token, early);
}

http_response use_join_link(request_context& ctx) {
    const auto token = ctx.params.text("token");
    const auto early = early_of(ctx);
    const auto now = ctx.svc.clk.now();
    std::optional<login_success> signed_in;
    auto found = ctx.svc.db.write([&](connection& c) {
        auto f = check_link(c, token, now, early);
        if (f.state != link_state::ok ||
            !storage::record_join_link_use(c, sha256_hex(token), f.who->id, f.s->id, now))
            return f;
        signed_in = ctx.svc.auth.sign_in_within(c, *f.who);
        storage::insert_audit(c, f.who->id, "user.join_link", "session:" + std::to_string(f.s->id),
                              json::object(), now);
        return f;
    });
    if (!signed_in) {
        if (found.state == link_state::ok) found.state = link_state::used;  // a race lost
        return join_page(found, token, early);
    }
    http_response res;
    res.status = 303;
    // "joined" tells the page to ask who is signed in (the cookie is HttpOnly).
    res.set_header("Location", "/?joined#/live/" + std::to_string(found.s->id));
    res.set_header("Cache-Control", "no-store");
    res.headers.emplace_back(
        "Set-Cookie", session_cookie(signed_in->token, ctx.req.tls, session_absolute_timeout));
    return res;
}

}  // namespace

void add_join_routes(router& r) {
    r.add({
        {"GET", "/j/{token}", access::anyone(), show_join_link},
        {"POST", "/j/{token}", access::anyone(), use_join_link},
    });
}

}  // namespace daring::server
