#include "storage/training_repo.hpp"

#include "storage/connection.hpp"
#include "storage/users_repo.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

const char* const training_columns =
    "t.id, t.title, t.description, t.region_code, t.funding_source_id, t.venue, t.planned_mode, "
    "t.switch_policy, t.min_attendance_pct, t.pass_score, t.room_capacity, t.created_at, "
    "t.replay_counts_for_completion, t.reminder_hours";

// Reminder hours as stored: "24,1" (empty: none).
std::string hours_text(const std::vector<int>& hours) {
    std::string out;
    for (auto h : hours) out += (out.empty() ? "" : ",") + std::to_string(h);
    return out;
}

training read_training(statement& q) {
    training t;
    t.id = q.column(0).as_int64();
    t.title = q.column(1).as_text();
    t.description = q.column(2).as_text();
    t.region_code = q.column(3).as_text();
    t.funding_source_id = q.column(4).as_int64();
    t.venue = q.column(5).as_text();
    t.planned_mode = parse_delivery_mode(q.column(6).as_text()).value_or(delivery_mode::in_person);
    t.policy = parse_switch_policy(q.column(7).as_text()).value_or(switch_policy::automatic);
    t.min_attendance_pct = q.column(8).as_int();
    t.pass_score = q.column(9).as_int();
    if (!q.column(10).is_null()) t.room_capacity = q.column(10).as_int();
    t.created_at = q.column(11).as_int64();
    t.replay_counts_for_completion = q.column(12).as_int() != 0;
    t.reminder_hours = int_list(q.column(13).as_text());
    return t;
}

}  // namespace

