// The training plan: regions and restrictions, funding sources, trainings, trainers,
// enrollments, sessions and their delivery, decisions and notifications.
#include <map>
#include <set>

#include "protocol/csv.hpp"
#include "protocol/plan.hpp"
#include "protocol/validate.hpp"
#include "server/api/routes.hpp"
#include "server/live/live_hub.hpp"
#include "server/rules/delivery_policy.hpp"
#include "server/services/delivery_service.hpp"
#include "storage/plan_repo.hpp"
#include "storage/users_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

const auto admin_only = access::roles({role::admin});

// The training if the caller may see it: admins all, trainers their assigned trainings,
// trainees those they are enrolled in. Anything else is 404, so ids leak nothing.
training visible_training(request_context& ctx, std::int64_t id) {
    auto t = ctx.svc.db.read([&](connection& c) -> std::optional<training> {
        auto found = storage::find_training(c, id);
        if (!found) return std::nullopt;
        const auto& u = ctx.user();
        if (u.user_role == role::trainer && !storage::is_trainer_of(c, id, u.id))
            return std::nullopt;
        if (u.user_role == role::trainee && !storage::is_enrolled_in(c, id, u.id))
            return std::nullopt;
        return found;
    });
    if (!t) throw http_error(404, "not_found", "No such training");
    return *t;
}

// Admins and the training's assigned trainers; others get 404 if they cannot see it, else 403.
training managed_training(request_context& ctx, std::int64_t id) {
    auto t = visible_training(ctx, id);
    if (ctx.user().user_role == role::trainee)
        throw http_error(403, "forbidden", "Trainees may not do this");
    return t;
}

session visible_session(request_context& ctx, std::int64_t id) {
    auto s = ctx.svc.db.read([&](connection& c) { return storage::find_session(c, id); });
    if (!s) throw http_error(404, "not_found", "No such session");
    try {
        visible_training(ctx, s->training_id);
    } catch (const http_error&) {
        throw http_error(404, "not_found", "No such session");
    }
    return *s;
}

// A JSON array of to_json(item) for every item.
template <class T>
json json_list(const std::vector<T>& items) {
    auto out = json::array();
    for (const auto& item : items) out.push_back(to_json(item));
    return out;
}

template <class T>
T parsed_or_422(result<T> r) {
    if (!r) throw http_error(422, r.err());
    return std::move(*r);
}

// The session, for a change inside a write job: 404 when missing, 409 when its delivery can no
// longer change (live, ended, cancelled; with `started_counts`, also once its start has passed).
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

json affected_json(const reevaluation& ev, const restriction& before, const restriction& after) {
    auto list = json::array();
    for (const auto& s : ev.evaluated) {
        if (!before.covers(s.local_day) && !after.covers(s.local_day)) continue;
        list.push_back({{"session_id", s.session_id},
                        {"mode", to_string(s.mode)},
                        {"status", to_string(s.status)}});
    }
    return list;
}

}  // namespace

