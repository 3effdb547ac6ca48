#include "storage/outbox_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using protocol::json;
using protocol::unix_seconds;

namespace {

void set_state(connection& c, std::int64_t id, const char* state, const std::string& answer,
               unix_seconds now, bool sent) {
    statement q(c,
                "UPDATE outbox SET state = ?, last_error = ?, updated_at = ?, sent_at = "
                "CASE WHEN ? THEN ? ELSE sent_at END WHERE id = ?");
    q.bind(1, state);
    q.bind(2, answer);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, sent ? 1 : 0);
    q.bind(5, static_cast<std::int64_t>(now));
    q.bind(6, id);
    q.exec();
}

constexpr const char* row_columns =
    "o.id, o.notification_id, o.user_id, u.username, u.full_name, o.channel, o.state, n.kind, "
    "o.attempts, o.next_attempt_at, o.expires_at, o.sent_at, coalesce(o.last_error, ''), "
    "o.created_at, o.updated_at FROM outbox o JOIN users u ON u.id = o.user_id "
    "JOIN notifications n ON n.id = o.notification_id";

outbox_row read_row(statement& q) {
    outbox_row r;
    r.id = q.column(0).as_int64();
    r.notification_id = q.column(1).as_int64();
    r.user_id = q.column(2).as_int64();
    r.username = q.column(3).as_text();
    r.full_name = q.column(4).as_text();
    r.channel = q.column(5).as_text();
    r.state = q.column(6).as_text();
    r.kind = q.column(7).as_text();
    r.attempts = q.column(8).as_int();
    r.next_attempt_at = q.column(9).as_int64();
    r.expires_at = opt_int(q.column(10));
    r.sent_at = opt_int(q.column(11));
    r.last_error = q.column(12).as_text();
    r.created_at = q.column(13).as_int64();
    r.updated_at = q.column(14).as_int64();
    return r;
}

}  // namespace

std::int64_t last_notification_id(connection& c) {
    return c.scalar("SELECT coalesce(max(id), 0) FROM notifications");
}

int enqueue_outbox(connection& c, std::int64_t after_id, std::optional<unix_seconds> expires_at,
                   unix_seconds now) {
    // A mobile number is Indonesian E.164 +628...; a chosen channel that cannot reach the user,
    // or that this server does not send through, falls back to the other one.
    statement q(
        c,
        "INSERT INTO outbox (notification_id, user_id, channel, next_attempt_at, "
        "expires_at, created_at, updated_at) "
        "SELECT id, user_id, channel, :now, :expires, :now, :now FROM ("
        " SELECT n.id, n.user_id, CASE"
        "  WHEN u.deactivated_at IS NOT NULL OR u.notify_channel = 'none' THEN 'none'"
        "  WHEN :mail AND u.notify_channel = 'email' AND coalesce(u.email, '') <> '' THEN 'email'"
        "  WHEN :wa AND coalesce(u.phone, '') LIKE '+628%' THEN 'whatsapp'"
        "  WHEN :mail AND coalesce(u.email, '') <> '' THEN 'email'"
        "  ELSE 'none' END AS channel"
        " FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id > :after) AS candidates"
        " WHERE channel <> 'none' ON CONFLICT DO NOTHING");
    q.bind(":now", static_cast<std::int64_t>(now));
    q.bind(":wa", c.channels.whatsapp ? 1 : 0);
    q.bind(":mail", c.channels.email ? 1 : 0);
    if (expires_at)
        q.bind(":expires", static_cast<std::int64_t>(*expires_at));
    else
        q.bind(":expires");
    q.bind(":after", after_id);
    return q.exec();
}

