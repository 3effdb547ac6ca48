#include "storage/taking_part_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using protocol::json;

void insert_question(connection& c, const question_row& q) {
    SQLite::Statement s(c.db,
                        "INSERT OR IGNORE INTO questions(session_id, id, user_id, text, anonymous, "
                        "client_id, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
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
    SQLite::Statement s(c.db,
                        "INSERT OR IGNORE INTO question_votes(session_id, question_id, user_id, "
                        "voted_at) VALUES (?, ?, ?, ?)");
    s.bind(1, session_id);
    s.bind(2, question_id);
    s.bind(3, user_id);
    s.bind(4, static_cast<std::int64_t>(at));
    return s.exec() > 0;
}

void mark_answered(connection& c, std::int64_t session_id, std::int64_t question_id,
                   std::int64_t by, const std::optional<std::string>& text,
                   protocol::unix_seconds at) {
    SQLite::Statement s(c.db,
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
    SQLite::Statement s(c.db,
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
    SQLite::Statement s(c.db,
                        "SELECT q.id, q.user_id, u.full_name, q.text, q.anonymous, q.client_id, "
                        "q.asked_at, q.answered_at, q.answer, q.hidden_at, h.full_name "
                        "FROM questions q JOIN users u ON u.id = q.user_id "
                        "LEFT JOIN users h ON h.id = q.hidden_by "
                        "WHERE q.session_id = ? ORDER BY q.id");
    s.bind(1, session_id);
    while (s.executeStep()) {
        question_row q;
        q.session_id = session_id;
        q.id = s.getColumn(0).getInt64();
        q.user_id = s.getColumn(1).getInt64();
        q.author_name = s.getColumn(2).getString();
        q.text = s.getColumn(3).getString();
        q.anonymous = s.getColumn(4).getInt() != 0;
        q.client_id = s.getColumn(5).getString();
        q.asked_at = s.getColumn(6).getInt64();
        q.answered_at = opt_int(s.getColumn(7));
        if (!s.getColumn(8).isNull()) q.answer = s.getColumn(8).getString();
        q.hidden_at = opt_int(s.getColumn(9));
        q.hidden_by_name = opt_text(s.getColumn(10));
        index[q.id] = out.size();
        out.push_back(std::move(q));
    }
    SQLite::Statement v(c.db,
                        "SELECT question_id, user_id FROM question_votes WHERE session_id = ?");
    v.bind(1, session_id);
    while (v.executeStep()) {
        auto it = index.find(v.getColumn(0).getInt64());
        if (it != index.end()) out[it->second].voters.insert(v.getColumn(1).getInt64());
    }
    return out;
}

void insert_poll(connection& c, const poll_row& p) {
    SQLite::Statement s(c.db,
                        "INSERT OR IGNORE INTO polls(session_id, id, question, options, multiple, "
                        "anonymous, opened_by, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
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
    SQLite::Statement s(c.db,
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
    SQLite::Statement s(c.db,
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
    SQLite::Statement s(c.db,
                        "SELECT id, question, options, multiple, anonymous, opened_by, opened_at, "
                        "closed_at, published FROM polls WHERE session_id = ? ORDER BY id");
    s.bind(1, session_id);
    while (s.executeStep()) {
        poll_row p;
        p.session_id = session_id;
        p.id = s.getColumn(0).getInt64();
        p.question = s.getColumn(1).getString();
        p.options = json::parse(s.getColumn(2).getString()).get<std::vector<std::string>>();
        p.multiple = s.getColumn(3).getInt() != 0;
        p.anonymous = s.getColumn(4).getInt() != 0;
        p.opened_by = s.getColumn(5).getInt64();
        p.opened_at = s.getColumn(6).getInt64();
        p.closed_at = opt_int(s.getColumn(7));
        p.published = s.getColumn(8).getInt() != 0;
        index[p.id] = out.size();
        out.push_back(std::move(p));
    }
    SQLite::Statement a(c.db,
                        "SELECT poll_id, user_id, choices FROM poll_answers WHERE session_id = ?");
    a.bind(1, session_id);
    while (a.executeStep()) {
        auto it = index.find(a.getColumn(0).getInt64());
        if (it == index.end()) continue;
        out[it->second].answers[a.getColumn(1).getInt64()] =
            json::parse(a.getColumn(2).getString()).get<std::vector<int>>();
    }
    return out;
}

void add_reactions(connection& c, std::int64_t session_id,
                   const std::vector<std::pair<std::int64_t, std::int64_t>>& per_user,
                   protocol::unix_seconds at) {
    SQLite::Statement s(c.db,
                        "INSERT INTO reaction_counts(session_id, user_id, count) VALUES (?, ?, ?) "
                        "ON CONFLICT(session_id, user_id) DO UPDATE SET count = count + "
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
    SQLite::Statement m(c.db,
                        "INSERT INTO reaction_minutes(session_id, minute, count) VALUES (?, ?, ?) "
                        "ON CONFLICT(session_id, minute) DO UPDATE SET count = count + "
                        "excluded.count");
    m.bind(1, session_id);
    m.bind(2, static_cast<std::int64_t>(at / 60));
    m.bind(3, total);
    m.exec();
}

namespace {

// Runs `sql` (binding the session, and the user when `only_user`) and adds column 1 of each row
// to the counter `field` of column 0's user.
void count_into(connection& c, const std::string& sql, std::int64_t session_id,
                std::optional<std::int64_t> only_user,
                std::map<std::int64_t, taking_part_counts>& out,
                std::int64_t taking_part_counts::*field) {
    SQLite::Statement s(c.db, sql + (only_user ? " AND user_id = ?" : "") + " GROUP BY user_id");
    s.bind(1, session_id);
    if (only_user) s.bind(2, *only_user);
    while (s.executeStep()) out[s.getColumn(0).getInt64()].*field += s.getColumn(1).getInt64();
}

}  // namespace

std::map<std::int64_t, taking_part_counts> taking_part_counts_of(
    connection& c, std::int64_t session_id, std::optional<std::int64_t> only_user) {
    std::map<std::int64_t, taking_part_counts> out;
    count_into(c, "SELECT user_id, COUNT(*) FROM questions WHERE session_id = ?", session_id,
               only_user, out, &taking_part_counts::questions);
    count_into(c, "SELECT user_id, COUNT(*) FROM question_votes WHERE session_id = ?", session_id,
               only_user, out, &taking_part_counts::votes);
    count_into(c, "SELECT user_id, COUNT(*) FROM poll_answers WHERE session_id = ?", session_id,
               only_user, out, &taking_part_counts::poll_answers);
    count_into(c, "SELECT user_id, SUM(count) FROM reaction_counts WHERE session_id = ?",
               session_id, only_user, out, &taking_part_counts::reactions);
    return out;
}

std::map<std::int64_t, activity_minute> taking_part_activity(connection& c,
                                                             std::int64_t session_id) {
    std::map<std::int64_t, activity_minute> out;
    auto per_minute = [&](const char* sql, std::int64_t activity_minute::*field) {
        SQLite::Statement s(c.db, sql);
        s.bind(1, session_id);
        while (s.executeStep()) out[s.getColumn(0).getInt64()].*field += s.getColumn(1).getInt64();
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
    SQLite::Statement s(c.db,
                        "SELECT MAX(COALESCE((SELECT MAX(id) FROM questions WHERE session_id = "
                        "?1), 0), COALESCE((SELECT MAX(id) FROM polls WHERE session_id = ?1), 0))");
    s.bind(1, session_id);
    s.executeStep();
    return s.getColumn(0).getInt64();
}

}  // namespace daring::storage
