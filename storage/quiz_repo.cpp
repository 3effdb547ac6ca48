#include "storage/quiz_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using protocol::json;

namespace {

json settings_of(const protocol::quiz& q) {
    json s = {{"shuffle", q.shuffle},
              {"anonymous", q.anonymous},
              {"partial_credit", q.partial_credit},
              {"allow_retakes", q.allow_retakes},
              {"count_best", q.count_best}};
    if (q.time_limit_s) s["time_limit_s"] = *q.time_limit_s;
    if (q.opens_at) s["opens_at"] = *q.opens_at;
    if (q.closes_at) s["closes_at"] = *q.closes_at;
    return s;
}

void apply_settings(protocol::quiz& q, const json& s) {
    q.shuffle = s.value("shuffle", false);
    q.anonymous = s.value("anonymous", false);
    q.partial_credit = s.value("partial_credit", false);
    q.allow_retakes = s.value("allow_retakes", false);
    q.count_best = s.value("count_best", true);
    if (s.contains("time_limit_s")) q.time_limit_s = s["time_limit_s"].get<int>();
    if (s.contains("opens_at")) q.opens_at = s["opens_at"].get<std::int64_t>();
    if (s.contains("closes_at")) q.closes_at = s["closes_at"].get<std::int64_t>();
}

void insert_questions(connection& c, std::int64_t quiz_id, protocol::quiz& q) {
    statement ins(c, "INSERT INTO quiz_questions(quiz_id, position, definition) VALUES (?, ?, ?)");
    int position = 0;
    for (auto& question : q.questions) {
        json d = {{"type", to_string(question.type)}, {"prompt", question.prompt},
                  {"options", question.options},      {"correct", question.correct},
                  {"tolerance", question.tolerance},  {"points", question.points}};
        ins.bind(1, quiz_id);
        ins.bind(2, position++);
        ins.bind(3, d.dump());
        ins.exec();
        ins.reset();
        question.id = c.last_insert_id();
    }
}

protocol::quiz read_quiz(statement& q) {
    protocol::quiz out;
    out.id = q.column(0).as_int64();
    out.training_id = q.column(1).as_int64();
    out.title = q.column(2).as_text();
    out.kind =
        protocol::parse_quiz_kind(q.column(3).as_text()).value_or(protocol::quiz_kind::practice);
    apply_settings(out, json::parse(q.column(4).as_text()));
    out.created_by = q.column(5).as_int64();
    out.created_at = q.column(6).as_int64();
    if (!q.column(7).is_null()) out.copied_from = q.column(7).as_int64();
    return out;
}

void load_questions(connection& c, protocol::quiz& q) {
    statement s(c, "SELECT id, definition FROM quiz_questions WHERE quiz_id = ? ORDER BY position");
    s.bind(1, q.id);
    while (s.step()) {
        protocol::question question;
        question.id = s.column(0).as_int64();
        auto d = json::parse(s.column(1).as_text());
        question.type = protocol::parse_question_type(d["type"].get<std::string>())
                            .value_or(protocol::question_type::single);
        question.prompt = d["prompt"];
        question.options = d["options"].get<std::vector<std::string>>();
        question.correct = d["correct"];
        question.tolerance = d["tolerance"];
        question.points = d["points"];
        q.questions.push_back(std::move(question));
    }
}

const char* const quiz_columns =
    "id, training_id, title, kind, settings, created_by, created_at, copied_from";

}  // namespace

