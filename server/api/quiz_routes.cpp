// Quizzes: the bank (create, read, edit until answered, copy), self-paced attempts and
// submissions, results, and the pre/post comparison of a training.
#include <algorithm>
#include <map>
#include <set>

#include "protocol/quiz.hpp"
#include "server/api/routes.hpp"
#include "server/reports/reports.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/plan_repo.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

// Seconds of grace after a self-paced time limit (a slow network on the last answer).
constexpr unix_seconds submission_grace = 30;

enum class viewer_kind { staff, trainee };

// Who may see training `training_id`: admins and its trainers as staff, its trainees as trainees.
// Anyone else gets 404 so ids leak nothing.
viewer_kind viewer_of(connection& c, std::int64_t training_id, const user& u) {
    if (!storage::find_training(c, training_id))
        throw http_error(404, "not_found", "No such training");
    if (u.user_role == role::admin) return viewer_kind::staff;
    if (u.user_role == role::trainer && storage::is_trainer_of(c, training_id, u.id))
        return viewer_kind::staff;
    if (u.user_role == role::trainee && storage::is_enrolled_in(c, training_id, u.id))
        return viewer_kind::trainee;
    throw http_error(404, "not_found", "No such training");
}

void require_staff(viewer_kind v) {
    if (v != viewer_kind::staff)
        throw http_error(403, "forbidden", "Only the training's trainers or an admin can do this");
}
void require_trainee(viewer_kind v) {
    if (v != viewer_kind::trainee)
        throw http_error(403, "forbidden", "Only the training's trainees take quizzes");
}

quiz find_or_404(connection& c, std::int64_t id) {
    auto q = storage::find_quiz(c, id);
    if (!q) throw http_error(404, "not_found", "No such quiz");
    return *q;
}

json quiz_for(const quiz& q, viewer_kind v, std::int64_t user_id) {
    return to_json(q, v == viewer_kind::staff ? std::nullopt : std::optional(user_id));
}

}  // namespace

