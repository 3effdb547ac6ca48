#include "server/live/live_recovery.hpp"

#include <set>

#include "server/rules/quiz_scoring.hpp"
#include "storage/live_repo.hpp"
#include "storage/quiz_repo.hpp"
#include "storage/taking_part_repo.hpp"

namespace daring::server {

using protocol::json;

bool materialize_run(storage::connection& c, std::int64_t run_id, protocol::unix_seconds at) {
    auto run = storage::open_runs(c);
    auto it = std::find_if(run.begin(), run.end(),
                           [&](const storage::open_run& r) { return r.run_id == run_id; });
    if (it == run.end() || !storage::close_run(c, run_id, at)) return false;
    const auto quiz = storage::find_quiz(c, it->quiz_id);
    if (!quiz) return true;
    for (const auto& [user, answers] : storage::run_answers(c, run_id)) {
        auto scored = score_quiz(*quiz, answers);
        storage::submission_row row;
        row.quiz_id = quiz->id;
        row.user_id = user;
        row.source = "live";
        row.run_id = run_id;
        row.score = scored.score;
        row.max_score = scored.max_score;
        row.answers = std::move(scored.answers);
        row.submitted_at = at;
        storage::insert_submission(c, row);
    }
    return true;
}

int close_stale_runs(storage::connection& c, protocol::unix_seconds now) {
    int closed = 0;
    for (const auto& r : storage::open_runs(c)) {
        if (r.session_live && r.closes_at > now) continue;  // its room resumes it
        // A run whose session ended closed at the latest at the end; one past its deadline at it.
        closed += materialize_run(c, r.run_id, std::min(now, r.closes_at));
    }
    return closed;
}

live_recovery load_recovery(storage::connection& c, std::int64_t session_id,
                            std::size_t chat_history) {
    live_recovery out;
    if (auto st = storage::find_live_state(c, session_id)) {
        out.slide = st->slide;
        out.last_seq = st->last_seq;
        if (st->audio) out.audio = json::parse(*st->audio, nullptr, false);
        out.audio_next_seq = st->audio_seq_reserved;
    }
    if (auto tail = storage::find_audio_tail(c, session_id)) {
        out.audio_next_seq = std::max(out.audio_next_seq, tail->next_seq);
        out.audio_last_end_ms = tail->end_ms;
    }
    std::set<std::uint64_t> deleted;
    const auto events = storage::session_events(c, session_id, {"chat", "chat_deleted"});
    for (const auto& e : events) {
        out.last_seq = std::max(out.last_seq, e.seq);
        if (e.type == "chat_deleted" && e.body) {
            auto body = json::parse(*e.body, nullptr, false);
            if (body.is_object()) deleted.insert(body.value("chat_seq", std::uint64_t{0}));
        }
    }
    for (const auto& e : events) {
        if (e.type != "chat" || !e.body || deleted.contains(e.seq)) continue;
        auto body = json::parse(*e.body, nullptr, false);
        if (body.is_object()) out.chat.emplace_back(e.seq, std::move(body));
    }
    if (out.chat.size() > chat_history)
        out.chat.erase(out.chat.begin(), out.chat.end() - static_cast<long>(chat_history));
    // The pen's strokes per slide, replayed in order (a clear empties its slide).
    for (const auto& e : storage::session_events(c, session_id, {"ink", "ink_clear"})) {
        auto body = e.body ? json::parse(*e.body, nullptr, false) : json();
        if (!body.is_object()) continue;
        const int slide = body.value("slide", -1);
        if (e.type == "ink_clear")
            out.ink.erase(slide);
        else if (body.contains("stroke"))
            out.ink[slide].push_back(body["stroke"]);
    }
    for (const auto& r : storage::open_runs(c, session_id)) {
        auto quiz = storage::find_quiz(c, r.quiz_id);
        if (!quiz) continue;
        out.quiz = live_recovery::open_quiz{std::move(*quiz), r.run_id, r.closes_at,
                                            storage::run_answers(c, r.run_id)};
    }
    out.taking_part = load_taking_part(c, session_id);
    // A question or poll stored before its event reached the timeline: ids stay unique.
    out.last_seq = std::max<std::uint64_t>(
        out.last_seq, static_cast<std::uint64_t>(storage::highest_taking_part_id(c, session_id)));
    return out;
}

taking_part_recovery load_taking_part(storage::connection& c, std::int64_t session_id) {
    taking_part_recovery out;
    for (auto& row : storage::questions_of(c, session_id)) {
        room_question q;
        q.id = row.id;
        q.user_id = row.user_id;
        q.name = std::move(row.author_name);
        q.text = std::move(row.text);
        q.anonymous = row.anonymous;
        q.asked_at = row.asked_at;
        q.voters = std::move(row.voters);
        q.answered = row.answered_at.has_value();
        q.answer = std::move(row.answer);
        q.hidden = row.hidden_at.has_value();
        q.client_id = std::move(row.client_id);
        out.questions.push_back(std::move(q));
    }
    for (auto& row : storage::polls_of(c, session_id)) {
        if (row.closed_at) {
            out.closed_polls.insert(row.id);
            continue;
        }
        room_poll p;
        p.id = row.id;
        p.question = std::move(row.question);
        p.options = std::move(row.options);
        p.multiple = row.multiple;
        p.anonymous = row.anonymous;
        p.opened_by = row.opened_by;
        p.opened_at = row.opened_at;
        p.answers = std::move(row.answers);
        out.poll = std::move(p);  // at most one is open; the latest wins
    }
    return out;
}

}  // namespace daring::server