std::int64_t insert_quiz(connection& c, protocol::quiz& q) {
    statement ins(c,
                  "INSERT INTO quizzes(training_id, title, kind, settings, created_by, "
                  "created_at, copied_from) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, q.training_id);
    ins.bind(2, q.title);
    ins.bind(3, std::string(to_string(q.kind)));
    ins.bind(4, settings_of(q).dump());
    ins.bind(5, q.created_by);
    ins.bind(6, static_cast<std::int64_t>(q.created_at));
    if (q.copied_from)
        ins.bind(7, *q.copied_from);
    else
        ins.bind(7);
    ins.exec();
    q.id = c.last_insert_id();
    insert_questions(c, q.id, q);
    return q.id;
}

std::optional<protocol::quiz> find_quiz(connection& c, std::int64_t id) {
    statement q(c, std::string("SELECT ") + quiz_columns + " FROM quizzes WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    auto out = read_quiz(q);
    load_questions(c, out);
    return out;
}

std::vector<protocol::quiz> quizzes_of(connection& c, std::int64_t training_id) {
    statement q(c, std::string("SELECT ") + quiz_columns +
                       " FROM quizzes WHERE training_id = ? ORDER BY id");
    q.bind(1, training_id);
    std::vector<protocol::quiz> out;
    while (q.step()) out.push_back(read_quiz(q));
    for (auto& quiz : out) load_questions(c, quiz);
    return out;
}

bool quiz_has_answers(connection& c, std::int64_t quiz_id) {
    statement q(c,
                "SELECT EXISTS(SELECT 1 FROM quiz_submissions WHERE quiz_id = ?1) OR "
                "EXISTS(SELECT 1 FROM quiz_answers a JOIN quiz_runs r ON r.id = a.run_id "
                "WHERE r.quiz_id = ?1) OR "
                "EXISTS(SELECT 1 FROM quiz_runs WHERE quiz_id = ?1 AND closed_at IS NULL)");
    q.bind(1, quiz_id);
    q.step();
    return q.column(0).as_int() != 0;
}

bool quiz_has_submissions(connection& c, std::int64_t quiz_id) {
    statement q(c, "SELECT EXISTS(SELECT 1 FROM quiz_submissions WHERE quiz_id = ?1)");
    q.bind(1, quiz_id);
    q.step();
    return q.column(0).as_int() != 0;
}

void replace_quiz(connection& c, std::int64_t id, protocol::quiz& q) {
    statement up(c, "UPDATE quizzes SET title = ?, kind = ?, settings = ? WHERE id = ?");
    up.bind(1, q.title);
    up.bind(2, std::string(to_string(q.kind)));
    up.bind(3, settings_of(q).dump());
    up.bind(4, id);
    up.exec();
    statement del(c, "DELETE FROM quiz_questions WHERE quiz_id = ?");
    del.bind(1, id);
    del.exec();
    q.id = id;
    insert_questions(c, id, q);
}

std::int64_t insert_run(connection& c, std::int64_t quiz_id, std::int64_t session_id,
                        std::int64_t by, protocol::unix_seconds at,
                        protocol::unix_seconds closes_at) {
    statement q(c,
                "INSERT INTO quiz_runs(quiz_id, session_id, opened_by, opened_at, "
                "closes_at) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, quiz_id);
    q.bind(2, session_id);
    q.bind(3, by);
    q.bind(4, static_cast<std::int64_t>(at));
    q.bind(5, static_cast<std::int64_t>(closes_at));
    q.exec();
    return c.last_insert_id();
}

bool close_run(connection& c, std::int64_t run_id, protocol::unix_seconds at) {
    statement q(c, "UPDATE quiz_runs SET closed_at = ? WHERE id = ? AND closed_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, run_id);
    return q.exec() > 0;
}

std::vector<open_run> open_runs(connection& c, std::optional<std::int64_t> session_id) {
    statement q(c,
                "SELECT r.id, r.quiz_id, r.session_id, r.closes_at, s.status = 'live' "
                "FROM quiz_runs r JOIN training_sessions s ON s.id = r.session_id "
                "WHERE r.closed_at IS NULL AND (CAST(? AS BIGINT) IS NULL OR r.session_id = ?) "
                "ORDER BY r.id");
    if (session_id) {
        q.bind(1, *session_id);
        q.bind(2, *session_id);
    }
    std::vector<open_run> out;
    while (q.step()) {
        out.push_back({q.column(0).as_int64(), q.column(1).as_int64(), q.column(2).as_int64(),
                       q.column(3).as_int64(), q.column(4).as_int() != 0});
    }
    return out;
}

std::map<std::int64_t, std::map<std::int64_t, json>> run_answers(connection& c,
                                                                 std::int64_t run_id) {
    statement q(c, "SELECT user_id, question_id, answer FROM quiz_answers WHERE run_id = ?");
    q.bind(1, run_id);
    std::map<std::int64_t, std::map<std::int64_t, json>> out;
    while (q.step()) {
        out[q.column(0).as_int64()][q.column(1).as_int64()] =
            json::parse(q.column(2).as_text(), nullptr, false);
    }
    return out;
}

namespace {

// PostgreSQL: the resend check and the answer in one statement (one round trip instead of two);
// no row is written when the client's id was seen before.
constexpr const char* record_answer_once_pg =
    "WITH seen AS (INSERT INTO quiz_answer_ids(run_id, user_id, client_id) "
    "VALUES (CAST(:run AS BIGINT), CAST(:user AS BIGINT), CAST(:client AS TEXT)) "
    "ON CONFLICT DO NOTHING RETURNING 1) "
    "INSERT INTO quiz_answers(run_id, user_id, question_id, answer, answered_at) "
    "SELECT CAST(:run AS BIGINT), CAST(:user AS BIGINT), CAST(:question AS BIGINT), "
    "CAST(:answer AS TEXT), CAST(:at AS BIGINT) WHERE EXISTS (SELECT 1 FROM seen) "
    "ON CONFLICT(run_id, user_id, question_id) DO UPDATE SET answer = excluded.answer, "
    "answered_at = excluded.answered_at";

}  // namespace

bool record_answer(connection& c, std::int64_t run_id, std::int64_t user_id,
                   std::int64_t question_id, const json& answer, const std::string& client_id,
                   protocol::unix_seconds at) {
    if (!client_id.empty() && c.dialect() == sql_dialect::postgresql) {
        statement q(c, record_answer_once_pg);
        q.bind(":run", run_id);
        q.bind(":user", user_id);
        q.bind(":client", client_id);
        q.bind(":question", question_id);
        q.bind(":answer", answer.dump());
        q.bind(":at", static_cast<std::int64_t>(at));
        return q.exec() > 0;
    }
    if (!client_id.empty()) {
        statement seen(c,
                       "INSERT INTO quiz_answer_ids(run_id, user_id, client_id) VALUES (?, ?, ?) "
                       "ON CONFLICT DO NOTHING");
        seen.bind(1, run_id);
        seen.bind(2, user_id);
        seen.bind(3, client_id);
        if (seen.exec() == 0) return false;
    }
    statement q(
        c,
        "INSERT INTO quiz_answers(run_id, user_id, question_id, answer, answered_at) VALUES (?, ?, "
        "?, ?, ?) "
        "ON CONFLICT(run_id, user_id, question_id) DO UPDATE SET answer = excluded.answer, "
        "answered_at = excluded.answered_at");
    q.bind(1, run_id);
    q.bind(2, user_id);
    q.bind(3, question_id);
    q.bind(4, answer.dump());
    q.bind(5, static_cast<std::int64_t>(at));
    q.exec();
    return true;
}

namespace {

// A PostgreSQL array literal of texts ({"a","b\"c"}): each element quoted, quotes and
// backslashes escaped.
std::string pg_text_array(const std::vector<answer_row>& rows, std::string answer_row::*field) {
    std::string out = "{";
    for (const auto& r : rows) {
        if (out.size() > 1) out += ',';
        out += '"';
        for (const char ch : r.*field) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + '}';
}

template <class F>
std::string pg_int_array(const std::vector<answer_row>& rows, F value) {
    std::string out = "{";
    for (const auto& r : rows) {
        if (out.size() > 1) out += ',';
        out += std::to_string(value(r));
    }
    return out + '}';
}

// The rows' client ids go in once each; only rows whose id went in now (or that have none)
// apply, and of those the last per question.
constexpr const char* record_answers_pg =
    "WITH input AS (SELECT * FROM unnest(CAST(:runs AS BIGINT[]), CAST(:users AS BIGINT[]), "
    "CAST(:questions AS BIGINT[]), CAST(:answers AS TEXT[]), CAST(:clients AS TEXT[]), "
    "CAST(:ats AS BIGINT[])) WITH ORDINALITY AS t(run_id, user_id, question_id, answer, "
    "client_id, at, ord)), "
    "seen AS (INSERT INTO quiz_answer_ids(run_id, user_id, client_id) SELECT DISTINCT run_id, "
    "user_id, client_id FROM input WHERE client_id <> '' ON CONFLICT DO NOTHING "
    "RETURNING run_id, user_id, client_id), "
    "fresh AS (SELECT DISTINCT ON (i.run_id, i.user_id, i.question_id) i.* FROM input i "
    "WHERE i.client_id = '' OR EXISTS (SELECT 1 FROM seen s WHERE s.run_id = i.run_id AND "
    "s.user_id = i.user_id AND s.client_id = i.client_id) "
    "ORDER BY i.run_id, i.user_id, i.question_id, i.ord DESC) "
    "INSERT INTO quiz_answers(run_id, user_id, question_id, answer, answered_at) "
    "SELECT run_id, user_id, question_id, answer, at FROM fresh "
    "ON CONFLICT(run_id, user_id, question_id) DO UPDATE SET answer = excluded.answer, "
    "answered_at = excluded.answered_at";

}  // namespace

void record_answers(connection& c, const std::vector<answer_row>& rows) {
    if (rows.empty()) return;
    if (c.dialect() != sql_dialect::postgresql || rows.size() == 1) {
        for (const auto& r : rows)
            record_answer(c, r.run_id, r.user_id, r.question_id, json::parse(r.answer), r.client_id,
                          r.at);
        return;
    }
    statement q(c, record_answers_pg);
    q.bind(":runs", pg_int_array(rows, [](const answer_row& r) { return r.run_id; }));
    q.bind(":users", pg_int_array(rows, [](const answer_row& r) { return r.user_id; }));
    q.bind(":questions", pg_int_array(rows, [](const answer_row& r) { return r.question_id; }));
    q.bind(":answers", pg_text_array(rows, &answer_row::answer));
    q.bind(":clients", pg_text_array(rows, &answer_row::client_id));
    q.bind(":ats",
           pg_int_array(rows, [](const answer_row& r) { return static_cast<std::int64_t>(r.at); }));
    q.exec();
}

std::int64_t insert_submission(connection& c, const submission_row& s) {
    statement q(c,
                "INSERT INTO quiz_submissions(quiz_id, user_id, source, run_id, score, "
                "max_score, answers, submitted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, s.quiz_id);
    q.bind(2, s.user_id);
    q.bind(3, s.source);
    if (s.run_id)
        q.bind(4, *s.run_id);
    else
        q.bind(4);
    q.bind(5, s.score);
    q.bind(6, s.max_score);
    q.bind(7, s.answers.dump());
    q.bind(8, static_cast<std::int64_t>(s.submitted_at));
    q.exec();
    return c.last_insert_id();
}

std::vector<submission_row> submissions_of(connection& c, std::int64_t quiz_id,
                                           std::optional<std::int64_t> user_id) {
    statement q(
        c,
        "SELECT s.id, s.quiz_id, s.user_id, u.username, u.full_name, s.source, s.run_id, s.score, "
        "s.max_score, s.answers, s.submitted_at FROM quiz_submissions s JOIN users u ON u.id = "
        "s.user_id "
        "WHERE s.quiz_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR s.user_id = ?2) ORDER BY s.id");
    q.bind(1, quiz_id);
    if (user_id)
        q.bind(2, *user_id);
    else
        q.bind(2);
    std::vector<submission_row> out;
    while (q.step()) {
        submission_row s;
        s.id = q.column(0).as_int64();
        s.quiz_id = q.column(1).as_int64();
        s.user_id = q.column(2).as_int64();
        s.username = q.column(3).as_text();
        s.full_name = q.column(4).as_text();
        s.source = q.column(5).as_text();
        if (!q.column(6).is_null()) s.run_id = q.column(6).as_int64();
        s.score = q.column(7).as_double();
        s.max_score = q.column(8).as_int();
        s.answers = json::parse(q.column(9).as_text());
        s.submitted_at = q.column(10).as_int64();
        out.push_back(std::move(s));
    }
    return out;
}

void start_attempt(connection& c, std::int64_t quiz_id, std::int64_t user_id,
                   protocol::unix_seconds at) {
    statement q(c, "INSERT INTO quiz_attempts(quiz_id, user_id, started_at) VALUES (?, ?, ?)");
    q.bind(1, quiz_id);
    q.bind(2, user_id);
    q.bind(3, static_cast<std::int64_t>(at));
    q.exec();
}

std::optional<protocol::unix_seconds> latest_attempt(connection& c, std::int64_t quiz_id,
                                                     std::int64_t user_id) {
    statement q(c, "SELECT MAX(started_at) FROM quiz_attempts WHERE quiz_id = ? AND user_id = ?");
    q.bind(1, quiz_id);
    q.bind(2, user_id);
    q.step();
    if (q.column(0).is_null()) return std::nullopt;
    return q.column(0).as_int64();
}

}  // namespace daring::storage