std::int64_t insert_training(connection& c, const training& t, unix_seconds now) {
    statement q(
        c,
        "INSERT INTO trainings (title, description, region_code, funding_source_id, venue, "
        "planned_mode, switch_policy, min_attendance_pct, pass_score, room_capacity, created_at, "
        "replay_counts_for_completion, reminder_hours) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, t.title);
    q.bind(2, t.description);
    q.bind(3, t.region_code);
    q.bind(4, static_cast<std::int64_t>(t.funding_source_id));
    q.bind(5, t.venue);
    q.bind(6, std::string(to_string(t.planned_mode)));
    q.bind(7, std::string(to_string(t.policy)));
    q.bind(8, t.min_attendance_pct);
    q.bind(9, t.pass_score);
    if (t.room_capacity)
        q.bind(10, *t.room_capacity);
    else
        q.bind(10);
    q.bind(11, static_cast<std::int64_t>(now));
    q.bind(12, t.replay_counts_for_completion ? 1 : 0);
    q.bind(13, hours_text(t.reminder_hours));
    q.exec();
    return c.last_insert_id();
}

void update_training(connection& c, const training& t) {
    statement q(c,
                "UPDATE trainings SET title = ?, description = ?, venue = ?, planned_mode "
                "= ?, switch_policy = ?, "
                "min_attendance_pct = ?, pass_score = ?, room_capacity = ?, "
                "replay_counts_for_completion = ?, reminder_hours = ? WHERE id = ?");
    q.bind(1, t.title);
    q.bind(2, t.description);
    q.bind(3, t.venue);
    q.bind(4, std::string(to_string(t.planned_mode)));
    q.bind(5, std::string(to_string(t.policy)));
    q.bind(6, t.min_attendance_pct);
    q.bind(7, t.pass_score);
    if (t.room_capacity)
        q.bind(8, *t.room_capacity);
    else
        q.bind(8);
    q.bind(9, t.replay_counts_for_completion ? 1 : 0);
    q.bind(10, hours_text(t.reminder_hours));
    q.bind(11, static_cast<std::int64_t>(t.id));
    q.exec();
}

std::optional<training> find_training(connection& c, std::int64_t id) {
    statement q(c, std::string("SELECT ") + training_columns + " FROM trainings t WHERE t.id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.step()) return std::nullopt;
    return read_training(q);
}

std::vector<training> list_trainings(connection& c, role viewer_role, std::int64_t viewer_id,
                                     const training_filter& filter, const page_request& page) {
    std::string sql = std::string("SELECT ") + training_columns + " FROM trainings t";
    if (filter.year) sql += " JOIN funding_sources f ON f.id = t.funding_source_id";
    if (viewer_role == role::trainer) {
        sql += " JOIN training_trainers tt ON tt.training_id = t.id AND tt.user_id = :viewer";
    } else if (viewer_role == role::trainee) {
        sql +=
            " JOIN enrollments e ON e.training_id = t.id AND e.user_id = :viewer AND "
            "e.withdrawn_at IS NULL";
    }
    sql += " WHERE t.id > :after";
    if (!filter.query.empty()) sql += " AND instr(lower(t.title), lower(:q)) > 0";
    if (!filter.region_code.empty())
        sql += " AND (t.region_code = :region OR t.region_code LIKE :region || '.%')";
    if (filter.year) sql += " AND f.fiscal_year = :year";
    if (filter.funding_source_id) sql += " AND t.funding_source_id = :funding";
    sql += " ORDER BY t.id LIMIT :limit";
    statement q(c, sql);
    if (viewer_role != role::admin) q.bind(":viewer", static_cast<std::int64_t>(viewer_id));
    q.bind(":after", page.after.empty() ? std::int64_t{0} : page.after.front());
    q.bind(":limit", static_cast<std::int64_t>(page.limit + 1));
    if (!filter.query.empty()) q.bind(":q", filter.query);
    if (!filter.region_code.empty()) q.bind(":region", filter.region_code);
    if (filter.year) q.bind(":year", *filter.year);
    if (filter.funding_source_id) q.bind(":funding", *filter.funding_source_id);
    std::vector<training> out;
    while (q.step()) out.push_back(read_training(q));
    return out;
}

bool is_trainer_of(connection& c, std::int64_t training_id, std::int64_t user_id) {
    statement q(c, "SELECT 1 FROM training_trainers WHERE training_id = ? AND user_id = ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    return q.step();
}

bool is_enrolled_in(connection& c, std::int64_t training_id, std::int64_t user_id) {
    statement q(
        c,
        "SELECT 1 FROM enrollments WHERE training_id = ? AND user_id = ? AND withdrawn_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    return q.step();
}

bool assign_trainer(connection& c, std::int64_t training_id, std::int64_t user_id,
                    unix_seconds now) {
    statement q(c,
                "INSERT INTO training_trainers (training_id, user_id, "
                "assigned_at) VALUES (?,?,?) ON CONFLICT DO NOTHING");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    q.bind(3, static_cast<std::int64_t>(now));
    return q.exec() > 0;
}

bool unassign_trainer(connection& c, std::int64_t training_id, std::int64_t user_id) {
    statement q(c, "DELETE FROM training_trainers WHERE training_id = ? AND user_id = ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    return q.exec() > 0;
}

std::vector<user> list_trainers(connection& c, std::int64_t training_id) {
    statement q(c, "SELECT user_id FROM training_trainers WHERE training_id = ? ORDER BY user_id");
    q.bind(1, static_cast<std::int64_t>(training_id));
    std::vector<std::int64_t> ids;
    while (q.step()) ids.push_back(q.column(0).as_int64());
    std::vector<user> out;
    for (auto id : ids)
        if (auto u = find_user(c, id)) out.push_back(std::move(*u));
    return out;
}

bool enroll(connection& c, std::int64_t training_id, std::int64_t user_id, unix_seconds now) {
    statement q(c,
                "INSERT INTO enrollments (training_id, user_id, enrolled_at) VALUES (?,?,?) "
                "ON CONFLICT (training_id, user_id) DO UPDATE SET withdrawn_at = NULL, "
                "enrolled_at = excluded.enrolled_at WHERE enrollments.withdrawn_at IS NOT NULL");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    q.bind(3, static_cast<std::int64_t>(now));
    return q.exec() > 0;
}

bool withdraw(connection& c, std::int64_t training_id, std::int64_t user_id, unix_seconds now) {
    statement q(c,
                "UPDATE enrollments SET withdrawn_at = ? WHERE training_id = ? AND user_id = ? AND "
                "withdrawn_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, static_cast<std::int64_t>(training_id));
    q.bind(3, static_cast<std::int64_t>(user_id));
    return q.exec() > 0;
}

std::vector<enrollment_row> list_enrollments(connection& c, std::int64_t training_id,
                                             const page_request& page) {
    statement q(
        c,
        "SELECT user_id, enrolled_at, withdrawn_at FROM enrollments WHERE training_id = ? AND "
        "user_id > ? ORDER BY user_id LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, page.after.empty() ? std::int64_t{0} : page.after.front());
    q.bind(3, static_cast<std::int64_t>(page.limit + 1));
    std::vector<std::tuple<std::int64_t, std::int64_t, std::optional<std::int64_t>>> rows;
    while (q.step())
        rows.emplace_back(q.column(0).as_int64(), q.column(1).as_int64(), opt_int(q.column(2)));
    std::vector<enrollment_row> out;
    for (auto& [id, at, withdrawn] : rows) {
        if (auto u = find_user(c, id)) out.push_back({std::move(*u), at, withdrawn});
    }
    return out;
}

std::map<std::string, std::pair<std::int64_t, role>> find_users_by_name(
    connection& c, const std::vector<std::string>& names) {
    std::map<std::string, std::pair<std::int64_t, role>> out;
    statement q(c, "SELECT id, role FROM users WHERE username = ?");
    for (const auto& n : names) {
        q.bind(1, n);
        if (q.step()) {
            out[n] = {q.column(0).as_int64(),
                      parse_role(q.column(1).as_text()).value_or(role::trainee)};
        }
        q.reset();
    }
    return out;
}

std::map<std::int64_t, role> find_roles(connection& c, const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, role> out;
    statement q(c, "SELECT role FROM users WHERE id = ?");
    for (auto id : ids) {
        q.bind(1, static_cast<std::int64_t>(id));
        if (q.step()) out[id] = parse_role(q.column(0).as_text()).value_or(role::trainee);
        q.reset();
    }
    return out;
}

}  // namespace daring::storage
