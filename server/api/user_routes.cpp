// Users: POST/GET /api/v1/users, GET /api/v1/users/{id}, POST /api/v1/users/import.
#include <algorithm>
#include <future>
#include <thread>

#include "protocol/validate.hpp"
#include "server/api/routes.hpp"
#include "storage/users_repo.hpp"

namespace daring::server {

namespace {

using protocol::role;

// Hashes every password using all cores: an import of a thousand users stays in seconds.
std::vector<std::string> hash_all(const password_hasher& hasher,
                                  const std::vector<protocol::user_import_row>& rows) {
    std::vector<std::string> hashes(rows.size());
    const std::size_t lanes = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::future<void>> tasks;
    for (std::size_t lane = 0; lane < lanes; ++lane) {
        tasks.push_back(std::async(std::launch::async, [&, lane] {
            for (std::size_t i = lane; i < rows.size(); i += lanes) {
                hashes[i] = hasher.hash(rows[i].user.password);
            }
        }));
    }
    for (auto& t : tasks) t.get();
    return hashes;
}

}  // namespace

void add_user_routes(router& r, services& s) {
    const auto admin_only = access::roles({role::admin});

    r.add("POST", "/api/v1/users", admin_only, [&s](request_context& ctx) {
        auto parsed = protocol::parse_new_user(ctx.json_body());
        if (!parsed) throw http_error(422, parsed.err());
        const auto hash = s.hasher.hash(parsed->password);
        const auto now = s.clk.now();
        auto id = s.db.write([&](storage::connection& c) {
            auto id = storage::insert_user(c, *parsed, hash, now);
            ctx.audit(
                c, "user.create", "user:" + std::to_string(id),
                {{"username", parsed->username}, {"role", protocol::to_string(parsed->user_role)}});
            return id;
        });
        auto created = s.db.read([&](storage::connection& c) { return storage::find_user(c, id); });
        auto res = json_response(201, protocol::to_json(*created));
        res.set_header("Location", "/api/v1/users/" + std::to_string(id));
        return res;
    });

    r.add("GET", "/api/v1/users", admin_only, [&s](request_context& ctx) {
        storage::user_filter filter;
        if (auto role_text = ctx.req.query_param("role"); role_text && !role_text->empty()) {
            filter.role = protocol::parse_role(*role_text);
            if (!filter.role) {
                throw http_error(422, "invalid_query", "role must be admin, trainer or trainee",
                                 "role");
            }
        }
        if (auto q = ctx.req.query_param("q")) filter.query = protocol::trim(*q).substr(0, 100);
        auto users =
            s.db.read([&](storage::connection& c) { return storage::list_users(c, filter); });
        auto out = protocol::json::array();
        for (const auto& u : users) out.push_back(protocol::to_json(u));
        return json_response(200, out);
    });

    r.add("GET", "/api/v1/users/{id:int}", admin_only, [&s](request_context& ctx) {
        auto u = s.db.read([&](storage::connection& c) {
            return storage::find_user(c, ctx.params.integer("id"));
        });
        if (!u) throw http_error(404, "not_found", "No such user");
        return json_response(200, protocol::to_json(*u));
    });

    r.add(
        "POST", "/api/v1/users/import", admin_only,
        [&s](request_context& ctx) {
            if (!ctx.req.header("content-type").starts_with("text/csv")) {
                throw http_error(415, "unsupported_media_type", "Send the users as text/csv");
            }
            auto rows = protocol::parse_user_import(ctx.req.body);
            if (!rows) throw http_error(422, rows.err());
            // Usernames already taken are line errors too: all rows or none.
            auto taken = s.db.read([&](storage::connection& c) {
                std::vector<int> lines;
                for (const auto& row : *rows) {
                    if (storage::username_exists(c, row.user.username)) lines.push_back(row.line);
                }
                return lines;
            });
            if (!taken.empty()) {
                auto e = protocol::make_error("invalid_csv",
                                              "Some lines are invalid; nothing was imported");
                for (int line : taken)
                    e.lines.push_back({line, "username", "username is already taken"});
                throw http_error(422, e);
            }
            auto hashes = hash_all(s.hasher, *rows);
            const auto now = s.clk.now();
            s.db.write([&](storage::connection& c) {
                for (std::size_t i = 0; i < rows->size(); ++i) {
                    storage::insert_user(c, (*rows)[i].user, hashes[i], now);
                }
                ctx.audit(c, "user.import", "users", {{"count", rows->size()}});
            });
            return json_response(201, {{"imported", rows->size()}});
        },
        route_options{import_body_limit});
}

}  // namespace daring::server
