#include "storage/taking_part_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using protocol::json;

void insert_question(connection& c, const question_row& q) {
    statement s(c,
                "INSERT INTO questions(session_id, id, user_id, text, anonymous, "
                "client_id, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    s.bind(1, q.session_id);
    s.bind(2, q.id);
    s.bind(3, q.user_id);
    s.bind(4, q.text);
    s.bind(5, static_cast<int>(q.anonymous));
    s.bind(6, q.client_id);
    s.bind(7, static_cast<std::int64_t>(q.asked_at));
    s.exec();
}

bool insert_vote(connection& c, std::int64_t session_id, std::int64_t question_id,
                 std::int64_t user_id, protocol::unix_seconds at) {
    statement s(c,
                "INSERT INTO question_votes(session_id, question_id, user_id, "
                "voted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    s.bind(1, session_id);
    s.bind(2, question_id);
    s.bind(3, user_id);
    s.bind(4, static_cast<std::int64_t>(at));
    return s.exec() > 0;
}

void mark_answered(connection& c, std::int64_t session_id, std::int64_t question_id,
                   std::int64_t by, const std::optional<std::string>& text,
                   protocol::unix_seconds at) {
    statement s(c,
                "UPDATE questions SET answered_at = ?, answered_by = ?, answer = ? "
                "WHERE session_id = ? AND id = ?");
    s.bind(1, static_cast<std::int64_t>(at));
    s.bind(2, by);
    if (text)
        s.bind(3, *text);
    else
        s.bind(3);
    s.bind(4, session_id);
    s.bind(5, question_id);
    s.exec();
}

bool mark_hidden(connection& c, std::int64_t session_id, std::int64_t question_id, std::int64_t by,
                 protocol::unix_seconds at) {
    statement s(c,
                "UPDATE questions SET hidden_at = ?, hidden_by = ? WHERE session_id = ? "
                "AND id = ? AND hidden_at IS NULL");
    s.bind(1, static_cast<std::int64_t>(at));
    s.bind(2, by);
    s.bind(3, session_id);
    s.bind(4, question_id);
    return s.exec() > 0;
}

std::vector<question_row> questions_of(connection& c, std::int64_t session_id) {
    std::vector<question_row> out;
    std::map<std::int64_t, std::size_t> index;
    statement s(c,
                "SELECT q.id, q.user_id, u.full_name, q.text, q.anonymous, q.client_id, "
                "q.asked_at, q.answered_at, q.answer, q.hidden_at, h.full_name "
                "FROM questions q JOIN users u ON u.id = q.user_id "
                "LEFT JOIN users h ON h.id = q.hidden_by "
                "WHERE q.session_id = ? ORDER BY q.id");
    s.bind(1, session_id);
    while (s.step()) {
        question_row q;
        q.session_id = session_id;
        q.id = s.column(0).as_int64();
        q.user_id = s.column(1).as_int64();
        q.author_name = s.column(2).as_text();
        q.text = s.column(3).as_text();
        q.anonymous = s.column(4).as_int() != 0;
        q.client_id = s.column(5).as_text();
        q.asked_at = s.column(6).as_int64();
        q.answered_at = opt_int(s.column(7));
        if (!s.column(8).is_null()) q.answer = s.column(8).as_text();
        q.hidden_at = opt_int(s.column(9));
        q.hidden_by_name = opt_text(s.column(10));
        index[q.id] = out.size();
        out.push_back(std::move(q));
    }
    statement v(c, "SELECT question_id, user_id FROM question_votes WHERE session_id = ?");
    v.bind(1, session_id);
    while (v.step()) {
        auto it = index.find(v.column(0).as_int64());
        if (it != index.end()) out[it->second].voters.insert(v.column(1).as_int64());
    }
    return out;
}

void insert_poll(connection& c, const poll_row& p) {
    statement s(
        c,
        "INSERT INTO polls(session_id, id, question, options, multiple, "
        "anonymous, opened_by, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    s.bind(1, p.session_id);
    s.bind(2, p.id);
    s.bind(3, p.question);
    s.bind(4, json(p.options).dump());
    s.bind(5, static_cast<int>(p.multiple));
    s.bind(6, static_cast<int>(p.anonymous));
    s.bind(7, p.opened_by);
    s.bind(8, static_cast<std::int64_t>(p.opened_at));
    s.exec();
}

void save_poll_answer(connection& c, std::int64_t session_id, std::int64_t poll_id,
                      std::int64_t user_id, const std::vector<int>& choices,
                      protocol::unix_seconds at) {
    statement s(c,
                "INSERT INTO poll_answers(session_id, poll_id, user_id, choices, "
                "answered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(session_id, poll_id, "
                "user_id) DO UPDATE SET choices = excluded.choices, answered_at = "
                "excluded.answered_at");
    s.bind(1, session_id);
    s.bind(2, poll_id);
    s.bind(3, user_id);
    s.bind(4, json(choices).dump());
    s.bind(5, static_cast<std::int64_t>(at));
    s.exec();
}

void close_poll(connection& c, std::int64_t session_id, std::int64_t poll_id, bool published,
                protocol::unix_seconds at) {
    statement s(c,
                "UPDATE polls SET closed_at = COALESCE(closed_at, ?), published = ? "
                "WHERE session_id = ? AND id = ?");
    s.bind(1, static_cast<std::int64_t>(at));
    s.bind(2, static_cast<int>(published));
    s.bind(3, session_id);
    s.bind(4, poll_id);
    s.exec();
}

std::vector<poll_row> polls_of(connection& c, std::int64_t session_id) {
    std::vector<poll_row> out;
    std::map<std::int64_t, std::size_t> index;
    statement s(c,
                "SELECT id, question, options, multiple, anonymous, opened_by, opened_at, "
                "closed_at, published FROM polls WHERE session_id = ? ORDER BY id");
    s.bind(1, session_id);
    while (s.step()) {
        poll_row p;
        p.session_id = session_id;
        p.id = s.column(0).as_int64();
        p.question = s.column(1).as_text();
        p.options = json::parse(s.column(2).as_text()).get<std::vector<std::string>>();
        p.multiple = s.column(3).as_int() != 0;
        p.anonymous = s.column(4).as_int() != 0;
        p.opened_by = s.column(5).as_int64();
        p.opened_at = s.column(6).as_int64();
        p.closed_at = opt_int(s.column(7));
        p.published = s.column(8).as_int() != 0;
        index[p.id] = out.size();
        out.push_back(std::move(p));
    }
    statement a(c, "SELECT poll_id, user_id, choices FROM poll_answers WHERE session_id = ?");
    a.bind(1, session_id);
    while (a.step()) {
        auto it = index.find(a.column(0).as_int64());
        if (it == index.end()) continue;
        out[it->second].answers[a.column(1).as_int64()] =
            json::parse(a.column(2).as_text()).get<std::vector<int>>();
    }
    return out;
}

void add_reactions(connection& c, std::int64_t session_id,
                   const std::vector<std::pair<std::int64_t, std::int64_t>>& per_user,
                   protocol::unix_seconds at) {
    statement s(c,
                "INSERT INTO reaction_counts(session_id, user_id, count) VALUES (?, ?, ?) "
                "ON CONFLICT(session_id, user_id) DO UPDATE SET count = reaction_counts.count + "
                "excluded.count");
    std::int64_t total = 0;
    for (const auto& [user, n] : per_user) {
        s.bind(1, session_id);
        s.bind(2, user);
        s.bind(3, n);
        s.exec();
        s.reset();
        total += n;
    }
    statement m(c,
                "INSERT INTO reaction_minutes(session_id, minute, count) VALUES (?, ?, ?) "
                "ON CONFLICT(session_id, minute) DO UPDATE SET count = reaction_minutes.count + "
                "excluded.count");
    m.bind(1, session_id);
    m.bind(2, static_cast<std::int64_t>(at / 60));
    m.bind(3, total);
    m.exec();
}

namespace {

// Runs `sql` (a SELECT of user id and a count FROM a table with a session_id, no WHERE) over
// the sessions in `scope` and the user when `only_user`, and adds each count to the counter
// `field` of that session's user.
void count_into(connection& c, const std::string& sql, const session_scope& scope,
                std::optional<std::int64_t> only_user,
                per_session<std::map<std::int64_t, taking_part_counts>>& out,
                std::int64_t taking_part_counts::*field) {
    statement s(c, "SELECT session_id, " + sql + " WHERE " + in_scope(scope) +
                       " AND (CAST(?2 AS BIGINT) IS NULL OR user_id = ?2) "
                       "GROUP BY session_id, user_id");
    s.bind(1, scope.id);
    bind_opt(s, 2, only_user);
    while (s.step())
        out[s.column(0).as_int64()][s.column(1).as_int64()].*field += s.column(2).as_int64();
}

}  // namespace

per_session<std::map<std::int64_t, taking_part_counts>> taking_part_counts_in(
    connection& c, const session_scope& scope, std::optional<std::int64_t> only_user) {
    per_session<std::map<std::int64_t, taking_part_counts>> out;
    count_into(c, "user_id, COUNT(*) FROM questions", scope, only_user, out,
               &taking_part_counts::questions);
    count_into(c, "user_id, COUNT(*) FROM question_votes", scope, only_user, out,
               &taking_part_counts::votes);
    count_into(c, "user_id, COUNT(*) FROM poll_answers", scope, only_user, out,
               &taking_part_counts::poll_answers);
    count_into(c, "user_id, SUM(count) FROM reaction_counts", scope, only_user, out,
               &taking_part_counts::reactions);
    return out;
}

std::map<std::int64_t, taking_part_counts> taking_part_counts_of(
    connection& c, std::int64_t session_id, std::optional<std::int64_t> only_user) {
    auto all = taking_part_counts_in(c, session_scope::of_session(session_id), only_user);
    return std::move(all[session_id]);
}

std::map<std::int64_t, activity_minute> taking_part_activity(connection& c,
                                                             std::int64_t session_id) {
    std::map<std::int64_t, activity_minute> out;
    auto per_minute = [&](const char* sql, std::int64_t activity_minute::*field) {
        statement s(c, sql);
        s.bind(1, session_id);
        while (s.step()) out[s.column(0).as_int64()].*field += s.column(1).as_int64();
    };
    per_minute("SELECT asked_at / 60, COUNT(*) FROM questions WHERE session_id = ? GROUP BY 1",
               &activity_minute::questions);
    per_minute("SELECT voted_at / 60, COUNT(*) FROM question_votes WHERE session_id = ? GROUP BY 1",
               &activity_minute::votes);
    per_minute(
        "SELECT answered_at / 60, COUNT(*) FROM poll_answers WHERE session_id = ? GROUP BY 1",
        &activity_minute::poll_answers);
    per_minute("SELECT minute, count FROM reaction_minutes WHERE session_id = ?",
               &activity_minute::reactions);
    return out;
}

std::int64_t highest_taking_part_id(connection& c, std::int64_t session_id) {
    statement s(c,
                "SELECT MAX(COALESCE((SELECT MAX(id) FROM questions WHERE session_id = "
                "?1), 0), COALESCE((SELECT MAX(id) FROM polls WHERE session_id = ?1), 0))");
    s.bind(1, session_id);
    s.step();
    return s.column(0).as_int64();
}

}  // namespace daring::storage
