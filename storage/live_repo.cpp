#include "storage/live_repo.hpp"

#include <algorithm>

#include "storage/connection.hpp"

namespace daring::storage {

void append_events(connection& c, const std::vector<timeline_event>& events) {
    statement q(c,
                "INSERT INTO session_events(session_id, seq, at_ms, type, body, "
                "staff_body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    for (const auto& e : events) {
        q.reset();
        q.bind(1, e.session_id);
        q.bind(2, static_cast<std::int64_t>(e.seq));
        q.bind(3, e.at_ms);
        q.bind(4, e.type);
        if (e.body)
            q.bind(5, *e.body);
        else
            q.bind(5);
        if (e.staff_body)
            q.bind(6, *e.staff_body);
        else
            q.bind(6);
        q.exec();
    }
}

void append_pointer(connection& c, const std::vector<pointer_row>& rows) {
    statement q(c, "INSERT INTO session_pointer(session_id, at_ms, body) VALUES (?, ?, ?)");
    for (const auto& r : rows) {
        q.reset();
        q.bind(1, r.session_id);
        q.bind(2, r.at_ms);
        q.bind(3, r.body);
        q.exec();
    }
}

std::vector<timeline_event> session_pointer_events(connection& c, std::int64_t session_id) {
    statement q(c,
                "SELECT at_ms, body FROM session_pointer WHERE session_id = ? ORDER BY "
                "at_ms, rowid");
    q.bind(1, session_id);
    std::vector<timeline_event> out;
    while (q.step())
        out.push_back({session_id, 0, q.column(0).as_int64(), "pointer", q.column(1).as_text(),
                       std::nullopt});
    return out;
}

std::vector<timeline_event> session_events_in(connection& c, const session_scope& scope,
                                              const std::vector<std::string>& types) {
    std::string sql =
        "SELECT session_id, seq, at_ms, type, body, staff_body FROM session_events "
        "WHERE " +
        in_scope(scope);
    if (!types.empty()) {
        sql += " AND type IN (";
        for (std::size_t i = 0; i < types.size(); ++i)
            sql += (i ? ", ?" : "?") + std::to_string(i + 2);
        sql += ")";
    }
    sql += " ORDER BY session_id, seq";
    statement q(c, sql);
    q.bind(1, scope.id);
    for (std::size_t i = 0; i < types.size(); ++i) q.bind(static_cast<int>(i + 2), types[i]);
    std::vector<timeline_event> out;
    while (q.step()) {
        timeline_event e;
        e.session_id = q.column(0).as_int64();
        e.seq = static_cast<std::uint64_t>(q.column(1).as_int64());
        e.at_ms = q.column(2).as_int64();
        e.type = q.column(3).as_text();
        if (!q.column(4).is_null()) e.body = q.column(4).as_text();
        if (!q.column(5).is_null()) e.staff_body = q.column(5).as_text();
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<timeline_event> session_events(connection& c, std::int64_t session_id,
                                           const std::vector<std::string>& types) {
    return session_events_in(c, session_scope::of_session(session_id), types);
}

void save_live_state(connection& c, std::int64_t session_id, const live_state& s,
                     protocol::unix_seconds now) {
    statement q(
        c,
        "INSERT INTO live_state(session_id, slide, last_seq, updated_at, audio, "
        "audio_seq_reserved) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET "
        "slide = excluded.slide, last_seq = MAX(live_state.last_seq, excluded.last_seq), "
        "updated_at = excluded.updated_at, audio = COALESCE(excluded.audio, live_state.audio), "
        "audio_seq_reserved = MAX(live_state.audio_seq_reserved, excluded.audio_seq_reserved)");
    q.bind(1, session_id);
    q.bind(2, s.slide);
    q.bind(3, static_cast<std::int64_t>(s.last_seq));
    q.bind(4, static_cast<std::int64_t>(now));
    if (s.audio)
        q.bind(5, *s.audio);
    else
        q.bind(5);
    q.bind(6, static_cast<std::int64_t>(s.audio_seq_reserved));
    q.exec();
}

std::optional<live_state> find_live_state(connection& c, std::int64_t session_id) {
    statement q(c,
                "SELECT slide, last_seq, audio, audio_seq_reserved FROM live_state "
                "WHERE session_id = ?");
    q.bind(1, session_id);
    if (!q.step()) return std::nullopt;
    live_state out{q.column(0).as_int(), static_cast<std::uint64_t>(q.column(1).as_int64()),
                   std::nullopt, static_cast<std::uint32_t>(q.column(3).as_int64())};
    if (!q.column(2).is_null()) out.audio = q.column(2).as_text();
    return out;
}

void append_audio(connection& c, const std::vector<audio_packet_row>& packets) {
    statement q(c,
                "INSERT INTO audio_packets(session_id, seq, at_ms, duration_ms, "
                "flags, packet) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    for (const auto& p : packets) {
        q.bind(1, p.session_id);
        q.bind(2, static_cast<std::int64_t>(p.seq));
        q.bind(3, static_cast<std::int64_t>(p.at_ms));
        q.bind(4, static_cast<int>(p.duration_ms));
        q.bind(5, static_cast<int>(p.flags));
        q.bind_blob(6, p.packet.data(), p.packet.size());
        q.exec();
        q.reset();
    }
}

namespace {

audio_packet_row audio_row_of(std::int64_t session_id, statement& q) {
    audio_packet_row r;
    r.session_id = session_id;
    r.seq = static_cast<std::uint32_t>(q.column(0).as_int64());
    r.at_ms = static_cast<std::uint32_t>(q.column(1).as_int64());
    r.duration_ms = static_cast<std::uint16_t>(q.column(2).as_int());
    r.flags = static_cast<std::uint8_t>(q.column(3).as_int());
    const auto bytes = q.column(4).as_blob();
    r.packet.assign(bytes.begin(), bytes.end());
    return r;
}

}  // namespace

std::vector<audio_packet_row> session_audio(connection& c, std::int64_t session_id,
                                            std::uint32_t from_seq, std::size_t limit) {
    statement q(c,
                "SELECT seq, at_ms, duration_ms, flags, packet FROM audio_packets WHERE "
                "session_id = ? AND seq >= ? ORDER BY seq LIMIT ?");
    q.bind(1, session_id);
    q.bind(2, static_cast<std::int64_t>(from_seq));
    q.bind(3, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    std::vector<audio_packet_row> out;
    while (q.step()) out.push_back(audio_row_of(session_id, q));
    return out;
}

bool delete_recording(connection& c, std::int64_t session_id, std::optional<std::int64_t> by,
                      protocol::unix_seconds now) {
    statement mark(c,
                   "INSERT INTO recording_deletions(session_id, deleted_at, "
                   "deleted_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    mark.bind(1, session_id);
    mark.bind(2, static_cast<std::int64_t>(now));
    if (by)
        mark.bind(3, *by);
    else
        mark.bind(3);
    if (mark.exec() == 0) return false;
    for (const char* sql : {"DELETE FROM session_events WHERE session_id = ?",
                            "DELETE FROM audio_packets WHERE session_id = ?",
                            "DELETE FROM session_pointer WHERE session_id = ?"}) {
        statement q(c, sql);
        q.bind(1, session_id);
        q.exec();
    }
    return true;
}

std::vector<std::int64_t> expired_recordings(connection& c, protocol::unix_seconds ended_before) {
    statement q(
        c,
        "SELECT s.id FROM training_sessions s WHERE s.ended_at IS NOT NULL AND s.ended_at < ? "
        "AND s.id NOT IN (SELECT session_id FROM recording_deletions) AND (EXISTS (SELECT 1 "
        "FROM session_events e WHERE e.session_id = s.id) OR EXISTS (SELECT 1 FROM "
        "audio_packets a WHERE a.session_id = s.id)) ORDER BY s.id");
    q.bind(1, static_cast<std::int64_t>(ended_before));
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.column(0).as_int64());
    return out;
}

bool recording_deleted(connection& c, std::int64_t session_id) {
    statement q(c, "SELECT 1 FROM recording_deletions WHERE session_id = ?");
    q.bind(1, session_id);
    return q.step();
}

std::optional<audio_tail> find_audio_tail(connection& c, std::int64_t session_id) {
    statement q(c,
                "SELECT seq, at_ms, duration_ms, flags, packet FROM audio_packets WHERE "
                "session_id = ? ORDER BY seq DESC LIMIT 1");
    q.bind(1, session_id);
    if (!q.step()) return std::nullopt;
    auto last = audio_row_of(session_id, q);
    return audio_tail{last.seq + 1, static_cast<std::int64_t>(last.at_ms) + last.duration_ms};
}

}  // namespace daring::storage