std::vector<outbox_message> claim_due_outbox(connection& c, unix_seconds now, int limit,
                                             unix_seconds lease_s) {
    statement expire(c,
                     "UPDATE outbox SET state = 'expired', updated_at = ? WHERE state = "
                     "'pending' AND expires_at IS NOT NULL AND expires_at <= ?");
    expire.bind(1, static_cast<std::int64_t>(now));
    expire.bind(2, static_cast<std::int64_t>(now));
    expire.exec();
    // On PostgreSQL several nodes claim at once: each skips the rows another is claiming.
    // (SQLite has one writer, so no row is ever claimed twice.)
    const char* skip_locked =
        c.dialect() == sql_dialect::postgresql ? " FOR UPDATE SKIP LOCKED" : "";
    statement claim(
        c, std::string("UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = "
                       ":now, next_attempt_at = :lease WHERE id IN (SELECT id FROM outbox WHERE "
                       "state = 'pending' AND next_attempt_at <= :now ORDER BY next_attempt_at, id "
                       "LIMIT :limit") +
               skip_locked + ") RETURNING id");
    claim.bind(":now", static_cast<std::int64_t>(now));
    claim.bind(":lease", static_cast<std::int64_t>(now + lease_s));
    claim.bind(":limit", limit);
    std::vector<std::int64_t> ids;
    while (claim.step()) ids.push_back(claim.column(0).as_int64());
    std::vector<outbox_message> out;
    statement read(
        c,
        "SELECT o.id, o.notification_id, o.user_id, o.channel, o.attempts, n.kind, n.params, "
        "n.text_id, n.text_en, u.full_name, coalesce(u.phone, ''), coalesce(u.email, ''), "
        "u.language, o.created_at FROM outbox o JOIN notifications n ON n.id = o.notification_id "
        "JOIN users u ON u.id = o.user_id WHERE o.id = ?");
    for (auto id : ids) {
        read.bind(1, id);
        if (read.step()) {
            outbox_message m;
            m.id = read.column(0).as_int64();
            m.notification_id = read.column(1).as_int64();
            m.user_id = read.column(2).as_int64();
            m.channel = read.column(3).as_text();
            m.attempts = read.column(4).as_int();
            m.kind = read.column(5).as_text();
            m.params = json::parse(read.column(6).as_text(), nullptr, false);
            m.text_id = read.column(7).as_text();
            m.text_en = read.column(8).as_text();
            m.full_name = read.column(9).as_text();
            m.phone = read.column(10).as_text();
            m.email = read.column(11).as_text();
            m.language = read.column(12).as_text();
            m.created_at = read.column(13).as_int64();
            out.push_back(std::move(m));
        }
        read.reset();
    }
    return out;
}

int discard_unsent_outbox(connection& c) {
    return statement(c, "DELETE FROM outbox WHERE state <> 'sent'").exec();
}

int release_sending_outbox(connection& c, unix_seconds now) {
    statement q(c,
                "UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? "
                "WHERE state = 'sending'");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, static_cast<std::int64_t>(now));
    return q.exec();
}

void mark_outbox_sent(connection& c, std::int64_t id, const std::string& answer, unix_seconds now) {
    set_state(c, id, "sent", answer, now, true);
}

void mark_outbox_retry(connection& c, std::int64_t id, const std::string& answer,
                       unix_seconds next_at, unix_seconds now) {
    statement q(c,
                "UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ?, "
                "updated_at = ? WHERE id = ?");
    q.bind(1, answer);
    q.bind(2, static_cast<std::int64_t>(next_at));
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, id);
    q.exec();
}

void mark_outbox_failed(connection& c, std::int64_t id, const std::string& answer,
                        unix_seconds now) {
    set_state(c, id, "failed", answer, now, false);
}

bool retry_outbox(connection& c, std::int64_t id, unix_seconds now) {
    statement q(c,
                "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, "
                "expires_at = NULL, updated_at = ? WHERE id = ? AND state IN ('failed', "
                "'expired', 'cancelled')");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, static_cast<std::int64_t>(now));
    q.bind(3, id);
    return q.exec() > 0;
}

bool cancel_outbox(connection& c, std::int64_t id, unix_seconds now) {
    statement q(c,
                "UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE id = ? AND "
                "state = 'pending'");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, id);
    return q.exec() > 0;
}

