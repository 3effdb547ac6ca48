// Quizzes: the bank (create, read, edit until answered, copy), self-paced attempts and
// submissions, results, and the pre/post comparison of a training.
#include "protocol/quiz.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/reports/quiz_reports.hpp"
#include "server/reports/report_response.hpp"
#include "server/services/self_paced.hpp"
#include "server/services/training_access.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

std::string quiz_target(std::int64_t id) {
    return "quiz:" + std::to_string(id);
}

quiz find_or_404(connection& c, std::int64_t id) {
    auto q = storage::find_quiz(c, id);
    if (!q) throw http_error(404, "not_found", "No such quiz");
    return *q;
}

// The quiz, if the caller is staff of its training (403 for its trainees, 404 for others).
quiz staff_quiz(connection& c, std::int64_t id, const user& u) {
    auto q = find_or_404(c, id);
    require_role(c, q.training_id, u, staff_or_403);
    return q;
}

// The quiz, if the caller is a trainee of its training: only trainees take quizzes.
quiz trainee_quiz(connection& c, std::int64_t id, const user& u) {
    auto q = find_or_404(c, id);
    if (require_role(c, q.training_id, u) != training_role::trainee)
        throw http_error(403, "forbidden", "Only the training's trainees take quizzes");
    return q;
}

// Staff see the quiz with its answers; a trainee sees it without, in their own option order.
json quiz_for(const quiz& q, training_role role, std::int64_t user_id) {
    return to_json(q, role == training_role::staff ? std::nullopt : std::optional(user_id));
}

http_response create_quiz(request_context& ctx) {
    auto q = parsed_or_422(parse_quiz(ctx.json_body()));
    q.training_id = ctx.params.integer("id");
    q.created_by = ctx.user().id;
    q.created_at = ctx.svc.clk.now();
    ctx.svc.db.write([&](connection& c) {
        require_role(c, q.training_id, ctx.user(), staff_or_403);
        storage::insert_quiz(c, q);
        ctx.audit(c, "quiz.create", quiz_target(q.id), {{"training_id", q.training_id}});
    });
    auto res = json_response(201, to_json(q));
    res.set_header("Location", "/api/v1/quizzes/" + std::to_string(q.id));
    return res;
}

http_response list_quizzes(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    auto items = ctx.svc.db.read([&](connection& c) {
        const auto role = require_role(c, id, ctx.user());
        auto list = json::array();
        for (const auto& q : storage::quizzes_of(c, id))
            list.push_back(quiz_for(q, role, ctx.user().id));
        return list;
    });
    return json_response(200, {{"items", std::move(items)}});
}

http_response get_quiz(request_context& ctx) {
    auto body = ctx.svc.db.read([&](connection& c) {
        auto q = find_or_404(c, ctx.params.integer("id"));
        return quiz_for(q, require_role(c, q.training_id, ctx.user()), ctx.user().id);
    });
    return json_response(200, body);
}

http_response replace_quiz(request_context& ctx) {
    auto q = parsed_or_422(parse_quiz(ctx.json_body()));
    const auto id = ctx.params.integer("id");
    auto saved = ctx.svc.db.write([&](connection& c) {
        staff_quiz(c, id, ctx.user());
        if (storage::quiz_has_answers(c, id)) {
            throw http_error(409, "quiz_has_answers",
                             "The quiz has answers and can no longer change; copy it instead");
        }
        storage::replace_quiz(c, id, q);
        ctx.audit(c, "quiz.update", quiz_target(id));
        return *storage::find_quiz(c, id);
    });
    return json_response(200, to_json(saved));
}

http_response copy_quiz(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    auto copy = ctx.svc.db.write([&](connection& c) {
        auto q = staff_quiz(c, id, ctx.user());
        q.copied_from = id;
        q.title = q.title + " (salinan)";
        q.created_by = ctx.user().id;
        q.created_at = ctx.svc.clk.now();
        storage::insert_quiz(c, q);
        ctx.audit(c, "quiz.copy", quiz_target(q.id), {{"from", id}});
        return q;
    });
    return json_response(201, to_json(copy));
}

http_response begin_attempt(request_context& ctx) {
    const auto now = ctx.svc.clk.now();
    auto q = ctx.svc.db.write([&](connection& c) {
        auto q = trainee_quiz(c, ctx.params.integer("id"), ctx.user());
        start_attempt(c, q, ctx.user().id, now);
        return q;
    });
    const auto deadline =
        q.time_limit_s ? json(format_rfc3339(now + *q.time_limit_s)) : json(nullptr);
    return json_response(201, {{"quiz_id", q.id},
                               {"started_at", format_rfc3339(now)},
                               {"deadline", deadline},
                               {"quiz", to_json(q, ctx.user().id)}});
}

http_response submit(request_context& ctx) {
    const auto body = ctx.json_body();
    auto row = ctx.svc.db.write([&](connection& c) {
        auto q = trainee_quiz(c, ctx.params.integer("id"), ctx.user());
        auto row = submit_answers(c, q, ctx.user().id, body, ctx.svc.clk.now());
        ctx.audit(c, "quiz.submit", quiz_target(q.id));
        return row;
    });
    return json_response(
        201, {{"submission_id", row.id}, {"score", row.score}, {"max_score", row.max_score}});
}

http_response quiz_results_report(request_context& ctx) {
    const auto req = parse_report_request(ctx.req);
    auto results = ctx.svc.db.read([&](connection& c) {
        return build_quiz_results(c, staff_quiz(c, ctx.params.integer("id"), ctx.user()));
    });
    return report_response(req, to_json(results), to_table(results), ctx.svc.clk.now());
}

http_response pre_post(request_context& ctx) {
    const auto req = parse_report_request(ctx.req);
    auto report = ctx.svc.db.read([&](connection& c) {
        return build_pre_post(
            c, require_training(c, ctx.params.integer("id"), ctx.user(), staff_or_404));
    });
    return report_response(req, to_json(report), to_table(report), ctx.svc.clk.now());
}

}  // namespace

void add_quiz_routes(router& r) {
    r.add({
        {"POST", "/api/v1/trainings/{id:int}/quizzes", staff_only, create_quiz},
        {"GET", "/api/v1/trainings/{id:int}/quizzes", access::signed_in(), list_quizzes},
        {"GET", "/api/v1/quizzes/{id:int}", access::signed_in(), get_quiz},
        {"PUT", "/api/v1/quizzes/{id:int}", staff_only, replace_quiz},
        {"POST", "/api/v1/quizzes/{id:int}/copy", staff_only, copy_quiz},
        {"POST", "/api/v1/quizzes/{id:int}/attempts", trainee_only, begin_attempt},
        {"POST", "/api/v1/quizzes/{id:int}/submissions", trainee_only, submit},
        {"GET", "/api/v1/quizzes/{id:int}/results", staff_only, quiz_results_report, on_reports},
        {"GET", "/api/v1/reports/trainings/{id:int}/pre-post", staff_only, pre_post, on_reports},
    });
}

}  // namespace daring::server
