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
    SQLite::Statement ins(
        c.db, "INSERT INTO quiz_questions(quiz_id, position, definition) VALUES (?, ?, ?)");
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
        question.id = c.db.getLastInsertRowid();
    }
}

protocol::quiz read_quiz(SQLite::Statement& q) {
    protocol::quiz out;
    out.id = q.getColumn(0).getInt64();
    out.training_id = q.getColumn(1).getInt64();
    out.title = q.getColumn(2).getString();
    out.kind = protocol::parse_quiz_kind(q.getColumn(3).getString())
                   .value_or(protocol::quiz_kind::practice);
    apply_settings(out, json::parse(q.getColumn(4).getString()));
    out.created_by = q.getColumn(5).getInt64();
    out.created_at = q.getColumn(6).getInt64();
    if (!q.getColumn(7).isNull()) out.copied_from = q.getColumn(7).getInt64();
    return out;
}

void load_questions(connection& c, protocol::quiz& q) {
    SQLite::Statement s(
        c.db, "SELECT id, definition FROM quiz_questions WHERE quiz_id = ? ORDER BY position");
    s.bind(1, q.id);
    while (s.executeStep()) {
        protocol::question question;
        question.id = s.getColumn(0).getInt64();
        auto d = json::parse(s.getColumn(1).getString());
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
    SQLite::Statement ins(c.db,
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
    q.id = c.db.getLastInsertRowid();
    insert_questions(c, q.id, q);
    return q.id;
}

std::optional<protocol::quiz> find_quiz(connection& c, std::int64_t id) {
    SQLite::Statement q(c.db, std::string("SELECT ") + quiz_columns + " FROM quizzes WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    auto out = read_quiz(q);
    load_questions(c, out);
    return out;
}

std::vector<protocol::quiz> quizzes_of(connection& c, std::int64_t training_id) {
    SQLite::Statement q(c.db, std::string("SELECT ") + quiz_columns +
                                  " FROM quizzes WHERE training_id = ? ORDER BY id");
    q.bind(1, training_id);
    std::vector<protocol::quiz> out;
    while (q.executeStep()) out.push_back(read_quiz(q));
    for (auto& quiz : out) load_questions(c, quiz);
    return out;
}

bool quiz_has_answers(connection& c, std::int64_t quiz_id) {
    SQLite::Statement q(c.db,
                        "SELECT EXISTS(SELECT 1 FROM quiz_submissions WHERE quiz_id = ?1) OR "
                        "EXISTS(SELECT 1 FROM quiz_answers a JOIN quiz_runs r ON r.id = a.run_id "
                        "WHERE r.quiz_id = ?1) OR "
                        "EXISTS(SELECT 1 FROM quiz_runs WHERE quiz_id = ?1 AND closed_at IS NULL)");
    q.bind(1, quiz_id);
    q.executeStep();
    return q.getColumn(0).getInt() != 0;
}

void replace_quiz(connection& c, std::int64_t id, protocol::quiz& q) {
    SQLite::Statement up(c.db, "UPDATE quizzes SET title = ?, kind = ?, settings = ? WHERE id = ?");
    up.bind(1, q.title);
    up.bind(2, std::string(to_string(q.kind)));
    up.bind(3, settings_of(q).dump());
    up.bind(4, id);
    up.exec();
    SQLite::Statement del(c.db, "DELETE FROM quiz_questions WHERE quiz_id = ?");
    del.bind(1, id);
    del.exec();
    q.id = id;
    insert_questions(c, id, q);
}

std::int64_t insert_run(connection& c, std::int64_t quiz_id, std::int64_t session_id,
                        std::int64_t by, protocol::unix_seconds at,
                        protocol::unix_seconds closes_at) {
    SQLite::Statement q(c.db,
                        "INSERT INTO quiz_runs(quiz_id, session_id, opened_by, opened_at, "
                        "closes_at) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, quiz_id);
    q.bind(2, session_id);
    q.bind(3, by);
    q.bind(4, static_cast<std::int64_t>(at));
    q.bind(5, static_cast<std::int64_t>(closes_at));
    q.exec();
    return c.db.getLastInsertRowid();
}

bool close_run(connection& c, std::int64_t run_id, protocol::unix_seconds at) {
    SQLite::Statement q(c.db,
                        "UPDATE quiz_runs SET closed_at = ? WHERE id = ? AND closed_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, run_id);
    return q.exec() > 0;
}

std::vector<open_run> open_runs(connection& c, std::optional<std::int64_t> session_id) {
    SQLite::Statement q(c.db,
                        "SELECT r.id, r.quiz_id, r.session_id, r.closes_at, s.status = 'live' "
                        "FROM quiz_runs r JOIN training_sessions s ON s.id = r.session_id "
                        "WHERE r.closed_at IS NULL AND (? IS NULL OR r.session_id = ?) "
                        "ORDER BY r.id");
    if (session_id) {
        q.bind(1, *session_id);
        q.bind(2, *session_id);
    }
    std::vector<open_run> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                       q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                       q.getColumn(4).getInt() != 0});
    }
    return out;
}

std::map<std::int64_t, std::map<std::int64_t, json>> run_answers(connection& c,
                                                                 std::int64_t run_id) {
    SQLite::Statement q(c.db,
                        "SELECT user_id, question_id, answer FROM quiz_answers WHERE run_id = ?");
    q.bind(1, run_id);
    std::map<std::int64_t, std::map<std::int64_t, json>> out;
    while (q.executeStep()) {
        out[q.getColumn(0).getInt64()][q.getColumn(1).getInt64()] =
            json::parse(q.getColumn(2).getString(), nullptr, false);
    }
    return out;
}

bool record_answer(connection& c, std::int64_t run_id, std::int64_t user_id,
                   std::int64_t question_id, const json& answer, const std::string& client_id,
                   protocol::unix_seconds at) {
    if (!client_id.empty()) {
        SQLite::Statement seen(
            c.db,
            "INSERT OR IGNORE INTO quiz_answer_ids(run_id, user_id, client_id) VALUES (?, ?, ?)");
        seen.bind(1, run_id);
        seen.bind(2, user_id);
        seen.bind(3, client_id);
        if (seen.exec() == 0) return false;
    }
    SQLite::Statement q(
        c.db,
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

std::int64_t insert_submission(connection& c, const submission_row& s) {
    SQLite::Statement q(c.db,
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
    return c.db.getLastInsertRowid();
}

std::vector<submission_row> submissions_of(connection& c, std::int64_t quiz_id,
                                           std::optional<std::int64_t> user_id) {
    SQLite::Statement q(
        c.db,
        "SELECT s.id, s.quiz_id, s.user_id, u.username, u.full_name, s.source, s.run_id, s.score, "
        "s.max_score, s.answers, s.submitted_at FROM quiz_submissions s JOIN users u ON u.id = "
        "s.user_id "
        "WHERE s.quiz_id = ?1 AND (?2 IS NULL OR s.user_id = ?2) ORDER BY s.id");
    q.bind(1, quiz_id);
    if (user_id)
        q.bind(2, *user_id);
    else
        q.bind(2);
    std::vector<submission_row> out;
    while (q.executeStep()) {
        submission_row s;
        s.id = q.getColumn(0).getInt64();
        s.quiz_id = q.getColumn(1).getInt64();
        s.user_id = q.getColumn(2).getInt64();
        s.username = q.getColumn(3).getString();
        s.full_name = q.getColumn(4).getString();
        s.source = q.getColumn(5).getString();
        if (!q.getColumn(6).isNull()) s.run_id = q.getColumn(6).getInt64();
        s.score = q.getColumn(7).getDouble();
        s.max_score = q.getColumn(8).getInt();
        s.answers = json::parse(q.getColumn(9).getString());
        s.submitted_at = q.getColumn(10).getInt64();
        out.push_back(std::move(s));
    }
    return out;
}

void start_attempt(connection& c, std::int64_t quiz_id, std::int64_t user_id,
                   protocol::unix_seconds at) {
    SQLite::Statement q(c.db,
                        "INSERT INTO quiz_attempts(quiz_id, user_id, started_at) VALUES (?, ?, ?)");
    q.bind(1, quiz_id);
    q.bind(2, user_id);
    q.bind(3, static_cast<std::int64_t>(at));
    q.exec();
}

std::optional<protocol::unix_seconds> latest_attempt(connection& c, std::int64_t quiz_id,
                                                     std::int64_t user_id) {
    SQLite::Statement q(
        c.db, "SELECT MAX(started_at) FROM quiz_attempts WHERE quiz_id = ? AND user_id = ?");
    q.bind(1, quiz_id);
    q.bind(2, user_id);
    q.executeStep();
    if (q.getColumn(0).isNull()) return std::nullopt;
    return q.getColumn(0).getInt64();
}

}  // namespace daring::storage
