// Users: create, list (by role, searched), read, edit (profile, deactivation), password resets,
// the CSV import (all rows or none), and everyone's own password change.
#include "protocol/validate.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/paging.hpp"
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/live/live_room.hpp"
#include "server/util/tokens.hpp"
#include "storage/auth_repo.hpp"
#include "storage/users_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

http_response create_user(request_context& ctx) {
    auto parsed = parsed_or_422(parse_new_user(ctx.json_body()));
    const auto hash = ctx.svc.hasher.hash(parsed.password);
    auto id = ctx.svc.db.write([&](connection& c) {
        auto id = storage::insert_user(c, parsed, hash, ctx.svc.clk.now());
        ctx.audit(c, "user.create", "user:" + std::to_string(id),
                  {{"username", parsed.username}, {"role", to_string(parsed.user_role)}});
        return id;
    });
    auto created = ctx.svc.db.read([&](connection& c) { return storage::find_user(c, id); });
    auto res = json_response(201, to_json(*created));
    res.set_header("Location", "/api/v1/users/" + std::to_string(id));
    return res;
}

http_response list_users(request_context& ctx) {
    storage::user_filter filter;
    if (auto role_text = ctx.req.query_param("role"); role_text && !role_text->empty()) {
        filter.role = parse_role(*role_text);
        if (!filter.role)
            throw http_error(422, "invalid_query", "role must be admin, trainer or trainee",
                             "role");
    }
    if (auto q = ctx.req.query_param("q")) filter.query = trim(*q).substr(0, 100);
    const auto page = read_page(ctx.req);
    auto users =
        ctx.svc.db.read([&](connection& c) { return storage::list_users(c, filter, page); });
    return paged_response<user>(
        ctx.req, std::move(users), page, [](const user& u) { return std::vector{u.id}; },
        [](const user& u) { return to_json(u); });
}

http_response get_user(request_context& ctx) {
    auto u = ctx.svc.db.read(
        [&](connection& c) { return storage::find_user(c, ctx.params.integer("id")); });
    if (!u) throw http_error(404, "not_found", "No such user");
    return json_response(200, to_json(*u));
}

// Usernames already taken are line errors too: all rows or none.
void require_free_usernames(request_context& ctx, const std::vector<user_import_row>& rows) {
    auto e = make_error("invalid_csv", "Some lines are invalid; nothing was imported");
    ctx.svc.db.read([&](connection& c) {
        for (const auto& row : rows)
            if (storage::username_exists(c, row.user.username))
                e.lines.push_back({row.line, "username", "username is already taken"});
    });
    if (!e.lines.empty()) throw http_error(422, e);
}

// ?must_change_password=true (the default) or false.
bool import_forces_change(const http_request& req) {
    const auto v = req.query_param("must_change_password").value_or("true");
    if (v != "true" && v != "false")
        throw http_error(400, "invalid_query", "must_change_password must be true or false",
                         "must_change_password");
    return v == "true";
}

http_response import_users(request_context& ctx) {
    if (!ctx.req.header("content-type").starts_with("text/csv"))
        throw http_error(415, "unsupported_media_type", "Send the users as text/csv");
    const bool force_change = import_forces_change(ctx.req);
    auto rows = parsed_or_422(parse_user_import(ctx.req.body));
    for (auto& row : rows) row.user.must_change_password = force_change;
    require_free_usernames(ctx, rows);
    std::vector<std::string_view> passwords;
    passwords.reserve(rows.size());
    for (const auto& row : rows) passwords.push_back(row.user.password);
    auto hashes = ctx.svc.hasher.hash_all(passwords);
    const auto now = ctx.svc.clk.now();
    ctx.svc.db.write([&](connection& c) {
        for (std::size_t i = 0; i < rows.size(); ++i)
            storage::insert_user(c, rows[i].user, hashes[i], now);
        ctx.audit(c, "user.import", "users", {{"count", rows.size()}});
    });
    return json_response(201, {{"imported", rows.size()}});
}

// Ends a user's login sessions (but `keep`) and closes their live sockets with `code`.
void sign_out_everywhere(request_context& ctx, std::int64_t user_id, int code,
                         const std::string& reason, const std::string& keep = {}) {
    ctx.svc.auth.end_user_sessions(user_id, keep);
    if (auto* hub = ctx.svc.live.get()) hub->close_user(user_id, code, reason, keep);
}

