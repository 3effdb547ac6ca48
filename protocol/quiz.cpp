#include "protocol/quiz.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "protocol/validate.hpp"

namespace daring::protocol {

std::optional<quiz_kind> parse_quiz_kind(std::string_view s) {
    if (s == "pre_test") return quiz_kind::pre_test;
    if (s == "post_test") return quiz_kind::post_test;
    if (s == "poll") return quiz_kind::poll;
    if (s == "practice") return quiz_kind::practice;
    return std::nullopt;
}

std::optional<question_type> parse_question_type(std::string_view s) {
    if (s == "single") return question_type::single;
    if (s == "multiple") return question_type::multiple;
    if (s == "true_false") return question_type::true_false;
    if (s == "numeric") return question_type::numeric;
    if (s == "text") return question_type::text;
    return std::nullopt;
}

std::string_view to_string(quiz_kind k) {
    switch (k) {
        case quiz_kind::pre_test:
            return "pre_test";
        case quiz_kind::post_test:
            return "post_test";
        case quiz_kind::poll:
            return "poll";
        case quiz_kind::practice:
            return "practice";
    }
    return "practice";
}

std::string_view to_string(question_type t) {
    switch (t) {
        case question_type::single:
            return "single";
        case question_type::multiple:
            return "multiple";
        case question_type::true_false:
            return "true_false";
        case question_type::numeric:
            return "numeric";
        case question_type::text:
            return "text";
    }
    return "single";
}

std::string normalize_text(std::string_view text) {
    std::string out;
    bool space = false;
    for (char ch : text) {
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
    }
    return out;
}

namespace {

bool is_index(const json& j, std::size_t count) {
    return j.is_number_integer() && j.get<std::int64_t>() >= 0 &&
           j.get<std::int64_t>() < static_cast<std::int64_t>(count);
}

// One question of the body at `path` ("questions[2]"). In a poll, single, multiple and
// true_false questions may leave out `correct` (an opinion has no right answer).
// A question's part that does not fit: the field (below the question) and why.
struct question_problem {
    std::string field, message;
};
using problem = std::optional<question_problem>;

// Single and multiple choice: the options and the index (or indexes) of the right ones; a poll's
// opinion question has none (`correct` null).
problem read_choices(const json& body, const json& correct, question& q) {
    if (!body.contains("options") || !body["options"].is_array())
        return question_problem{"options", "options must be a list of texts"};
    const auto& opts = body["options"];
    if (opts.size() < 2 || opts.size() > options_per_question_limit) {
        return question_problem{
            "options",
            "a question has 2 to " + std::to_string(options_per_question_limit) + " options"};
    }
    for (std::size_t i = 0; i < opts.size(); ++i) {
        const auto len =
            opts[i].is_string() ? utf8_length(opts[i].get<std::string>()) : std::nullopt;
        if (!len || *len < 1 || *len > 500) {
            return question_problem{"options[" + std::to_string(i) + "]",
                                    "an option is a text of 1 to 500 characters"};
        }
        q.options.push_back(trim(opts[i].get<std::string>()));
    }
    if (correct.is_null()) return std::nullopt;
    if (q.type == question_type::single) {
        if (!is_index(correct, q.options.size())) {
            return question_problem{"correct", "correct must be the index of one option (0 to " +
                                                   std::to_string(q.options.size() - 1) + ")"};
        }
        q.correct = correct.get<std::int64_t>();
        return std::nullopt;
    }
    if (!correct.is_array() || correct.empty())
        return question_problem{"correct", "correct must list the indexes of the right options"};
    std::set<std::int64_t> set;
    for (const auto& c : correct) {
        if (!is_index(c, q.options.size()))
            return question_problem{"correct", "correct lists an index outside the options"};
        set.insert(c.get<std::int64_t>());
    }
    q.correct = json(std::vector<std::int64_t>(set.begin(), set.end()));
    return std::nullopt;
}

// True/false, numeric (with its tolerance) and text (the accepted answers, normalised).
problem read_answer_key(const json& body, const json& correct, question& q) {
    if (q.type == question_type::true_false) {
        if (correct.is_null()) return std::nullopt;
        if (!correct.is_boolean())
            return question_problem{"correct", "correct must be true or false"};
        q.correct = correct.get<bool>();
        return std::nullopt;
    }
    if (q.type == question_type::numeric) {
        if (!correct.is_number()) return question_problem{"correct", "correct must be a number"};
        q.correct = correct.get<double>();
        if (body.contains("tolerance") && !body["tolerance"].is_null()) {
            if (!body["tolerance"].is_number() || body["tolerance"].get<double>() < 0)
                return question_problem{"tolerance", "tolerance must be a number of 0 or more"};
            q.tolerance = body["tolerance"].get<double>();
        }
        return std::nullopt;
    }
    const json list = correct.is_string() ? json::array({correct}) : correct;
    if (!list.is_array() || list.empty() || list.size() > accepted_texts_limit)
        return question_problem{"correct", "correct must be 1 to 20 accepted answers"};
    json accepted = json::array();
    for (const auto& a : list) {
        if (!a.is_string() || normalize_text(a.get<std::string>()).empty() ||
            a.get<std::string>().size() > text_answer_limit) {
            return question_problem{
                "correct", "each accepted answer is a non-empty text of at most 200 characters"};
        }
        accepted.push_back(normalize_text(a.get<std::string>()));
    }
    q.correct = accepted;
    return std::nullopt;
}

std::optional<question> parse_question(const json& body, const std::string& path, field_reader& top,
                                       bool poll) {
    if (!body.is_object()) {
        top.fail_with(make_error("invalid_field", "each question must be an object", path));
        return std::nullopt;
    }
    field_reader r(body, path);
    question q;
    auto type_text = r.required_string("type", 1, 20);
    auto prompt = r.required_string("prompt", 1, 2000);
    auto points = r.optional_int("points", 0, 100);
    if (!r.ok()) {
        top.fail_with(r.first_error());
        return std::nullopt;
    }
    auto type = parse_question_type(*type_text);
    auto fail = [&](const std::string& field, const std::string& message) {
        top.fail_with(make_error("invalid_field", message, path + "." + field));
        return std::nullopt;
    };
    if (!type) return fail("type", "type must be single, multiple, true_false, numeric or text");
    q.type = *type;
    q.prompt = *prompt;
    q.points = static_cast<int>(points.value_or(1));
    if (q.type != question_type::numeric && body.contains("tolerance"))
        return fail("tolerance", "tolerance belongs to numeric questions only");
    const json* correct = body.contains("correct") ? &body.at("correct") : nullptr;
    const bool opinion = poll && q.type != question_type::numeric && q.type != question_type::text;
    if ((!correct || correct->is_null()) && !opinion) {
        top.fail_with(make_error(
            "missing_field",
            poll ? "correct is required for numeric and text questions" : "correct is required",
            path + ".correct"));
        return std::nullopt;
    }
    static const json none;
    if (!correct) correct = &none;
    const bool choice = q.type == question_type::single || q.type == question_type::multiple;
    if (auto p = choice ? read_choices(body, *correct, q) : read_answer_key(body, *correct, q))
        return fail(p->field, p->message);
    return q;
}

}  // namespace

result<quiz> parse_quiz(const json& body) {
    if (!body.is_object()) return make_error("invalid_body", "The body must be a JSON object");
    field_reader r(body);
    quiz q;
    auto title = r.required_line("title", 1, 200);
    auto kind_text = r.required_string("kind", 1, 20);
    auto limit = r.optional_int("time_limit_s", 10, 24 * 3600);
    bool has_opens = false, has_closes = false;
    std::optional<std::int64_t> opens, closes;
    if (r.ok() && r.has("opens_at") && !body["opens_at"].is_null())
        opens = r.required_time("opens_at"), has_opens = true;
    if (r.ok() && r.has("closes_at") && !body["closes_at"].is_null())
        closes = r.required_time("closes_at"), has_closes = true;
    if (!r.ok()) return r.first_error();
    auto kind = parse_quiz_kind(*kind_text);
    if (!kind)
        return make_error("invalid_field", "kind must be pre_test, post_test, poll or practice",
                          "kind");
    q.title = *title;
    q.kind = *kind;
    if (limit) q.time_limit_s = static_cast<int>(*limit);
    if (has_opens) q.opens_at = opens;
    if (has_closes) q.closes_at = closes;
    if (q.opens_at && q.closes_at && *q.closes_at <= *q.opens_at) {
        return make_error("invalid_field", "closes_at must be after opens_at", "closes_at");
    }
    auto flag = [&](const char* name, bool& out) -> std::optional<error> {
        if (!body.contains(name) || body[name].is_null()) return std::nullopt;
        if (!body[name].is_boolean())
            return make_error("invalid_field", std::string(name) + " must be true or false", name);
        out = body[name].get<bool>();
        return std::nullopt;
    };
    for (auto [name, out] : {std::pair{"shuffle", &q.shuffle}, std::pair{"anonymous", &q.anonymous},
                             std::pair{"partial_credit", &q.partial_credit},
                             std::pair{"allow_retakes", &q.allow_retakes}}) {
        if (auto e = flag(name, *out)) return *e;
    }
    if (body.contains("count") && !body["count"].is_null()) {
        if (body["count"] == "best")
            q.count_best = true;
        else if (body["count"] == "last")
            q.count_best = false;
        else
            return make_error("invalid_field", "count must be best or last", "count");
    }
    if (q.anonymous && q.kind != quiz_kind::poll) {
        return make_error("invalid_field", "only polls can be anonymous", "anonymous");
    }
    if (!body.contains("questions") || !body["questions"].is_array()) {
        return make_error("missing_field", "questions must be a list", "questions");
    }
    const auto& qs = body["questions"];
    if (qs.empty())
        return make_error("invalid_field", "a quiz needs at least one question", "questions");
    if (qs.size() > questions_per_quiz_limit) {
        return make_error(
            "invalid_field",
            "a quiz has at most " + std::to_string(questions_per_quiz_limit) + " questions",
            "questions");
    }
    field_reader top(body);
    for (std::size_t i = 0; i < qs.size(); ++i) {
        auto one = parse_question(qs[i], "questions[" + std::to_string(i) + "]", top,
                                  q.kind == quiz_kind::poll);
        if (!one) return top.first_error();
        q.questions.push_back(std::move(*one));
    }
    return q;
}

int max_score(const quiz& q) {
    if (!is_scored(q.kind)) return 0;
    int sum = 0;
    for (const auto& question : q.questions) sum += question.points;
    return sum;
}

std::optional<error> check_answer(const question& q, const json& answer) {
    auto bad = [](std::string message) {
        return make_error("invalid_answer", std::move(message), "answer");
    };
    switch (q.type) {
        case question_type::single:
            if (!is_index(answer, q.options.size()))
                return bad("answer must be the index of one option");
            return std::nullopt;
        case question_type::multiple: {
            if (!answer.is_array()) return bad("answer must be a list of option indexes");
            std::set<std::int64_t> seen;
            for (const auto& a : answer) {
                if (!is_index(a, q.options.size()))
                    return bad("answer lists an index outside the options");
                if (!seen.insert(a.get<std::int64_t>()).second)
                    return bad("answer lists an option twice");
            }
            return std::nullopt;
        }
        case question_type::true_false:
            if (!answer.is_boolean()) return bad("answer must be true or false");
            return std::nullopt;
        case question_type::numeric:
            if (!answer.is_number() || !std::isfinite(answer.get<double>()))
                return bad("answer must be a number");
            return std::nullopt;
        case question_type::text:
            if (!answer.is_string() || answer.get<std::string>().size() > text_answer_limit * 4 ||
                !utf8_length(answer.get<std::string>()) ||
                *utf8_length(answer.get<std::string>()) > text_answer_limit) {
                return bad("answer must be a text of at most 200 characters");
            }
            return std::nullopt;
    }
    return bad("unknown question type");
}

double score_answer(const question& q, const json& answer, bool partial_credit) {
    if (check_answer(q, answer)) return 0;
    switch (q.type) {
        case question_type::single:
        case question_type::true_false:
            return answer == q.correct ? q.points : 0;
        case question_type::multiple: {
            std::set<std::int64_t> chosen;
            for (const auto& a : answer) chosen.insert(a.get<std::int64_t>());
            std::set<std::int64_t> right;
            for (const auto& c : q.correct) right.insert(c.get<std::int64_t>());
            if (!partial_credit) return chosen == right ? q.points : 0;
            int hits = 0, misses = 0;
            for (auto c : chosen) (right.contains(c) ? hits : misses)++;
            const double share = std::max(
                0.0, static_cast<double>(hits - misses) / static_cast<double>(right.size()));
            return q.points * share;
        }
        case question_type::numeric:
            return std::fabs(answer.get<double>() - q.correct.get<double>()) <= q.tolerance + 1e-9
                       ? q.points
                       : 0;
        case question_type::text: {
            const auto given = normalize_text(answer.get<std::string>());
            for (const auto& a : q.correct)
                if (a.get<std::string>() == given) return q.points;
            return 0;
        }
    }
    return 0;
}

bool answer_is_correct(const question& q, const json& answer) {
    if (check_answer(q, answer)) return false;
    question full = q;
    full.points = 1;
    return score_answer(full, answer, false) >= 1.0;
}

std::vector<int> option_order(std::int64_t quiz_id, std::int64_t question_id, std::int64_t user_id,
                              std::size_t count) {
    std::vector<int> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = static_cast<int>(i);
    std::seed_seq seed{static_cast<std::uint32_t>(quiz_id), static_cast<std::uint32_t>(question_id),
                       static_cast<std::uint32_t>(user_id),
                       static_cast<std::uint32_t>(user_id >> 32)};
    std::mt19937 rng(seed);
    // Fisher-Yates with our own draws: std::shuffle's output differs between libraries.
    for (std::size_t i = count; i > 1; --i) {
        const auto j = static_cast<std::size_t>(rng() % i);
        std::swap(order[i - 1], order[j]);
    }
    return order;
}

json questions_json(const quiz& q, std::optional<std::int64_t> viewer) {
    auto list = json::array();
    for (const auto& question : q.questions) {
        json j = {{"id", question.id},
                  {"type", to_string(question.type)},
                  {"prompt", question.prompt},
                  {"points", question.points}};
        if (!question.options.empty()) {
            auto options = json::array();
            std::vector<int> order;
            if (viewer && q.shuffle) {
                order = option_order(q.id, question.id, *viewer, question.options.size());
            } else {
                for (std::size_t i = 0; i < question.options.size(); ++i)
                    order.push_back(static_cast<int>(i));
            }
            for (int i : order) options.push_back({{"index", i}, {"text", question.options[i]}});
            j["options"] = std::move(options);
        }
        if (!viewer) {
            j["correct"] = question.correct;
            if (question.type == question_type::numeric) j["tolerance"] = question.tolerance;
        }
        list.push_back(std::move(j));
    }
    return list;
}

json to_json(const quiz& q, std::optional<std::int64_t> viewer) {
    auto time_or_null = [](const std::optional<unix_seconds>& t) {
        return t ? json(format_rfc3339(*t)) : json(nullptr);
    };
    json j = {{"id", q.id},
              {"training_id", q.training_id},
              {"title", q.title},
              {"kind", to_string(q.kind)},
              {"scored", is_scored(q.kind)},
              {"max_score", max_score(q)},
              {"time_limit_s", q.time_limit_s ? json(*q.time_limit_s) : json(nullptr)},
              {"opens_at", time_or_null(q.opens_at)},
              {"closes_at", time_or_null(q.closes_at)},
              {"shuffle", q.shuffle},
              {"anonymous", q.anonymous},
              {"partial_credit", q.partial_credit},
              {"allow_retakes", q.allow_retakes},
              {"count", q.count_best ? "best" : "last"},
              {"questions", questions_json(q, viewer)},
              {"created_at", format_rfc3339(q.created_at)}};
    if (q.copied_from) j["copied_from"] = *q.copied_from;
    return j;
}

}  // namespace daring::protocol
