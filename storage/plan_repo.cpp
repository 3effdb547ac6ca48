#include "storage/plan_repo.hpp"

#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/outbox_repo.hpp"
#include "storage/users_repo.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

// Reminder hours as stored: "24,1" (empty: none).
std::string hours_text(const std::vector<int>& hours) {
    std::string out;
    for (auto h : hours) out += (out.empty() ? "" : ",") + std::to_string(h);
    return out;
}

std::string opt_text(const SQLite::Column& col) {
    return col.isNull() ? std::string{} : col.getString();
}
void bind_opt(SQLite::Statement& q, int i, const std::optional<std::int64_t>& v) {
    if (v)
        q.bind(i, static_cast<std::int64_t>(*v));
    else
        q.bind(i);
}

restriction read_restriction(SQLite::Statement& q) {
    restriction r;
    r.id = q.getColumn(0).getInt64();
    r.region_code = q.getColumn(1).getString();
    r.starts_on = q.getColumn(2).getInt64();
    r.ends_on = opt_int(q.getColumn(3));
    r.max_gathering = q.getColumn(4).getInt();
    r.label = q.getColumn(5).getString();
    r.reference = q.getColumn(6).getString();
    r.created_at = q.getColumn(7).getInt64();
    return r;
}
const char* const restriction_columns =
    "id, region_code, starts_on, ends_on, max_gathering, label, reference, created_at";

funding_source read_funding(SQLite::Statement& q) {
    funding_source f;
    f.id = q.getColumn(0).getInt64();
    f.code = q.getColumn(1).getString();
    f.name = q.getColumn(2).getString();
    f.kind = parse_funding_kind(q.getColumn(3).getString()).value_or(funding_kind::other);
    f.fiscal_year = q.getColumn(4).getInt();
    f.amount_idr = q.getColumn(5).getInt64();
    return f;
}

const char* const training_columns =
    "t.id, t.title, t.description, t.region_code, t.funding_source_id, t.venue, t.planned_mode, "
    "t.switch_policy, t.min_attendance_pct, t.pass_score, t.room_capacity, t.created_at, "
    "t.replay_counts_for_completion, t.reminder_hours";
training read_training(SQLite::Statement& q) {
    training t;
    t.id = q.getColumn(0).getInt64();
    t.title = q.getColumn(1).getString();
    t.description = q.getColumn(2).getString();
    t.region_code = q.getColumn(3).getString();
    t.funding_source_id = q.getColumn(4).getInt64();
    t.venue = q.getColumn(5).getString();
    t.planned_mode =
        parse_delivery_mode(q.getColumn(6).getString()).value_or(delivery_mode::in_person);
    t.policy = parse_switch_policy(q.getColumn(7).getString()).value_or(switch_policy::automatic);
    t.min_attendance_pct = q.getColumn(8).getInt();
    t.pass_score = q.getColumn(9).getInt();
    if (!q.getColumn(10).isNull()) t.room_capacity = q.getColumn(10).getInt();
    t.created_at = q.getColumn(11).getInt64();
    t.replay_counts_for_completion = q.getColumn(12).getInt() != 0;
    t.reminder_hours = int_list(q.getColumn(13).getString());
    return t;
}

const char* const session_columns =
    "s.id, s.training_id, s.title, s.starts_at, s.ends_at, s.mode, s.status, s.reason, "
    "s.reason_id, "
    "s.recommended_mode, s.restriction_id, s.decided_at, s.decided_by, s.override_status, "
    "s.started_at, "
    "s.ended_at, s.present_pct, s.late_after_s, s.replay_counts, "
    // Ready as GET /recording says it: ended, the end is in the stored timeline (or older than
    // the settle time), not deleted. Each lookup is one index step.
    "s.status = 'ended' AND NOT EXISTS(SELECT 1 FROM recording_deletions d WHERE d.session_id = "
    "s.id) AND EXISTS(SELECT 1 FROM session_events e WHERE e.session_id = s.id) AND (s.ended_at "
    "<= unixepoch() - 5 OR EXISTS(SELECT 1 FROM session_events e WHERE e.session_id = s.id AND "
    "e.type = 'session_ended'))";