void add_plan_routes(router& r, services& s) {
    // After a commit: tell live rooms (when any listen) what changed.
    auto publish = [&s](const reevaluation& ev) {
        if (!s.live) return;
        for (const auto& change : ev.changes) s.live->delivery_changed(change);
    };
    // Ends a trainee's enrollment or a trainer's assignment (`remove` returns false when there
    // was none: 404 `missing`). Both count towards a gathering, so the sessions are re-decided;
    // the user's live sockets in the training close with 4003.
    using remover = std::function<bool(connection&, std::int64_t training_id, std::int64_t user_id,
                                       unix_seconds now)>;
    auto end_membership = [&s, publish](request_context& ctx, const char* action,
                                        const char* missing, const char* missing_message,
                                        const remover& remove) {
        const auto training_id = ctx.params.integer("id");
        const auto user_id = ctx.params.integer("user_id");
        const auto now = s.clk.now();
        auto ev = s.db.write([&](connection& c) {
            if (!storage::find_training(c, training_id))
                throw http_error(404, "not_found", "No such training");
            if (!remove(c, training_id, user_id, now))
                throw http_error(404, missing, missing_message);
            ctx.audit(c, action, "training:" + std::to_string(training_id), {{"user_id", user_id}});
            return reevaluate(c, {std::nullopt, training_id, std::nullopt, now}, now);
        });
        publish(ev);
        if (s.live) s.live->close_member(training_id, user_id);
        return no_content();
    };

    // ---- regions and restrictions
    r.add("GET", "/api/v1/regions", access::signed_in(), [&s](request_context&) {
        auto regions = s.db.read([](connection& c) { return storage::list_regions(c); });
        return json_response(200, json_list(regions));
    });

    r.add("POST", "/api/v1/regions", admin_only, [&s](request_context& ctx) {
        auto g = parsed_or_422(parse_region(ctx.json_body()));
        s.db.write([&](connection& c) {
            storage::insert_region(c, g);
            ctx.audit(c, "region.create", "region:" + g.code, to_json(g));
        });
        return json_response(201, to_json(g));
    });

    r.add("GET", "/api/v1/regions/{code}/restrictions", access::signed_in(),
          [&s](request_context& ctx) {
              const auto& code = ctx.params.text("code");
              auto list = s.db.read([&](connection& c) -> std::optional<std::vector<restriction>> {
                  if (!storage::find_region(c, code)) return std::nullopt;
                  return storage::list_restrictions(c, code);
              });
              if (!list) throw http_error(404, "not_found", "No such region");
              return json_response(200, json_list(*list));
          });

    r.add("POST", "/api/v1/regions/{code}/restrictions", admin_only,
          [&s, publish](request_context& ctx) {
              auto x = parsed_or_422(parse_restriction(ctx.json_body()));
              x.region_code = ctx.params.text("code");
              const auto now = s.clk.now();
              auto [stored, ev] = s.db.write([&](connection& c) {
                  if (!storage::find_region(c, x.region_code))
                      throw http_error(404, "not_found", "No such region");
                  x.id = storage::insert_restriction(c, x, ctx.user().id, now);
                  x.created_at = now;
                  ctx.audit(c, "restriction.create", "restriction:" + std::to_string(x.id),
                            to_json(x));
                  auto ev = reevaluate(c, {std::nullopt, std::nullopt, x.region_code, now}, now);
                  return std::pair{x, ev};
              });
              publish(ev);
              auto body = to_json(stored);
              body["affected_sessions"] = affected_json(ev, stored, stored);
              auto res = json_response(201, body);
              res.set_header("Location", "/api/v1/restrictions/" + std::to_string(stored.id));
              return res;
          });

    r.add(
        "PATCH", "/api/v1/restrictions/{id:int}", admin_only, [&s, publish](request_context& ctx) {
            auto patch = parsed_or_422(parse_restriction_patch(ctx.json_body()));
            const auto id = ctx.params.integer("id");
            const auto now = s.clk.now();
            auto [before, after, ev] = s.db.write([&](connection& c) {
                auto found = storage::find_restriction(c, id);
                if (!found) throw http_error(404, "not_found", "No such restriction");
                if (patch.ends_on && *patch.ends_on < found->starts_on) {
                    throw http_error(422, "invalid_field", "ends_on must not be before starts_on",
                                     "ends_on");
                }
                storage::set_restriction_end(c, id, patch.ends_on);
                auto updated = *found;
                updated.ends_on = patch.ends_on;
                ctx.audit(c, "restriction.update", "restriction:" + std::to_string(id),
                          {{"ends_on",
                            patch.ends_on ? json(format_date(*patch.ends_on)) : json(nullptr)}});
                auto ev = reevaluate(c, {std::nullopt, std::nullopt, found->region_code, now}, now);
                return std::tuple{*found, updated, ev};
            });
            publish(ev);
            auto body = to_json(after);
            body["affected_sessions"] = affected_json(ev, before, after);
            return json_response(200, body);
        });

    // ---- funding sources
    r.add("GET", "/api/v1/funding-sources", admin_only, [&s](request_context&) {
        auto list = s.db.read([](connection& c) { return storage::list_funding_sources(c); });
        return json_response(200, json_list(list));
    });

    r.add("POST", "/api/v1/funding-sources", admin_only, [&s](request_context& ctx) {
        auto f = parsed_or_422(parse_funding_source(ctx.json_body()));
        f.id = s.db.write([&](connection& c) {
            auto id = storage::insert_funding_source(c, f, s.clk.now());
            ctx.audit(c, "funding_source.create", "funding_source:" + std::to_string(id),
                      {{"code", f.code}});
            return id;
        });
        return json_response(201, to_json(f));
    });

    // ---- trainings
    r.add("POST", "/api/v1/trainings", admin_only, [&s](request_context& ctx) {
        auto t = parsed_or_422(parse_training(ctx.json_body()));
        t.created_at = s.clk.now();
        t.id = s.db.write([&](connection& c) {
            if (!storage::find_region(c, t.region_code)) {
                throw http_error(422, "unknown_region", "No region " + t.region_code,
                                 "region_code");
            }
            if (!storage::find_funding_source(c, t.funding_source_id)) {
                throw http_error(422, "unknown_funding_source", "No such funding source",
                                 "funding_source_id");
            }
            auto id = storage::insert_training(c, t, t.created_at);
            ctx.audit(c, "training.create", "training:" + std::to_string(id), {{"title", t.title}});
            return id;
        });
        auto res = json_response(201, to_json(t));
        res.set_header("Location", "/api/v1/trainings/" + std::to_string(t.id));
        return res;
    });

    r.add("PATCH", "/api/v1/trainings/{id:int}", admin_only, [&s, publish](request_context& ctx) {
        const auto body = ctx.json_body();
        auto patch = parsed_or_422(parse_training_patch(body));
        const auto id = ctx.params.integer("id");
        const auto now = s.clk.now();
        auto [updated, ev] = s.db.write([&](connection& c) {
            auto current = storage::find_training(c, id);
            if (!current) throw http_error(404, "not_found", "No such training");
            auto t = apply_patch(*current, patch);
            storage::update_training(c, t);
            json changed = json::object();
            for (auto it = body.begin(); it != body.end(); ++it) changed[it.key()] = it.value();
            ctx.audit(c, "training.update", "training:" + std::to_string(id), changed);
            // The planned mode, capacity and switch policy feed the delivery decisions of the
            // sessions still to come; live and ended sessions keep theirs.
            return std::pair{t, reevaluate(c, {std::nullopt, id, std::nullopt, now}, now)};
        });
        publish(ev);
        return json_response(200, to_json(updated));
    });

    r.add("GET", "/api/v1/trainings", access::signed_in(), [&s](request_context& ctx) {
        auto list = s.db.read([&](connection& c) {
            return storage::list_trainings(c, ctx.user().user_role, ctx.user().id);
        });
        return json_response(200, json_list(list));
    });

    r.add("GET", "/api/v1/trainings/{id:int}", access::signed_in(), [&s](request_context& ctx) {
        auto t = visible_training(ctx, ctx.params.integer("id"));
        auto [sessions, trainers] = s.db.read([&](connection& c) {
            return std::pair{storage::list_sessions(c, t.id, false),
                             storage::list_trainers(c, t.id)};
        });
        auto body = to_json(t);
        auto list = json::array();
        for (const auto& x : sessions) list.push_back(to_json(x, false));
        body["sessions"] = std::move(list);
        auto people = json::array();
        for (const auto& u : trainers) people.push_back({{"id", u.id}, {"full_name", u.full_name}});
        body["trainers"] = std::move(people);
        return json_response(200, body);
    });

    r.add("POST", "/api/v1/trainings/{id:int}/trainers", admin_only,
          [&s, publish](request_context& ctx) {
              auto body = ctx.json_body();
              field_reader fr(body);
              auto user_id = fr.required_int("user_id", 1, INT64_MAX);
              if (!fr.ok()) throw http_error(422, fr.first_error());
              const auto training_id = ctx.params.integer("id");
              const auto now = s.clk.now();
              auto [added, ev] = s.db.write([&](connection& c) {
                  if (!storage::find_training(c, training_id))
                      throw http_error(404, "not_found", "No such training");
                  auto u = storage::find_user(c, *user_id);
                  if (!u || u->user_role != role::trainer) {
                      throw http_error(422, "not_a_trainer", "user_id must be a trainer's id",
                                       "user_id");
                  }
                  bool added = storage::assign_trainer(c, training_id, *user_id, now);
                  if (added)
                      ctx.audit(c, "training.assign_trainer",
                                "training:" + std::to_string(training_id), {{"user_id", *user_id}});
                  auto ev = reevaluate(c, {std::nullopt, training_id, std::nullopt, now}, now);
                  return std::pair{added, ev};
              });
              publish(ev);
              return json_response(
                  added ? 201 : 200,
                  {{"training_id", training_id}, {"user_id", *user_id}, {"assigned", true}});
          });

    r.add("DELETE", "/api/v1/trainings/{id:int}/trainers/{user_id:int}", admin_only,
          [end_membership](request_context& ctx) {
              return end_membership(
                  ctx, "training.unassign_trainer", "not_assigned",
                  "That user is not assigned to this training",
                  [](connection& c, std::int64_t training, std::int64_t user, unix_seconds) {
                      return storage::unassign_trainer(c, training, user);
                  });
          });

    r.add(
        "POST", "/api/v1/trainings/{id:int}/enrollments", admin_only,
        [&s, publish](request_context& ctx) {
            const auto training_id = ctx.params.integer("id");
            std::vector<std::int64_t> ids;
            std::vector<std::string> names;
            std::map<std::string, int> line_of;  // CSV: the line each username came from
            const bool csv = ctx.req.header("content-type").starts_with("text/csv");
            if (csv) {
                names = parsed_or_422(parse_username_csv(ctx.req.body));
                if (auto records = parse_csv(ctx.req.body)) {
                    for (const auto& rec : *records)
                        if (!rec.fields.empty()) line_of.emplace(trim(rec.fields[0]), rec.line);
                }
            } else {
                ids = parsed_or_422(parse_user_ids(ctx.json_body()));
            }
            const auto now = s.clk.now();
            auto [enrolled, ev] = s.db.write([&](connection& c) {
                if (!storage::find_training(c, training_id))
                    throw http_error(404, "not_found", "No such training");
                // All or none: every unknown or non-trainee entry is named.
                error problems = make_error("invalid_enrollment",
                                            "Some users cannot be enrolled; nobody was enrolled");
                if (csv) {
                    auto found = storage::find_users_by_name(c, names);
                    for (std::size_t i = 0; i < names.size(); ++i) {
                        auto it = found.find(names[i]);
                        if (it == found.end()) {
                            problems.lines.push_back(
                                {line_of[names[i]], "username", "no user '" + names[i] + "'"});
                        } else if (it->second.second != role::trainee) {
                            problems.lines.push_back({line_of[names[i]], "username",
                                                      "'" + names[i] + "' is not a trainee"});
                        } else {
                            ids.push_back(it->second.first);
                        }
                    }
                } else {
                    auto roles = storage::find_roles(c, ids);
                    for (std::size_t i = 0; i < ids.size(); ++i) {
                        auto it = roles.find(ids[i]);
                        if (it == roles.end()) {
                            problems.lines.push_back({0, "user_ids[" + std::to_string(i) + "]",
                                                      "no user " + std::to_string(ids[i])});
                        } else if (it->second != role::trainee) {
                            problems.lines.push_back(
                                {0, "user_ids[" + std::to_string(i) + "]",
                                 "user " + std::to_string(ids[i]) + " is not a trainee"});
                        }
                    }
                }
                if (!problems.lines.empty()) throw http_error(422, problems);
                int added = 0;
                for (auto id : ids) added += storage::enroll(c, training_id, id, now) ? 1 : 0;
                ctx.audit(c, "training.enroll", "training:" + std::to_string(training_id),
                          {{"requested", ids.size()}, {"enrolled", added}});
                auto ev = reevaluate(c, {std::nullopt, training_id, std::nullopt, now}, now);
                return std::pair{added, ev};
            });
            publish(ev);
            return json_response(201,
                                 {{"enrolled", enrolled},
                                  {"already_enrolled", static_cast<int>(ids.size()) - enrolled}});
        },
        route_options{import_body_limit});

    r.add("GET", "/api/v1/trainings/{id:int}/enrollments",
          access::roles({role::admin, role::trainer}), [&s](request_context& ctx) {
              auto t = managed_training(ctx, ctx.params.integer("id"));
              auto rows =
                  s.db.read([&](connection& c) { return storage::list_enrollments(c, t.id); });
              auto out = json::array();
              for (const auto& e : rows) {
                  auto u = to_json(e.user);
                  out.push_back(
                      {{"user", u},
                       {"enrolled_at", format_rfc3339(e.enrolled_at)},
                       {"withdrawn_at",
                        e.withdrawn_at ? json(format_rfc3339(*e.withdrawn_at)) : json(nullptr)}});
              }
              return json_response(200, out);
          });

    r.add("DELETE", "/api/v1/trainings/{id:int}/enrollments/{user_id:int}", admin_only,
          [end_membership](request_context& ctx) {
              return end_membership(ctx, "training.withdraw", "not_enrolled",
                                    "That user is not enrolled", storage::withdraw);
          });

    // ---- sessions
    r.add("POST", "/api/v1/trainings/{id:int}/sessions", admin_only,
          [&s, publish](request_context& ctx) {
              auto x = parsed_or_422(parse_session(ctx.json_body()));
              x.training_id = ctx.params.integer("id");
              const auto now = s.clk.now();
              auto [id, ev] = s.db.write([&](connection& c) {
                  auto t = storage::find_training(c, x.training_id);
                  if (!t) throw http_error(404, "not_found", "No such training");
                  x.current.mode = t->planned_mode;
                  x.current.status = session_status::scheduled;
                  x.current.reason = "As planned.";
                  x.current.reason_id = "Sesuai rencana.";
                  x.current.decided_at = now;
                  auto id = storage::insert_session(c, x, now);
                  ctx.audit(c, "session.create", "session:" + std::to_string(id),
                            {{"training_id", x.training_id}});
                  auto ev = reevaluate(c, {id, std::nullopt, std::nullopt, 0}, now);
                  return std::pair{id, ev};
              });
              publish(ev);
              auto created = s.db.read([&](connection& c) { return storage::find_session(c, id); });
              auto res = json_response(201, to_json(*created));
              res.set_header("Location", "/api/v1/sessions/" + std::to_string(id));
              return res;
          });

    r.add("GET", "/api/v1/sessions/{id:int}", access::signed_in(), [](request_context& ctx) {
        return json_response(200, to_json(visible_session(ctx, ctx.params.integer("id"))));
    });

    r.add("PATCH", "/api/v1/sessions/{id:int}", admin_only, [&s, publish](request_context& ctx) {
        auto patch = parsed_or_422(parse_session_patch(ctx.json_body()));
        const auto id = ctx.params.integer("id");
        const auto now = s.clk.now();
        auto ev = s.db.write([&](connection& c) {
            const auto current = changeable_session(c, id, now, false);
            auto starts = patch.starts_at.value_or(current.starts_at);
            auto ends = patch.ends_at.value_or(current.ends_at);
            if (ends <= starts)
                throw http_error(422, "invalid_field", "ends_at must be after starts_at",
                                 "ends_at");
            if (ends - starts > session_duration_limit) {
                throw http_error(422, "invalid_field", "a session lasts at most 12 hours",
                                 "ends_at");
            }
            storage::update_session_plan(c, id, patch);
            ctx.audit(c, "session.update", "session:" + std::to_string(id));
            return reevaluate(c, {id, std::nullopt, std::nullopt, 0}, now);
        });
        publish(ev);
        auto updated = s.db.read([&](connection& c) { return storage::find_session(c, id); });
        return json_response(200, to_json(*updated));
    });

    r.add("POST", "/api/v1/sessions/{id:int}/delivery", admin_only,
          [&s, publish](request_context& ctx) {
              auto req = parsed_or_422(parse_delivery_request(ctx.json_body()));
              const auto id = ctx.params.integer("id");
              const auto now = s.clk.now();
              auto ev = s.db.write([&](connection& c) {
                  changeable_session(c, id, now, true);
                  std::optional<storage::stored_override> o;
                  switch (req.action) {
                      case delivery_request::kind::set_mode:
                          o = storage::stored_override{req.mode, session_status::scheduled,
                                                       req.reason, ctx.user().id};
                          break;
                      case delivery_request::kind::postpone:
                          o = storage::stored_override{std::nullopt, session_status::postponed,
                                                       req.reason, ctx.user().id};
                          break;
                      case delivery_request::kind::cancel:
                          o = storage::stored_override{std::nullopt, session_status::cancelled,
                                                       req.reason, ctx.user().id};
                          break;
                      case delivery_request::kind::clear:
                          break;
                  }
                  storage::set_override(c, id, o);
                  ctx.audit(
                      c, "session.delivery", "session:" + std::to_string(id),
                      {{"action", req.action == delivery_request::kind::set_mode
                                      ? std::string(to_string(req.mode))
                                  : req.action == delivery_request::kind::postpone ? "postpone"
                                  : req.action == delivery_request::kind::cancel   ? "cancel"
                                                                                   : "clear"},
                       {"reason", req.reason}});
                  return reevaluate(c, {id, std::nullopt, std::nullopt, 0}, now);
              });
              publish(ev);
              auto updated = s.db.read([&](connection& c) { return storage::find_session(c, id); });
              return json_response(200, to_json(*updated));
          });

    r.add("GET", "/api/v1/trainings/{id:int}/decisions", access::signed_in(),
          [&s](request_context& ctx) {
              auto t = visible_training(ctx, ctx.params.integer("id"));
              auto list =
                  s.db.read([&](connection& c) { return storage::list_decisions(c, t.id); });
              return json_response(200, json_list(list));
          });

    r.add("GET", "/api/v1/me/notifications", access::signed_in(), [&s](request_context& ctx) {
        auto list = s.db.read(
            [&](connection& c) { return storage::list_notifications(c, ctx.user().id, 200); });
        return json_response(200, json_list(list));
    });
}

}  // namespace daring::server