void add_quiz_routes(router& r, services& s) {
    const auto staff = access::roles({role::admin, role::trainer});

    r.add("POST", "/api/v1/trainings/{id:int}/quizzes", staff, [&s](request_context& ctx) {
        auto parsed = parse_quiz(ctx.json_body());
        if (!parsed) throw http_error(422, parsed.err());
        auto q = std::move(*parsed);
        q.training_id = ctx.params.integer("id");
        q.created_by = ctx.user().id;
        q.created_at = s.clk.now();
        s.db.write([&](connection& c) {
            require_staff(viewer_of(c, q.training_id, ctx.user()));
            storage::insert_quiz(c, q);
            ctx.audit(c, "quiz.create", "quiz:" + std::to_string(q.id),
                      {{"training_id", q.training_id}});
        });
        auto res = json_response(201, to_json(q));
        res.set_header("Location", "/api/v1/quizzes/" + std::to_string(q.id));
        return res;
    });

    r.add("GET", "/api/v1/trainings/{id:int}/quizzes", access::signed_in(),
          [&s](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              auto items = s.db.read([&](connection& c) {
                  const auto v = viewer_of(c, id, ctx.user());
                  auto list = json::array();
                  for (const auto& q : storage::quizzes_of(c, id))
                      list.push_back(quiz_for(q, v, ctx.user().id));
                  return list;
              });
              return json_response(200, {{"items", std::move(items)}});
          });

    r.add("GET", "/api/v1/quizzes/{id:int}", access::signed_in(), [&s](request_context& ctx) {
        auto body = s.db.read([&](connection& c) {
            auto q = find_or_404(c, ctx.params.integer("id"));
            return quiz_for(q, viewer_of(c, q.training_id, ctx.user()), ctx.user().id);
        });
        return json_response(200, body);
    });

    r.add("PUT", "/api/v1/quizzes/{id:int}", staff, [&s](request_context& ctx) {
        auto parsed = parse_quiz(ctx.json_body());
        if (!parsed) throw http_error(422, parsed.err());
        auto q = std::move(*parsed);
        const auto id = ctx.params.integer("id");
        auto saved = s.db.write([&](connection& c) {
            auto current = find_or_404(c, id);
            require_staff(viewer_of(c, current.training_id, ctx.user()));
            if (storage::quiz_has_answers(c, id)) {
                throw http_error(409, "quiz_has_answers",
                                 "The quiz has answers and can no longer change; copy it instead");
            }
            storage::replace_quiz(c, id, q);
            ctx.audit(c, "quiz.update", "quiz:" + std::to_string(id));
            return *storage::find_quiz(c, id);
        });
        return json_response(200, to_json(saved));
    });

    r.add("POST", "/api/v1/quizzes/{id:int}/copy", staff, [&s](request_context& ctx) {
        const auto id = ctx.params.integer("id");
        auto copy = s.db.write([&](connection& c) {
            auto q = find_or_404(c, id);
            require_staff(viewer_of(c, q.training_id, ctx.user()));
            q.copied_from = id;
            q.title = q.title + " (salinan)";
            q.created_by = ctx.user().id;
            q.created_at = s.clk.now();
            storage::insert_quiz(c, q);
            ctx.audit(c, "quiz.copy", "quiz:" + std::to_string(q.id), {{"from", id}});
            return q;
        });
        return json_response(201, to_json(copy));
    });

    r.add("POST", "/api/v1/quizzes/{id:int}/attempts", access::roles({role::trainee}),
          [&s](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              const auto now = s.clk.now();
              auto q = s.db.write([&](connection& c) {
                  auto q = find_or_404(c, id);
                  require_trainee(viewer_of(c, q.training_id, ctx.user()));
                  if (q.opens_at && now < *q.opens_at)
                      throw http_error(409, "quiz_not_open", "The quiz is not open yet");
                  if (q.closes_at && now >= *q.closes_at)
                      throw http_error(409, "quiz_closed", "The quiz has closed");
                  storage::start_attempt(c, id, ctx.user().id, now);
                  return q;
              });
              return json_response(
                  201, {{"quiz_id", id},
                        {"started_at", format_rfc3339(now)},
                        {"deadline", q.time_limit_s ? json(format_rfc3339(now + *q.time_limit_s))
                                                    : json(nullptr)},
                        {"quiz", to_json(q, ctx.user().id)}});
          });

    r.add("POST", "/api/v1/quizzes/{id:int}/submissions", access::roles({role::trainee}),
          [&s](request_context& ctx) {
              const auto id = ctx.params.integer("id");
              const auto body = ctx.json_body();
              const auto now = s.clk.now();
              const auto& u = ctx.user();
              auto result = s.db.write([&](connection& c) {
                  auto q = find_or_404(c, id);
                  require_trainee(viewer_of(c, q.training_id, u));
                  if (q.opens_at && now < *q.opens_at)
                      throw http_error(409, "quiz_not_open", "The quiz is not open yet");
                  if (q.closes_at && now >= *q.closes_at + submission_grace)
                      throw http_error(409, "quiz_closed", "The quiz has closed");
                  auto previous = storage::submissions_of(c, id, u.id);
                  if (!previous.empty() && !q.allow_retakes) {
                      throw http_error(409, "already_submitted",
                                       "This quiz takes one submission per trainee");
                  }
                  if (q.time_limit_s) {
                      auto started = storage::latest_attempt(c, id, u.id);
                      if (!started)
                          throw http_error(409, "attempt_not_started",
                                           "Start an attempt first (POST .../attempts)");
                      if (now > *started + *q.time_limit_s + submission_grace) {
                          throw http_error(409, "time_over",
                                           "The time limit of this attempt has passed");
                      }
                  }
                  if (!body.contains("answers") || !body["answers"].is_array()) {
                      throw http_error(422, "missing_field", "answers must be a list", "answers");
                  }
                  std::map<std::int64_t, const question*> by_id;
                  for (const auto& question : q.questions) by_id[question.id] = &question;
                  storage::submission_row row;
                  row.quiz_id = id;
                  row.user_id = u.id;
                  row.source = "self_paced";
                  row.max_score = max_score(q);
                  row.answers = json::object();
                  row.submitted_at = now;
                  const auto& answers = body["answers"];
                  for (std::size_t i = 0; i < answers.size(); ++i) {
                      const auto path = "answers[" + std::to_string(i) + "]";
                      const auto& a = answers[i];
                      if (!a.is_object() || !a.contains("question_id") ||
                          !a["question_id"].is_number_integer()) {
                          throw http_error(422, "invalid_field", "each answer needs a question_id",
                                           path + ".question_id");
                      }
                      auto question = by_id.find(a["question_id"].get<std::int64_t>());
                      if (question == by_id.end())
                          throw http_error(422, "unknown_question", "No such question in this quiz",
                                           path + ".question_id");
                      const auto key = std::to_string(question->first);
                      if (row.answers.contains(key))
                          throw http_error(422, "invalid_field", "a question is answered twice",
                                           path + ".question_id");
                      const json value = a.contains("answer") ? a["answer"] : json(nullptr);
                      if (auto problem = check_answer(*question->second, value))
                          throw http_error(422, problem->code, problem->message, path + ".answer");
                      row.answers[key] = value;
                      if (is_scored(q.kind))
                          row.score += score_answer(*question->second, value, q.partial_credit);
                  }
                  row.id = storage::insert_submission(c, row);
                  ctx.audit(c, "quiz.submit", "quiz:" + std::to_string(id));
                  return row;
              });
              return json_response(201, {{"submission_id", result.id},
                                         {"score", result.score},
                                         {"max_score", result.max_score}});
          });

    r.add("GET", "/api/v1/quizzes/{id:int}/results", staff, [&s](request_context& ctx) {
        const auto id = ctx.params.integer("id");
        const auto req = parse_report_request(ctx.req);
        auto body = s.db.read([&](connection& c) {
            auto q = find_or_404(c, id);
            require_staff(viewer_of(c, q.training_id, ctx.user()));
            const auto all = storage::submissions_of(c, id);
            const auto counted = counted_by_user(q, all);
            auto trainees = json::array();
            for (const auto& [user, sub] : counted) {
                json t = {{"score", sub->score},
                          {"max_score", sub->max_score},
                          {"percent", percent_of(sub->score, sub->max_score)},
                          {"source", sub->source},
                          {"submitted_at", format_rfc3339(sub->submitted_at)},
                          {"answers", sub->answers}};
                if (!q.anonymous) {
                    t["user_id"] = user;
                    t["username"] = sub->username;
                    t["full_name"] = sub->full_name;
                }
                trainees.push_back(std::move(t));
            }
            auto questions = json::array();
            for (const auto& question : q.questions) {
                int answered = 0, right = 0;
                json counts = question.options.empty()
                                  ? json::object()
                                  : json(std::vector<int>(question.options.size(), 0));
                for (const auto& [user, sub] : counted) {
                    const auto key = std::to_string(question.id);
                    if (!sub->answers.contains(key)) continue;
                    const auto& a = sub->answers[key];
                    ++answered;
                    if (answer_is_correct(question, a)) ++right;
                    if (question.type == question_type::single) {
                        counts[a.get<std::size_t>()] = counts[a.get<std::size_t>()].get<int>() + 1;
                    } else if (question.type == question_type::multiple) {
                        for (const auto& i : a)
                            counts[i.get<std::size_t>()] =
                                counts[i.get<std::size_t>()].get<int>() + 1;
                    } else {
                        const auto label =
                            question.type == question_type::true_false
                                ? (a.get<bool>() ? "true" : "false")
                                : (answer_is_correct(question, a) ? "correct" : "incorrect");
                        counts[label] = counts.value(label, 0) + 1;
                    }
                }
                json qj = {{"question_id", question.id},
                           {"prompt", question.prompt},
                           {"type", to_string(question.type)},
                           {"answered", answered},
                           {"counts", counts}};
                if (is_scored(q.kind))
                    qj["share_correct"] = answered ? static_cast<double>(right) / answered : 0.0;
                questions.push_back(std::move(qj));
            }
            double sum = 0;
            for (const auto& [user, sub] : counted) sum += percent_of(sub->score, sub->max_score);
            return json{{"quiz", to_json(q)},
                        {"submitted", counted.size()},
                        {"mean_percent", counted.empty() ? 0.0 : sum / counted.size()},
                        {"trainees", std::move(trainees)},
                        {"questions", std::move(questions)}};
        });
        // Spreadsheet: one row per trainee, an answer column per question.
        report_sheet sheet;
        sheet.name = "Hasil kuis";
        const bool named = !body["quiz"].value("anonymous", false);
        if (named) {
            sheet.columns = {{"ID peserta", "User ID", column_type::integer},
                             {"Nama pengguna", "Username", column_type::text},
                             {"Nama lengkap", "Full name", column_type::text}};
        }
        sheet.columns.push_back({"Skor", "Score", column_type::number});
        sheet.columns.push_back({"Skor maksimum", "Max score", column_type::integer});
        sheet.columns.push_back({"Persen", "Percent", column_type::number});
        sheet.columns.push_back({"Sumber", "Source", column_type::text});
        sheet.columns.push_back({"Dikirim", "Submitted", column_type::datetime});
        for (std::size_t i = 0; i < body["questions"].size(); ++i) {
            sheet.columns.push_back({"Jawaban " + std::to_string(i + 1),
                                     "Answer " + std::to_string(i + 1), column_type::text});
        }
        for (const auto& t : body["trainees"]) {
            std::vector<report_cell> row;
            if (named)
                row = {t["user_id"].get<std::int64_t>(), t["username"].get<std::string>(),
                       t["full_name"].get<std::string>()};
            row.emplace_back(t["score"].get<double>());
            row.emplace_back(t["max_score"].get<std::int64_t>());
            row.emplace_back(t["percent"].get<double>());
            row.emplace_back(t["source"].get<std::string>());
            row.emplace_back(parse_rfc3339(t["submitted_at"].get<std::string>()).value_or(0));
            for (const auto& q : body["questions"]) {
                const auto key = std::to_string(q["question_id"].get<std::int64_t>());
                row.emplace_back(t["answers"].contains(key) ? report_cell(t["answers"][key].dump())
                                                            : report_cell());
            }
            sheet.rows.push_back(std::move(row));
        }
        report_file file;
        file.stem = "hasil-kuis-" + std::to_string(id);
        file.sheets.push_back(std::move(sheet));
        return report_response(req, body, std::move(file), s.clk.now());
    });

    r.add("GET", "/api/v1/reports/trainings/{id:int}/pre-post", staff, [&s](request_context& ctx) {
        const auto id = ctx.params.integer("id");
        const auto req = parse_report_request(ctx.req);
        const auto now = s.clk.now();
        auto [scores, trainees, offset] = s.db.read([&](connection& c) {
            const auto t = staff_training(c, id, ctx.user());
            return std::tuple{load_pre_post(c, id), storage::enrolled_trainees(c, id),
                              region_offset(c, t.region_code)};
        });
        auto rows = json::array();
        report_sheet sheet;
        sheet.name = "Pre-post";
        sheet.columns = {{"ID peserta", "User ID", column_type::integer},
                         {"Nama pengguna", "Username", column_type::text},
                         {"Nama lengkap", "Full name", column_type::text},
                         {"Nilai pre-test (%)", "Pre-test (%)", column_type::number},
                         {"Nilai post-test (%)", "Post-test (%)", column_type::number},
                         {"Peningkatan", "Gain", column_type::number}};
        int both = 0, improved = 0;
        double gain_sum = 0;
        for (const auto& t : trainees) {
            std::optional<double> pre, post, gain;
            if (auto a = scores.pre_percent.find(t.user_id); a != scores.pre_percent.end())
                pre = a->second;
            if (auto b = scores.post_percent.find(t.user_id); b != scores.post_percent.end())
                post = b->second;
            if (pre && post) {
                gain = *post - *pre;
                ++both;
                gain_sum += *gain;
                if (*gain > 0) ++improved;
            }
            auto j = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
            auto cell = [](const std::optional<double>& v) {
                return v ? report_cell(*v) : report_cell();
            };
            rows.push_back({{"user_id", t.user_id},
                            {"username", t.username},
                            {"full_name", t.full_name},
                            {"pre_percent", j(pre)},
                            {"post_percent", j(post)},
                            {"gain", j(gain)}});
            sheet.rows.push_back(
                {t.user_id, t.username, t.full_name, cell(pre), cell(post), cell(gain)});
        }
        json body = {
            {"training_id", id},
            {"pre_test", scores.pre ? json({{"id", scores.pre->id}, {"title", scores.pre->title}})
                                    : json(nullptr)},
            {"post_test", scores.post
                              ? json({{"id", scores.post->id}, {"title", scores.post->title}})
                              : json(nullptr)},
            {"trainees_with_both", both},
            {"mean_gain", both ? json(gain_sum / both) : json(nullptr)},
            {"improved_share", both ? json(static_cast<double>(improved) / both) : json(nullptr)},
            {"rows", std::move(rows)}};
        report_file file;
        file.stem = "pre-post-pelatihan-" + std::to_string(id);
        file.utc_offset_minutes = offset;
        file.sheets.push_back(std::move(sheet));
        return report_response(req, body, std::move(file), now);
    });
}

}  // namespace daring::server