constexpr int session_column_count = 20;
session read_session(SQLite::Statement& q) {
    session s;
    s.id = q.getColumn(0).getInt64();
    s.training_id = q.getColumn(1).getInt64();
    s.title = q.getColumn(2).getString();
    s.starts_at = q.getColumn(3).getInt64();
    s.ends_at = q.getColumn(4).getInt64();
    auto& d = s.current;
    d.mode = parse_delivery_mode(q.getColumn(5).getString()).value_or(delivery_mode::in_person);
    d.status = parse_session_status(q.getColumn(6).getString()).value_or(session_status::scheduled);
    d.reason = q.getColumn(7).getString();
    d.reason_id = q.getColumn(8).getString();
    if (!q.getColumn(9).isNull())
        d.recommended_mode = parse_delivery_mode(q.getColumn(9).getString());
    d.restriction_id = opt_int(q.getColumn(10));
    d.decided_at = q.getColumn(11).getInt64();
    d.decided_by = opt_int(q.getColumn(12));
    d.overridden = !q.getColumn(13).isNull();
    s.started_at = opt_int(q.getColumn(14));
    s.ended_at = opt_int(q.getColumn(15));
    if (auto v = opt_int(q.getColumn(16))) s.present_pct = static_cast<int>(*v);
    if (auto v = opt_int(q.getColumn(17))) s.late_after_s = static_cast<int>(*v);
    if (auto v = opt_int(q.getColumn(18))) s.replay_counts = *v != 0;
    s.recording_ready = q.getColumn(19).getInt() != 0;
    return s;
}

void load_slides(connection& c, session& s) {
    SQLite::Statement q(c.db,
                        "SELECT title, body FROM slides WHERE session_id = ? ORDER BY position");
    q.bind(1, static_cast<std::int64_t>(s.id));
    while (q.executeStep())
        s.slides.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
}

void replace_slides(connection& c, std::int64_t session_id, const std::vector<slide>& slides) {
    SQLite::Statement del(c.db, "DELETE FROM slides WHERE session_id = ?");
    del.bind(1, static_cast<std::int64_t>(session_id));
    del.exec();
    SQLite::Statement ins(
        c.db, "INSERT INTO slides (session_id, position, title, body) VALUES (?,?,?,?)");
    for (std::size_t i = 0; i < slides.size(); ++i) {
        ins.bind(1, static_cast<std::int64_t>(session_id));
        ins.bind(2, static_cast<std::int64_t>(i));
        ins.bind(3, slides[i].title);
        ins.bind(4, slides[i].body);
        ins.exec();
        ins.reset();
    }
}

}  // namespace

void insert_region(connection& c, const region& r) {
    SQLite::Statement q(c.db,
                        "INSERT INTO regions (code, name, utc_offset_minutes) VALUES (?,?,?)");
    q.bind(1, r.code);
    q.bind(2, r.name);
    q.bind(3, r.utc_offset_minutes);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        rethrow_constraint(e, "code", "region " + r.code + " already exists");
    }
}

std::vector<region> list_regions(connection& c) {
    SQLite::Statement q(c.db, "SELECT code, name, utc_offset_minutes FROM regions ORDER BY code");
    std::vector<region> out;
    while (q.executeStep())
        out.push_back(
            {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt()});
    return out;
}

std::optional<region> find_region(connection& c, const std::string& code) {
    SQLite::Statement q(c.db, "SELECT code, name, utc_offset_minutes FROM regions WHERE code = ?");
    q.bind(1, code);
    if (!q.executeStep()) return std::nullopt;
    return region{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt()};
}