// PATCH /users/{id}: profile fields and `active`; audited with the names of the fields sent.
http_response update_user(request_context& ctx) {
    const auto patch = parsed_or_422(parse_user_patch(ctx.json_body()));
    const auto id = ctx.params.integer("id");
    if (patch.active == false && id == ctx.user().id)
        throw http_error(409, "cannot_deactivate_self", "You cannot deactivate your own account",
                         "active");
    const auto now = ctx.svc.clk.now();
    auto [before, after] = ctx.svc.db.write([&](connection& c) {
        auto found = storage::find_user(c, id);
        if (!found) throw http_error(404, "not_found", "No such user");
        storage::update_profile(c, apply_patch(*found, patch));
        if (patch.active && *patch.active != found->active())
            storage::set_deactivated(c, id, *patch.active ? std::nullopt : std::optional(now));
        ctx.audit(c, "user.update", "user:" + std::to_string(id), {{"fields", patch.fields}});
        return std::pair{*found, *storage::find_user(c, id)};
    });
    if (!after.active() && before.active())
        sign_out_everywhere(ctx, id, close_removed, "account deactivated");
    else
        ctx.svc.auth.forget_user(id);  // cached sessions carry the old profile
    return json_response(200, to_json(after));
}

// POST /users/{id}/password-reset: a temporary password, shown once, to be changed at the next
// login; the user's sessions end.
http_response reset_password(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    const auto temporary = random_code(12);
    const auto hash = ctx.svc.hasher.hash(temporary);
    ctx.svc.db.write([&](connection& c) {
        if (!storage::find_user(c, id)) throw http_error(404, "not_found", "No such user");
        storage::set_password(c, id, hash, true, ctx.svc.clk.now());
        ctx.audit(c, "user.password_reset", "user:" + std::to_string(id));
    });
    sign_out_everywhere(ctx, id, close_signed_out, "password reset");
    auto res = json_response(200, {{"temporary_password", temporary}});
    res.set_header("Cache-Control", "no-store");
    return res;
}

// POST /me/password {current, new}: for everyone; the caller's other sessions and sockets end.
http_response change_own_password(request_context& ctx) {
    const auto change = parsed_or_422(parse_password_change(ctx.json_body()));
    const auto id = ctx.user().id;
    auto stored = ctx.svc.db.read([&](connection& c) { return storage::password_hash_of(c, id); });
    if (!stored || !ctx.svc.hasher.verify(*stored, change.current))
        throw http_error(422, "wrong_password", "The current password is wrong", "current");
    const auto hash = ctx.svc.hasher.hash(change.next);
    ctx.svc.db.write([&](connection& c) {
        storage::set_password(c, id, hash, false, ctx.svc.clk.now());
        ctx.audit(c, "user.password_change", "user:" + std::to_string(id));
    });
    sign_out_everywhere(ctx, id, close_signed_out, "password changed", ctx.session->token_hash);
    return no_content();
}

// PATCH /me {notify_channel, language}: how the caller is reached outside the app; the rest of
// a profile is the office's to change.
http_response update_my_preferences(request_context& ctx) {
    const auto patch = parsed_or_422(parse_user_patch(ctx.json_body()));
    for (const auto& name : patch.fields) {
        if (name != "notify_channel" && name != "language")
            throw http_error(422, "invalid_field", name + " is changed by the office", name);
    }
    const auto id = ctx.user().id;
    auto after = ctx.svc.db.write([&](connection& c) {
        auto found = storage::find_user(c, id);
        if (!found) throw http_error(404, "not_found", "No such user");
        storage::update_profile(c, apply_patch(*found, patch));
        ctx.audit(c, "user.preferences", "user:" + std::to_string(id), {{"fields", patch.fields}});
        return *storage::find_user(c, id);
    });
    ctx.svc.auth.forget_user(id);  // cached sessions carry the old profile
    return json_response(200, to_json(after));
}

}  // namespace

void add_user_routes(router& r) {
    r.add({
        {"POST", "/api/v1/users", admin_only, create_user, on_hashing},
        {"GET", "/api/v1/users", admin_only, list_users},
        {"GET", "/api/v1/users/{id:int}", admin_only, get_user},
        {"PATCH", "/api/v1/users/{id:int}", admin_only, update_user},
        {"POST", "/api/v1/users/{id:int}/password-reset", admin_only, reset_password, on_hashing},
        {"POST", "/api/v1/me/password", access::signed_in(), change_own_password, on_hashing},
        {"PATCH", "/api/v1/me", access::signed_in(), update_my_preferences},
        {"POST", "/api/v1/users/import", admin_only, import_users,
         route_options{import_body_limit, lane::hashing}},
    });
}

}  // namespace daring::server
