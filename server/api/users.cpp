// Users: create, list (by role, searched), read, and the CSV import (all rows or none).
#include "protocol/validate.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
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
    auto users = ctx.svc.db.read([&](connection& c) { return storage::list_users(c, filter); });
    return json_response(200, json_list(users));
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

http_response import_users(request_context& ctx) {
    if (!ctx.req.header("content-type").starts_with("text/csv"))
        throw http_error(415, "unsupported_media_type", "Send the users as text/csv");
    auto rows = parsed_or_422(parse_user_import(ctx.req.body));
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

}  // namespace

void add_user_routes(router& r) {
    r.add({
        {"POST", "/api/v1/users", admin_only, create_user, on_hashing},
        {"GET", "/api/v1/users", admin_only, list_users},
        {"GET", "/api/v1/users/{id:int}", admin_only, get_user},
        {"POST", "/api/v1/users/import", admin_only, import_users,
         route_options{import_body_limit, lane::hashing}},
    });
}

}  // namespace daring::server
