#include "storage/session_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

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
session read_session(statement& q) {
    session s;
    s.id = q.column(0).as_int64();
    s.training_id = q.column(1).as_int64();
    s.title = q.column(2).as_text();
    s.starts_at = q.column(3).as_int64();
    s.ends_at = q.column(4).as_int64();
    auto& d = s.current;
    d.mode = parse_delivery_mode(q.column(5).as_text()).value_or(delivery_mode::in_person);
    d.status = parse_session_status(q.column(6).as_text()).value_or(session_status::scheduled);
    d.reason = q.column(7).as_text();
    d.reason_id = q.column(8).as_text();
    if (!q.column(9).is_null()) d.recommended_mode = parse_delivery_mode(q.column(9).as_text());
    d.restriction_id = opt_int(q.column(10));
    d.decided_at = q.column(11).as_int64();
    d.decided_by = opt_int(q.column(12));
    d.overridden = !q.column(13).is_null();
    s.started_at = opt_int(q.column(14));
    s.ended_at = opt_int(q.column(15));
    if (auto v = opt_int(q.column(16))) s.present_pct = static_cast<int>(*v);
    if (auto v = opt_int(q.column(17))) s.late_after_s = static_cast<int>(*v);
    if (auto v = opt_int(q.column(18))) s.replay_counts = *v != 0;
    s.recording_ready = q.column(19).as_int() != 0;
    return s;
}

void load_slides(connection& c, session& s) {
    statement q(c,
                "SELECT s.title, s.body, s.deck_id, s.page_n, p.width, p.height, p.small, "
                "p.large, p.small_bytes, p.large_bytes FROM slides s LEFT JOIN deck_pages "
                "p ON p.deck_id = s.deck_id AND p.n = s.page_n WHERE s.session_id = ? "
                "ORDER BY s.position");
    q.bind(1, static_cast<std::int64_t>(s.id));
    while (q.step()) {
        slide one{q.column(0).as_text(), q.column(1).as_text(), std::nullopt};
        if (!q.column(2).is_null() && !q.column(4).is_null()) {
            one.page = slide_page{.deck_id = q.column(2).as_int64(),
                                  .n = q.column(3).as_int(),
                                  .width = q.column(4).as_int(),
                                  .height = q.column(5).as_int(),
                                  .small = q.column(6).as_text(),
                                  .large = q.column(7).as_text(),
                                  .small_bytes = q.column(8).as_int64(),
                                  .large_bytes = q.column(9).as_int64()};
        }
        s.slides.push_back(std::move(one));
    }
}

void replace_slides(connection& c, std::int64_t session_id, const std::vector<slide>& slides) {
    statement del(c, "DELETE FROM slides WHERE session_id = ?");
    del.bind(1, static_cast<std::int64_t>(session_id));
    del.exec();
    statement ins(c,
                  "INSERT INTO slides (session_id, position, title, body, deck_id, "
                  "page_n) VALUES (?,?,?,?,?,?)");
    for (std::size_t i = 0; i < slides.size(); ++i) {
        ins.bind(1, static_cast<std::int64_t>(session_id));
        ins.bind(2, static_cast<std::int64_t>(i));
        ins.bind(3, slides[i].title);
        ins.bind(4, slides[i].body);
        if (const auto& p = slides[i].page) {
            ins.bind(5, p->deck_id);
            ins.bind(6, p->n);
        } else {
            ins.bind(5);
            ins.bind(6);
        }
        ins.exec();
        ins.reset();
    }
}

}  // namespace