std::int64_t insert_restriction(connection& c, const restriction& r,
                                std::optional<std::int64_t> created_by, unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO restrictions (region_code, starts_on, ends_on, max_gathering, label, "
        "reference, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)");
    q.bind(1, r.region_code);
    q.bind(2, static_cast<std::int64_t>(r.starts_on));
    bind_opt(q, 3, r.ends_on);
    q.bind(4, r.max_gathering);
    q.bind(5, r.label);
    q.bind(6, r.reference);
    bind_opt(q, 7, created_by);
    q.bind(8, static_cast<std::int64_t>(now));
    q.exec();
    return c.db.getLastInsertRowid();
}

std::vector<restriction> list_restrictions(connection& c, const std::string& region_code,
                                           const page_request& page) {
    SQLite::Statement q(c.db, std::string("SELECT ") + restriction_columns +
                                  " FROM restrictions WHERE region_code = ?1 AND (starts_on, id) "
                                  "> (?2, ?3) ORDER BY starts_on, id LIMIT ?4");
    q.bind(1, region_code);
    q.bind(2, page.after.size() == 2 ? page.after[0] : INT64_MIN);
    q.bind(3, page.after.size() == 2 ? page.after[1] : INT64_MIN);
    q.bind(4, static_cast<std::int64_t>(page.limit + 1));
    std::vector<restriction> out;
    while (q.executeStep()) out.push_back(read_restriction(q));
    return out;
}

std::optional<restriction> find_restriction(connection& c, std::int64_t id) {
    SQLite::Statement q(
        c.db, std::string("SELECT ") + restriction_columns + " FROM restrictions WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return read_restriction(q);
}

void set_restriction_end(connection& c, std::int64_t id, std::optional<std::int64_t> ends_on) {
    SQLite::Statement q(c.db, "UPDATE restrictions SET ends_on = ? WHERE id = ?");
    bind_opt(q, 1, ends_on);
    q.bind(2, static_cast<std::int64_t>(id));
    q.exec();
}

std::int64_t insert_funding_source(connection& c, const funding_source& f, unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO funding_sources (code, name, kind, fiscal_year, amount_idr, created_at) "
        "VALUES (?,?,?,?,?,?)");
    q.bind(1, f.code);
    q.bind(2, f.name);
    q.bind(3, std::string(to_string(f.kind)));
    q.bind(4, f.fiscal_year);
    q.bind(5, static_cast<std::int64_t>(f.amount_idr));
    q.bind(6, static_cast<std::int64_t>(now));
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        rethrow_constraint(e, "code", "funding source " + f.code + " already exists");
    }
    return c.db.getLastInsertRowid();
}

std::vector<funding_source> list_funding_sources(connection& c) {
    SQLite::Statement q(
        c.db,
        "SELECT id, code, name, kind, fiscal_year, amount_idr FROM funding_sources ORDER BY id");
    std::vector<funding_source> out;
    while (q.executeStep()) out.push_back(read_funding(q));
    return out;
}

