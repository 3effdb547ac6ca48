#include "server/reports/participation_report.hpp"

#include <algorithm>

#include "protocol/time_format.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/live_repo.hpp"
#include "storage/taking_part_repo.hpp"

namespace daring::server {

using protocol::json;

namespace {

// The event's body as staff saw it (their view has everything), or null.
json staff_view(const storage::timeline_event& e) {
    const auto& text = e.staff_body ? e.staff_body : e.body;
    if (!text) return nullptr;
    auto j = json::parse(*text, nullptr, false);
    return j.is_object() ? j : json(nullptr);
}

std::optional<std::int64_t> int_at(const json& j, const json::json_pointer& at) {
    if (!j.contains(at) || !j[at].is_number_integer()) return std::nullopt;
    return j[at].get<std::int64_t>();
}

// When the event happened by the room's clock (its "at"), else by the timeline's.
protocol::unix_seconds event_time(const storage::timeline_event& e, const json& body) {
    if (auto at = body.find("at"); at != body.end() && at->is_string())
        if (auto t = protocol::parse_rfc3339(at->get<std::string>())) return *t;
    return e.at_ms / 1000;
}

}  // namespace

const std::vector<std::string>& participation_event_types() {
    static const std::vector<std::string> types{"chat", "hand", "audio_state", "session_ended"};
    return types;
}

std::map<std::int64_t, participation> participation_from(
    const std::vector<storage::timeline_event>& events,
    const std::map<std::int64_t, storage::taking_part_counts>& counts, protocol::unix_seconds now,
    std::optional<std::int64_t> only_user) {
    std::map<std::int64_t, participation> out;
    std::vector<floor_change> floor;
    // The floor's last turn ends with the session: its session_ended event (the same clock as
    // the floor's changes), or now while it is live.
    std::int64_t until_ms = now * 1000;
    static const json::json_pointer from_user("/from/user_id"), user("/user_id"),
        speaker("/speaker/user_id");
    for (const auto& e : events) {
        if (e.type == "session_ended") {
            until_ms = e.at_ms;
            continue;
        }
        const auto body = staff_view(e);
        if (body.is_null()) continue;
        if (e.type == "chat") {
            if (auto u = int_at(body, from_user)) ++out[*u].chat;
        } else if (e.type == "hand") {
            if (auto u = int_at(body, user); u && body.value("up", false)) ++out[*u].hands;
        } else if (e.type == "audio_state") {
            floor.push_back(
                {e.at_ms, body.value("on", false) ? int_at(body, speaker) : std::nullopt});
        }
    }
    for (auto [u, seconds] : floor_seconds(floor, until_ms)) out[u].floor_seconds = seconds;
    for (const auto& [u, n] : counts) {
        auto& p = out[u];
        p.questions = n.questions;
        p.votes = n.votes;
        p.poll_answers = n.poll_answers;
        p.reactions = n.reactions;
    }
    if (only_user) std::erase_if(out, [&](const auto& kv) { return kv.first != *only_user; });
    return out;
}

json to_json(const participation& p) {
    return {{"chat", p.chat},           {"questions", p.questions},
            {"votes", p.votes},         {"poll_answers", p.poll_answers},
            {"hands", p.hands},         {"floor_seconds", p.floor_seconds},
            {"reactions", p.reactions}, {"level", to_string(level_of(p))}};
}

json session_activity(storage::connection& c, const protocol::session& s,
                      protocol::unix_seconds now) {
    struct counts {
        std::int64_t chat = 0, questions = 0, votes = 0, poll_answers = 0, hands = 0, reactions = 0;
    };
    std::map<std::int64_t, counts> by_minute;
    for (const auto& e : storage::session_events(c, s.id, {"chat", "hand"})) {
        const auto body = staff_view(e);
        if (body.is_null()) continue;
        auto& m = by_minute[event_time(e, body) / 60];
        if (e.type == "chat") {
            ++m.chat;
        } else if (body.value("up", false)) {
            ++m.hands;
        }
    }
    for (const auto& [minute, a] : storage::taking_part_activity(c, s.id)) {
        auto& m = by_minute[minute];
        m.questions += a.questions;
        m.votes += a.votes;
        m.poll_answers += a.poll_answers;
        m.reactions += a.reactions;
    }
    // Only the session's own minutes (a clock set wrong never stretches the chart over years).
    const auto from = s.started_at.value_or(s.starts_at) / 60;
    const auto to = s.ended_at.value_or(std::max(now, s.ends_at)) / 60;
    std::erase_if(by_minute, [&](const auto& kv) { return kv.first < from || kv.first > to; });
    json out = {{"minutes", 0}};
    const char* names[] = {"chat", "questions", "votes", "poll_answers", "hands", "reactions"};
    for (const char* n : names) out[n] = json::array();
    if (by_minute.empty()) {
        out["from"] = nullptr;
        return out;
    }
    const auto first = by_minute.begin()->first;
    const auto last = by_minute.rbegin()->first;
    out["from"] = protocol::format_rfc3339(first * 60);
    out["minutes"] = last - first + 1;
    for (auto m = first; m <= last; ++m) {
        auto it = by_minute.find(m);
        const counts v = it == by_minute.end() ? counts{} : it->second;
        out["chat"].push_back(v.chat);
        out["questions"].push_back(v.questions);
        out["votes"].push_back(v.votes);
        out["poll_answers"].push_back(v.poll_answers);
        out["hands"].push_back(v.hands);
        out["reactions"].push_back(v.reactions);
    }
    return out;
}

namespace {

json time_or_null(const std::optional<protocol::unix_seconds>& t) {
    return t ? json(protocol::format_rfc3339(*t)) : json(nullptr);
}

report_cell time_cell(const json& rfc3339) {
    if (!rfc3339.is_string()) return {};
    auto t = protocol::parse_rfc3339(rfc3339.get<std::string>());
    return t ? report_cell(*t) : report_cell();
}

}  // namespace

json questions_export(storage::connection& c, const protocol::session& s) {
    auto list = json::array();
    for (const auto& q : storage::questions_of(c, s.id)) {
        list.push_back(
            {{"id", q.id},
             {"text", q.text},
             {"author", {{"user_id", q.user_id}, {"name", q.author_name}}},
             {"anonymous", q.anonymous},
             {"asked_at", protocol::format_rfc3339(q.asked_at)},
             {"votes", q.voters.size()},
             {"answered", q.answered_at.has_value()},
             {"answered_at", time_or_null(q.answered_at)},
             {"answer", q.answer ? json(*q.answer) : json(nullptr)},
             {"hidden", q.hidden_at.has_value()},
             {"hidden_at", time_or_null(q.hidden_at)},
             {"hidden_by", q.hidden_by_name.empty() ? json(nullptr) : json(q.hidden_by_name)}});
    }
    return {{"session_id", s.id}, {"title", s.title}, {"questions", std::move(list)}};
}

report_file questions_table(const json& exported, std::int64_t session_id, int offset) {
    report_sheet sheet;
    sheet.name = "Pertanyaan";
    sheet.columns = {{"ID", "ID", column_type::integer},
                     {"Pertanyaan", "Question", column_type::text},
                     {"Penanya", "Asked by", column_type::text},
                     {"Anonim bagi peserta", "Anonymous to trainees", column_type::boolean},
                     {"Ditanyakan", "Asked at", column_type::datetime},
                     {"Dukungan", "Votes", column_type::integer},
                     {"Dijawab", "Answered", column_type::boolean},
                     {"Jawaban tertulis", "Written answer", column_type::text},
                     {"Disembunyikan", "Hidden", column_type::boolean},
                     {"Disembunyikan oleh", "Hidden by", column_type::text}};
    for (const auto& q : exported["questions"]) {
        sheet.rows.push_back(
            {q["id"].get<std::int64_t>(), q["text"].get<std::string>(),
             q["author"]["name"].get<std::string>(), q["anonymous"].get<bool>(),
             time_cell(q["asked_at"]), q["votes"].get<std::int64_t>(), q["answered"].get<bool>(),
             q["answer"].is_string() ? q["answer"].get<std::string>() : "", q["hidden"].get<bool>(),
             q["hidden_by"].is_string() ? q["hidden_by"].get<std::string>() : ""});
    }
    report_file f;
    f.stem = "pertanyaan-sesi-" + std::to_string(session_id);
    f.utc_offset_minutes = offset;
    f.sheets.push_back(std::move(sheet));
    return f;
}

json polls_export(storage::connection& c, const protocol::session& s) {
    std::map<std::int64_t, std::string> names;
    for (const auto& t : storage::enrolled_trainees(c, s.training_id))
        names[t.user_id] = t.full_name;
    auto list = json::array();
    for (const auto& p : storage::polls_of(c, s.id)) {
        std::vector<std::int64_t> counts(p.options.size(), 0);
        auto answers = json::array();
        for (const auto& [user, choices] : p.answers) {
            for (int ch : choices)
                if (ch >= 0 && static_cast<std::size_t>(ch) < counts.size()) ++counts[ch];
            auto name = names.find(user);
            answers.push_back({{"user_id", user},
                               {"name", name == names.end() ? json(nullptr) : json(name->second)},
                               {"choices", choices}});
        }
        list.push_back({{"id", p.id},
                        {"question", p.question},
                        {"options", p.options},
                        {"multiple", p.multiple},
                        {"anonymous", p.anonymous},
                        {"opened_at", protocol::format_rfc3339(p.opened_at)},
                        {"closed_at", time_or_null(p.closed_at)},
                        {"published", p.published},
                        {"answered", p.answers.size()},
                        {"counts", counts},
                        {"answers", p.anonymous ? json(nullptr) : std::move(answers)}});
    }
    return {{"session_id", s.id}, {"title", s.title}, {"polls", std::move(list)}};
}

report_file polls_table(const json& exported, std::int64_t session_id, int offset) {
    report_sheet sheet;
    sheet.name = "Jajak pendapat";
    sheet.columns = {{"ID", "ID", column_type::integer},
                     {"Pertanyaan", "Question", column_type::text},
                     {"Dibuka", "Opened at", column_type::datetime},
                     {"Anonim", "Anonymous", column_type::boolean},
                     {"Pilihan", "Option", column_type::text},
                     {"Jumlah", "Count", column_type::integer},
                     {"Menjawab", "Answered", column_type::integer},
                     {"Peserta yang memilih", "Chosen by", column_type::text}};
    for (const auto& p : exported["polls"]) {
        const auto& options = p["options"];
        for (std::size_t i = 0; i < options.size(); ++i) {
            std::string who;
            if (p["answers"].is_array()) {
                for (const auto& a : p["answers"]) {
                    const auto& ch = a["choices"];
                    if (std::find(ch.begin(), ch.end(), json(i)) == ch.end()) continue;
                    if (!who.empty()) who += "; ";
                    who += a["name"].is_string() ? a["name"].get<std::string>()
                                                 : std::to_string(a["user_id"].get<std::int64_t>());
                }
            }
            sheet.rows.push_back({p["id"].get<std::int64_t>(), p["question"].get<std::string>(),
                                  time_cell(p["opened_at"]), p["anonymous"].get<bool>(),
                                  options[i].get<std::string>(), p["counts"][i].get<std::int64_t>(),
                                  p["answered"].get<std::int64_t>(), who});
        }
    }
    report_file f;
    f.stem = "jajak-pendapat-sesi-" + std::to_string(session_id);
    f.utc_offset_minutes = offset;
    f.sheets.push_back(std::move(sheet));
    return f;
}

}  // namespace daring::server