std::int64_t insert_session(connection& c, const session& s, unix_seconds now) {
    const auto& d = s.current;
    statement q(
        c,
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
    auto id = c.last_insert_id();
    replace_slides(c, id, s.slides);
    return id;
}

void set_slides(connection& c, std::int64_t session_id, const std::vector<slide>& slides) {
    replace_slides(c, session_id, slides);
}

std::optional<session> find_session(connection& c, std::int64_t id) {
    statement q(
        c, std::string("SELECT ") + session_columns + " FROM training_sessions s WHERE s.id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.step()) return std::nullopt;
    auto s = read_session(q);
    load_slides(c, s);
    return s;
}

std::vector<session> list_sessions(connection& c, std::int64_t training_id, bool with_slides) {
    statement q(c,
                std::string("SELECT ") + session_columns +
                    " FROM training_sessions s WHERE s.training_id = ? ORDER BY s.starts_at, s.id");
    q.bind(1, static_cast<std::int64_t>(training_id));
    std::vector<session> out;
    while (q.step()) out.push_back(read_session(q));
    for (auto& s : out) {
        if (with_slides) {
            load_slides(c, s);
        } else {
            statement n(c, "SELECT COUNT(*) FROM slides WHERE session_id = ?");
            n.bind(1, static_cast<std::int64_t>(s.id));
            n.step();
            s.slides.resize(static_cast<std::size_t>(n.column(0).as_int()));
        }
    }
    return out;
}

void update_session_plan(connection& c, std::int64_t id, const session_patch& p) {
    if (p.title) {
        statement q(c, "UPDATE training_sessions SET title = ? WHERE id = ?");
        q.bind(1, *p.title);
        q.bind(2, static_cast<std::int64_t>(id));
        q.exec();
    }
    if (p.starts_at || p.ends_at) {
        statement q(c,
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
    statement q(
        c,
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
    statement q(
        c,
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
    statement q(c,
                "UPDATE training_sessions SET status = 'ended', ended_at = ?, ended_by = ? "
                "WHERE id = ? AND status = 'live'");
    q.bind(1, static_cast<std::int64_t>(now));
    bind_opt(q, 2, by);
    q.bind(3, static_cast<std::int64_t>(session_id));
    return q.exec() > 0;
}

void set_session_status(connection& c, std::int64_t session_id, session_status status) {
    statement q(c, "UPDATE training_sessions SET status = ? WHERE id = ?");
    q.bind(1, std::string(to_string(status)));
    q.bind(2, static_cast<std::int64_t>(session_id));
    q.exec();
}

void update_delivery(connection& c, std::int64_t session_id, const delivery& d) {
    statement q(
        c,
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
    statement q(
        c,
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
    statement q(c, sql);
    q.bind(":after", static_cast<std::int64_t>(scope.starting_after));
    if (scope.session_id) q.bind(":session", static_cast<std::int64_t>(*scope.session_id));
    if (scope.training_id) q.bind(":training", static_cast<std::int64_t>(*scope.training_id));
    if (scope.region_code) q.bind(":region", *scope.region_code);
    std::vector<evaluation_row> out;
    while (q.step()) {
        evaluation_row row;
        row.session = read_session(q);
        const int extra = session_column_count;  // the columns after the session's
        row.planned_mode =
            parse_delivery_mode(q.column(extra + 0).as_text()).value_or(delivery_mode::in_person);
        row.policy =
            parse_switch_policy(q.column(extra + 1).as_text()).value_or(switch_policy::automatic);
        if (!q.column(extra + 2).is_null()) row.room_capacity = q.column(extra + 2).as_int();
        row.region_code = q.column(extra + 3).as_text();
        row.utc_offset_minutes = q.column(extra + 4).as_int();
        row.trainees = q.column(extra + 5).as_int();
        row.trainers = q.column(extra + 6).as_int();
        if (!q.column(extra + 8).is_null()) {
            stored_override o;
            if (!q.column(extra + 7).is_null())
                o.mode = parse_delivery_mode(q.column(extra + 7).as_text());
            o.status = parse_session_status(q.column(extra + 8).as_text())
                           .value_or(session_status::scheduled);
            o.reason = opt_text(q.column(extra + 9));
            o.by = q.column(extra + 10).is_null() ? 0 : q.column(extra + 10).as_int64();
            row.override_decision = o;
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::int64_t insert_decision(connection& c, const delivery_decision& d) {
    statement q(
        c,
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
    return c.last_insert_id();
}

std::vector<delivery_decision> list_decisions(connection& c, std::int64_t training_id,
                                              const page_request& page) {
    statement q(
        c,
        "SELECT d.id, d.session_id, s.title, d.from_mode, d.from_status, d.to_mode, d.to_status, "
        "d.reason, d.reason_id, d.restriction_reference, d.actor_id, d.at FROM delivery_decisions "
        "d "
        "JOIN training_sessions s ON s.id = d.session_id WHERE s.training_id = ? AND d.id > ? "
        "ORDER BY d.id LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, page.after.empty() ? std::int64_t{0} : page.after.front());
    q.bind(3, static_cast<std::int64_t>(page.limit + 1));
    std::vector<delivery_decision> out;
    while (q.step()) {
        delivery_decision d;
        d.id = q.column(0).as_int64();
        d.session_id = q.column(1).as_int64();
        d.session_title = q.column(2).as_text();
        d.from_mode = parse_delivery_mode(q.column(3).as_text()).value_or(delivery_mode::in_person);
        d.from_status =
            parse_session_status(q.column(4).as_text()).value_or(session_status::scheduled);
        d.to_mode = parse_delivery_mode(q.column(5).as_text()).value_or(delivery_mode::in_person);
        d.to_status =
            parse_session_status(q.column(6).as_text()).value_or(session_status::scheduled);
        d.reason = q.column(7).as_text();
        d.reason_id = q.column(8).as_text();
        d.restriction_reference = opt_text(q.column(9));
        d.actor_id = opt_int(q.column(10));
        d.at = q.column(11).as_int64();
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace daring::storage