std::optional<funding_source> find_funding_source(connection& c, std::int64_t id) {
    SQLite::Statement q(
        c.db,
        "SELECT id, code, name, kind, fiscal_year, amount_idr FROM funding_sources WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return read_funding(q);
}

std::int64_t insert_training(connection& c, const training& t, unix_seconds now) {
    SQLite::Statement q(
        c.db,
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
    return c.db.getLastInsertRowid();
}

void update_training(connection& c, const training& t) {
    SQLite::Statement q(c.db,
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
    SQLite::Statement q(
        c.db, std::string("SELECT ") + training_columns + " FROM trainings t WHERE t.id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
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
    SQLite::Statement q(c.db, sql);
    if (viewer_role != role::admin) q.bind(":viewer", static_cast<std::int64_t>(viewer_id));
    q.bind(":after", page.after.empty() ? std::int64_t{0} : page.after.front());
    q.bind(":limit", static_cast<std::int64_t>(page.limit + 1));
    if (!filter.query.empty()) q.bind(":q", filter.query);
    if (!filter.region_code.empty()) q.bind(":region", filter.region_code);
    if (filter.year) q.bind(":year", *filter.year);
    if (filter.funding_source_id) q.bind(":funding", *filter.funding_source_id);
    std::vector<training> out;
    while (q.executeStep()) out.push_back(read_training(q));
    return out;
}

bool is_trainer_of(connection& c, std::int64_t training_id, std::int64_t user_id) {
    SQLite::Statement q(c.db,
                        "SELECT 1 FROM training_trainers WHERE training_id = ? AND user_id = ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    return q.executeStep();
}

bool is_enrolled_in(connection& c, std::int64_t training_id, std::int64_t user_id) {
    SQLite::Statement q(
        c.db,
        "SELECT 1 FROM enrollments WHERE training_id = ? AND user_id = ? AND withdrawn_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    return q.executeStep();
}

bool assign_trainer(connection& c, std::int64_t training_id, std::int64_t user_id,
                    unix_seconds now) {
    SQLite::Statement q(c.db,
                        "INSERT OR IGNORE INTO training_trainers (training_id, user_id, "
                        "assigned_at) VALUES (?,?,?)");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    q.bind(3, static_cast<std::int64_t>(now));
    return q.exec() > 0;
}

bool unassign_trainer(connection& c, std::int64_t training_id, std::int64_t user_id) {
    SQLite::Statement q(c.db,
                        "DELETE FROM training_trainers WHERE training_id = ? AND user_id = ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    return q.exec() > 0;
}

std::vector<user> list_trainers(connection& c, std::int64_t training_id) {
    SQLite::Statement q(
        c.db, "SELECT user_id FROM training_trainers WHERE training_id = ? ORDER BY user_id");
    q.bind(1, static_cast<std::int64_t>(training_id));
    std::vector<std::int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    std::vector<user> out;
    for (auto id : ids)
        if (auto u = find_user(c, id)) out.push_back(std::move(*u));
    return out;
}

bool enroll(connection& c, std::int64_t training_id, std::int64_t user_id, unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO enrollments (training_id, user_id, enrolled_at) VALUES (?,?,?) "
        "ON CONFLICT (training_id, user_id) DO UPDATE SET withdrawn_at = NULL, "
        "enrolled_at = excluded.enrolled_at WHERE withdrawn_at IS NOT NULL");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    q.bind(3, static_cast<std::int64_t>(now));
    return q.exec() > 0;
}

bool withdraw(connection& c, std::int64_t training_id, std::int64_t user_id, unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "UPDATE enrollments SET withdrawn_at = ? WHERE training_id = ? AND user_id = ? AND "
        "withdrawn_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, static_cast<std::int64_t>(training_id));
    q.bind(3, static_cast<std::int64_t>(user_id));
    return q.exec() > 0;
}

std::vector<enrollment_row> list_enrollments(connection& c, std::int64_t training_id,
                                             const page_request& page) {
    SQLite::Statement q(
        c.db,
        "SELECT user_id, enrolled_at, withdrawn_at FROM enrollments WHERE training_id = ? AND "
        "user_id > ? ORDER BY user_id LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, page.after.empty() ? std::int64_t{0} : page.after.front());
    q.bind(3, static_cast<std::int64_t>(page.limit + 1));
    std::vector<std::tuple<std::int64_t, std::int64_t, std::optional<std::int64_t>>> rows;
    while (q.executeStep())
        rows.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                          opt_int(q.getColumn(2)));
    std::vector<enrollment_row> out;
    for (auto& [id, at, withdrawn] : rows) {
        if (auto u = find_user(c, id)) out.push_back({std::move(*u), at, withdrawn});
    }
    return out;
}

std::map<std::string, std::pair<std::int64_t, role>> find_users_by_name(
    connection& c, const std::vector<std::string>& names) {
    std::map<std::string, std::pair<std::int64_t, role>> out;
    SQLite::Statement q(c.db, "SELECT id, role FROM users WHERE username = ?");
    for (const auto& n : names) {
        q.bind(1, n);
        if (q.executeStep()) {
            out[n] = {q.getColumn(0).getInt64(),
                      parse_role(q.getColumn(1).getString()).value_or(role::trainee)};
        }
        q.reset();
    }
    return out;
}

std::map<std::int64_t, role> find_roles(connection& c, const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, role> out;
    SQLite::Statement q(c.db, "SELECT role FROM users WHERE id = ?");
    for (auto id : ids) {
        q.bind(1, static_cast<std::int64_t>(id));
        if (q.executeStep())
            out[id] = parse_role(q.getColumn(0).getString()).value_or(role::trainee);
        q.reset();
    }
    return out;
}

std::int64_t insert_session(connection& c, const session& s, unix_seconds now) {
    const auto& d = s.current;
    SQLite::Statement q(
        c.db,
        "INSERT INTO training_sessions (training_id, title, starts_at, ends_at, mode, status, "
        "reason, reason_id, recommended_mode, restriction_id, decided_at, decided_by, created_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, static_cast<std::int64_t>(s.training_id));
    q.bind(2, s.title);
    q.bind(3, static_cast<std::int64_t>(s.starts_at));
    q.bind(4, static_cast<std::int64_t>(s.ends_at));
    q.bind(5, std::string(to_string(d.mode)));
    q.bind(6, std::string(to_string(d.status)));
    q.bind(7, d.reason);
    q.bind(8, d.reason_id);
    if (d.recommended_mode)
        q.bind(9, std::string(to_string(*d.recommended_mode)));
    else
        q.bind(9);
    bind_opt(q, 10, d.restriction_id);
    q.bind(11, static_cast<std::int64_t>(d.decided_at));
    bind_opt(q, 12, d.decided_by);
    q.bind(13, static_cast<std::int64_t>(now));
    q.exec();
    auto id = c.db.getLastInsertRowid();
    replace_slides(c, id, s.slides);
    return id;
}

std::optional<session> find_session(connection& c, std::int64_t id) {
    SQLite::Statement q(c.db, std::string("SELECT ") + session_columns +
                                  " FROM training_sessions s WHERE s.id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    auto s = read_session(q);
    load_slides(c, s);
    return s;
}

std::vector<session> list_sessions(connection& c, std::int64_t training_id, bool with_slides) {
    SQLite::Statement q(
        c.db, std::string("SELECT ") + session_columns +
                  " FROM training_sessions s WHERE s.training_id = ? ORDER BY s.starts_at, s.id");
    q.bind(1, static_cast<std::int64_t>(training_id));
    std::vector<session> out;
    while (q.executeStep()) out.push_back(read_session(q));
    for (auto& s : out) {
        if (with_slides) {
            load_slides(c, s);
        } else {
            SQLite::Statement n(c.db, "SELECT COUNT(*) FROM slides WHERE session_id = ?");
            n.bind(1, static_cast<std::int64_t>(s.id));
            n.executeStep();
            s.slides.resize(static_cast<std::size_t>(n.getColumn(0).getInt()));
        }
    }
    return out;
}

void update_session_plan(connection& c, std::int64_t id, const session_patch& p) {
    if (p.title) {
        SQLite::Statement q(c.db, "UPDATE training_sessions SET title = ? WHERE id = ?");
        q.bind(1, *p.title);
        q.bind(2, static_cast<std::int64_t>(id));
        q.exec();
    }
    if (p.starts_at || p.ends_at) {
        SQLite::Statement q(
            c.db,
            "UPDATE training_sessions SET starts_at = COALESCE(?, starts_at), ends_at = "
            "COALESCE(?, ends_at), override_mode = NULL, override_status = NULL, "
            "override_reason = NULL, override_by = NULL WHERE id = ?");
        bind_opt(q, 1, p.starts_at);
        bind_opt(q, 2, p.ends_at);
        q.bind(3, static_cast<std::int64_t>(id));
        q.exec();
    }
    if (p.slides) replace_slides(c, id, *p.slides);
}

void set_override(connection& c, std::int64_t session_id, const std::optional<stored_override>& o) {
    SQLite::Statement q(
        c.db,
        "UPDATE training_sessions SET override_mode = ?, override_status = ?, override_reason = ?, "
        "override_by = ? WHERE id = ?");
    if (o && o->mode)
        q.bind(1, std::string(to_string(*o->mode)));
    else
        q.bind(1);
    if (o) {
        q.bind(2, std::string(to_string(o->status)));
        q.bind(3, o->reason);
        q.bind(4, static_cast<std::int64_t>(o->by));
    } else {
        q.bind(2);
        q.bind(3);
        q.bind(4);
    }
    q.bind(5, static_cast<std::int64_t>(session_id));
    q.exec();
}

bool start_session(connection& c, std::int64_t session_id, std::int64_t by, unix_seconds now,
                   int present_pct, int late_after_s) {
    // The training's replay setting is copied as it stands now, with the thresholds.
    SQLite::Statement q(
        c.db,
        "UPDATE training_sessions SET status = 'live', started_at = ?, started_by = ?, "
        "present_pct = ?, late_after_s = ?, replay_counts = (SELECT "
        "replay_counts_for_completion FROM trainings WHERE id = training_sessions.training_id) "
        "WHERE id = ? AND status = 'scheduled'");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, static_cast<std::int64_t>(by));
    q.bind(3, present_pct);
    q.bind(4, late_after_s);
    q.bind(5, static_cast<std::int64_t>(session_id));
    return q.exec() > 0;
}

bool end_session(connection& c, std::int64_t session_id, std::optional<std::int64_t> by,
                 unix_seconds now) {
    SQLite::Statement q(c.db,
                        "UPDATE training_sessions SET status = 'ended', ended_at = ?, ended_by = ? "
                        "WHERE id = ? AND status = 'live'");
    q.bind(1, static_cast<std::int64_t>(now));
    bind_opt(q, 2, by);
    q.bind(3, static_cast<std::int64_t>(session_id));
    return q.exec() > 0;
}

void set_session_status(connection& c, std::int64_t session_id, session_status status) {
    SQLite::Statement q(c.db, "UPDATE training_sessions SET status = ? WHERE id = ?");
    q.bind(1, std::string(to_string(status)));
    q.bind(2, static_cast<std::int64_t>(session_id));
    q.exec();
}

void update_delivery(connection& c, std::int64_t session_id, const delivery& d) {
    SQLite::Statement q(
        c.db,
        "UPDATE training_sessions SET mode = ?, status = ?, reason = ?, reason_id = ?, "
        "recommended_mode = ?, restriction_id = ?, decided_at = ?, decided_by = ? WHERE id = ?");
    q.bind(1, std::string(to_string(d.mode)));
    q.bind(2, std::string(to_string(d.status)));
    q.bind(3, d.reason);
    q.bind(4, d.reason_id);
    if (d.recommended_mode)
        q.bind(5, std::string(to_string(*d.recommended_mode)));
    else
        q.bind(5);
    bind_opt(q, 6, d.restriction_id);
    q.bind(7, static_cast<std::int64_t>(d.decided_at));
    bind_opt(q, 8, d.decided_by);
    q.bind(9, static_cast<std::int64_t>(session_id));
    q.exec();
}

void clear_overrides_for_training(connection& c, std::int64_t training_id, unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "UPDATE training_sessions SET override_mode = NULL, override_status = NULL, "
        "override_reason = NULL, override_by = NULL WHERE training_id = ? AND starts_at > ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(now));
    q.exec();
}

std::vector<evaluation_row> sessions_for_evaluation(connection& c, const evaluation_scope& scope) {
    std::string sql =
        std::string("SELECT ") + session_columns +
        ", t.planned_mode, t.switch_policy, t.room_capacity, t.region_code, r.utc_offset_minutes, "
        "(SELECT COUNT(*) FROM enrollments e WHERE e.training_id = t.id AND e.withdrawn_at IS "
        "NULL), "
        "(SELECT COUNT(*) FROM training_trainers tt WHERE tt.training_id = t.id), "
        "s.override_mode, s.override_status, s.override_reason, s.override_by "
        "FROM training_sessions s JOIN trainings t ON t.id = s.training_id "
        "JOIN regions r ON r.code = t.region_code "
        "WHERE s.starts_at > :after AND s.status NOT IN ('live','ended','cancelled')";
    if (scope.session_id) sql += " AND s.id = :session";
    if (scope.training_id) sql += " AND s.training_id = :training";
    if (scope.region_code) sql += " AND t.region_code = :region";
    sql += " ORDER BY s.starts_at, s.id";
    SQLite::Statement q(c.db, sql);
    q.bind(":after", static_cast<std::int64_t>(scope.starting_after));
    if (scope.session_id) q.bind(":session", static_cast<std::int64_t>(*scope.session_id));
    if (scope.training_id) q.bind(":training", static_cast<std::int64_t>(*scope.training_id));
    if (scope.region_code) q.bind(":region", *scope.region_code);
    std::vector<evaluation_row> out;
    while (q.executeStep()) {
        evaluation_row row;
        row.session = read_session(q);
        const int extra = session_column_count;  // the columns after the session's
        row.planned_mode = parse_delivery_mode(q.getColumn(extra + 0).getString())
                               .value_or(delivery_mode::in_person);
        row.policy = parse_switch_policy(q.getColumn(extra + 1).getString())
                         .value_or(switch_policy::automatic);
        if (!q.getColumn(extra + 2).isNull()) row.room_capacity = q.getColumn(extra + 2).getInt();
        row.region_code = q.getColumn(extra + 3).getString();
        row.utc_offset_minutes = q.getColumn(extra + 4).getInt();
        row.trainees = q.getColumn(extra + 5).getInt();
        row.trainers = q.getColumn(extra + 6).getInt();
        if (!q.getColumn(extra + 8).isNull()) {
            stored_override o;
            if (!q.getColumn(extra + 7).isNull())
                o.mode = parse_delivery_mode(q.getColumn(extra + 7).getString());
            o.status = parse_session_status(q.getColumn(extra + 8).getString())
                           .value_or(session_status::scheduled);
            o.reason = opt_text(q.getColumn(extra + 9));
            o.by = q.getColumn(extra + 10).isNull() ? 0 : q.getColumn(extra + 10).getInt64();
            row.override_decision = o;
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::int64_t insert_decision(connection& c, const delivery_decision& d) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO delivery_decisions (session_id, from_mode, from_status, to_mode, to_status, "
        "reason, reason_id, restriction_reference, actor_id, at) VALUES (?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, static_cast<std::int64_t>(d.session_id));
    q.bind(2, std::string(to_string(d.from_mode)));
    q.bind(3, std::string(to_string(d.from_status)));
    q.bind(4, std::string(to_string(d.to_mode)));
    q.bind(5, std::string(to_string(d.to_status)));
    q.bind(6, d.reason);
    q.bind(7, d.reason_id);
    if (d.restriction_reference.empty())
        q.bind(8);
    else
        q.bind(8, d.restriction_reference);
    bind_opt(q, 9, d.actor_id);
    q.bind(10, static_cast<std::int64_t>(d.at));
    q.exec();
    return c.db.getLastInsertRowid();
}

std::vector<delivery_decision> list_decisions(connection& c, std::int64_t training_id,
                                              const page_request& page) {
    SQLite::Statement q(
        c.db,
        "SELECT d.id, d.session_id, s.title, d.from_mode, d.from_status, d.to_mode, d.to_status, "
        "d.reason, d.reason_id, d.restriction_reference, d.actor_id, d.at FROM delivery_decisions "
        "d "
        "JOIN training_sessions s ON s.id = d.session_id WHERE s.training_id = ? AND d.id > ? "
        "ORDER BY d.id LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, page.after.empty() ? std::int64_t{0} : page.after.front());
    q.bind(3, static_cast<std::int64_t>(page.limit + 1));
    std::vector<delivery_decision> out;
    while (q.executeStep()) {
        delivery_decision d;
        d.id = q.getColumn(0).getInt64();
        d.session_id = q.getColumn(1).getInt64();
        d.session_title = q.getColumn(2).getString();
        d.from_mode =
            parse_delivery_mode(q.getColumn(3).getString()).value_or(delivery_mode::in_person);
        d.from_status =
            parse_session_status(q.getColumn(4).getString()).value_or(session_status::scheduled);
        d.to_mode =
            parse_delivery_mode(q.getColumn(5).getString()).value_or(delivery_mode::in_person);
        d.to_status =
            parse_session_status(q.getColumn(6).getString()).value_or(session_status::scheduled);
        d.reason = q.getColumn(7).getString();
        d.reason_id = q.getColumn(8).getString();
        d.restriction_reference = opt_text(q.getColumn(9));
        d.actor_id = opt_int(q.getColumn(10));
        d.at = q.getColumn(11).getInt64();
        out.push_back(std::move(d));
    }
    return out;
}

int notify_training_audience(connection& c, const notification& n) {
    const auto before = last_notification_id(c);
    SQLite::Statement q(
        c.db,
        "INSERT INTO notifications (user_id, training_id, session_id, kind, text_id, text_en, "
        "created_at, params) "
        "SELECT user_id, :training, :session, :kind, :tid, :ten, :now, :params FROM ("
        " SELECT user_id FROM enrollments WHERE training_id = :training AND withdrawn_at IS NULL"
        " UNION SELECT user_id FROM training_trainers WHERE training_id = :training)");
    q.bind(":training", static_cast<std::int64_t>(n.training_id.value_or(0)));
    if (n.session_id)
        q.bind(":session", static_cast<std::int64_t>(*n.session_id));
    else
        q.bind(":session");
    q.bind(":kind", n.kind);
    q.bind(":tid", n.text_id);
    q.bind(":ten", n.text_en);
    q.bind(":now", static_cast<std::int64_t>(n.created_at));
    q.bind(":params", protocol::dump(n.params));
    const int added = q.exec();
    enqueue_outbox(c, before, n.expires_at, n.created_at);
    return added;
}

std::int64_t insert_notification(connection& c, const notification& n) {
    const auto before = last_notification_id(c);
    SQLite::Statement q(c.db,
                        "INSERT INTO notifications (user_id, training_id, session_id, kind, "
                        "text_id, text_en, created_at, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<std::int64_t>(n.user_id));
    if (n.training_id)
        q.bind(2, static_cast<std::int64_t>(*n.training_id));
    else
        q.bind(2);
    if (n.session_id)
        q.bind(3, static_cast<std::int64_t>(*n.session_id));
    else
        q.bind(3);
    q.bind(4, n.kind);
    q.bind(5, n.text_id);
    q.bind(6, n.text_en);
    q.bind(7, static_cast<std::int64_t>(n.created_at));
    q.bind(8, protocol::dump(n.params));
    q.exec();
    const auto id = c.db.getLastInsertRowid();
    enqueue_outbox(c, before, n.expires_at, n.created_at);
    return id;
}

std::vector<notification> list_notifications(connection& c, std::int64_t user_id,
                                             const page_request& page) {
    SQLite::Statement q(
        c.db,
        "SELECT id, user_id, training_id, session_id, kind, text_id, text_en, created_at "
        "FROM notifications WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(user_id));
    q.bind(2, page.after.empty() ? INT64_MAX : page.after.front());
    q.bind(3, static_cast<std::int64_t>(page.limit + 1));
    std::vector<notification> out;
    while (q.executeStep()) {
        notification n;
        n.id = q.getColumn(0).getInt64();
        n.user_id = q.getColumn(1).getInt64();
        n.training_id = opt_int(q.getColumn(2));
        n.session_id = opt_int(q.getColumn(3));
        n.kind = q.getColumn(4).getString();
        n.text_id = q.getColumn(5).getString();
        n.text_en = q.getColumn(6).getString();
        n.created_at = q.getColumn(7).getInt64();
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace daring::storage