std::map<std::string, std::map<std::string, std::int64_t>> outbox_counts(connection& c) {
    statement q(c, "SELECT channel, state, count(*) FROM outbox GROUP BY channel, state");
    std::map<std::string, std::map<std::string, std::int64_t>> out;
    while (q.step()) out[q.column(0).as_text()][q.column(1).as_text()] = q.column(2).as_int64();
    return out;
}

std::vector<outbox_row> list_outbox(connection& c, const std::string& state,
                                    const page_request& page) {
    std::string sql = std::string("SELECT ") + row_columns + " WHERE o.id < :before";
    if (!state.empty()) sql += " AND o.state = :state";
    sql += " ORDER BY o.id DESC LIMIT :limit";
    statement q(c, sql);
    q.bind(":before", page.after.empty() ? INT64_MAX : page.after.front());
    if (!state.empty()) q.bind(":state", state);
    q.bind(":limit", static_cast<std::int64_t>(page.limit + 1));
    std::vector<outbox_row> out;
    while (q.step()) out.push_back(read_row(q));
    return out;
}

std::optional<outbox_row> find_outbox(connection& c, std::int64_t id) {
    statement q(c, std::string("SELECT ") + row_columns + " WHERE o.id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_row(q);
}

bool record_join_link_use(connection& c, const std::string& token_hash, std::int64_t user_id,
                          std::int64_t session_id, unix_seconds now) {
    statement q(c,
                "INSERT INTO join_links_used (token_hash, user_id, session_id, "
                "used_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    q.bind(1, token_hash);
    q.bind(2, user_id);
    q.bind(3, session_id);
    q.bind(4, static_cast<std::int64_t>(now));
    return q.exec() > 0;
}

bool join_link_used(connection& c, const std::string& token_hash) {
    statement q(c, "SELECT 1 FROM join_links_used WHERE token_hash = ?");
    q.bind(1, token_hash);
    return q.step();
}

std::vector<reminder_candidate> reminder_candidates(connection& c, unix_seconds now,
                                                    unix_seconds horizon_s) {
    statement q(
        c,
        "SELECT s.id, s.training_id, s.title, t.title, s.mode, s.starts_at, s.ends_at, "
        "t.reminder_hours, coalesce(r.utc_offset_minutes, :default_offset), "
        "(SELECT group_concat(hours_before) FROM session_reminders WHERE session_id = s.id) "
        "FROM training_sessions s JOIN trainings t ON t.id = s.training_id "
        "LEFT JOIN regions r ON r.code = t.region_code "
        "WHERE s.status = 'scheduled' AND s.starts_at > :now AND s.starts_at <= :until "
        "AND t.reminder_hours <> '' ORDER BY s.starts_at");
    q.bind(":now", static_cast<std::int64_t>(now));
    q.bind(":until", static_cast<std::int64_t>(now + horizon_s));
    q.bind(":default_offset", protocol::default_utc_offset_minutes);
    std::vector<reminder_candidate> out;
    while (q.step()) {
        reminder_candidate r;
        r.session_id = q.column(0).as_int64();
        r.training_id = q.column(1).as_int64();
        r.title = q.column(2).as_text();
        r.training_title = q.column(3).as_text();
        r.mode = q.column(4).as_text();
        r.starts_at = q.column(5).as_int64();
        r.ends_at = q.column(6).as_int64();
        r.hours = int_list(q.column(7).as_text());
        r.utc_offset_minutes = q.column(8).as_int();
        r.sent = int_list(q.column(9).is_null() ? std::string() : q.column(9).as_text());
        out.push_back(std::move(r));
    }
    return out;
}

void record_reminder(connection& c, std::int64_t session_id, int hours_before, unix_seconds now) {
    statement q(c,
                "INSERT INTO session_reminders (session_id, hours_before, "
                "sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    q.bind(1, session_id);
    q.bind(2, hours_before);
    q.bind(3, static_cast<std::int64_t>(now));
    q.exec();
}

}  // namespace daring::storage
