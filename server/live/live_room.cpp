#include "server/live/live_room.hpp"

#include <algorithm>

#include "server/rules/quiz_scoring.hpp"

namespace daring::server {

using protocol::json;
namespace live = protocol::live;

live_room::live_room(room_info info, std::uint64_t first_seq, room_limits limits)
    : info_(std::move(info)), limits_(limits), seq_(first_seq) {}

json live_room::slide_json() const {
    json j = {{"index", slide_}, {"count", info_.slides.size()}};
    if (slide_ >= 0 && static_cast<std::size_t>(slide_) < info_.slides.size()) {
        j.update(protocol::slide_json(info_.slides[slide_]));
        j["ink"] = ink_json(slide_);
    } else {
        j["title"] = info_.title;
        j["body"] = "";
    }
    return j;
}

json live_room::participants_json() const {
    auto list = json::array();
    for (const auto& [user, count] : online_) {
        auto name = names_.find(user);
        list.push_back({{"user_id", user},
                        {"name", name == names_.end() ? "" : name->second},
                        {"connections", count},
                        {"hand_up", hands_.contains(user)},
                        {"staff", staff_users_.contains(user)}});
    }
    return list;
}

json live_room::welcome(const connection& c, bool resumed) const {
    auto chat = json::array();
    for (const auto& [seq, ev] : chat_) chat.push_back(ev);
    json w = {{"type", "welcome"},
              {"session_id", info_.session_id},
              {"title", info_.title},
              {"role", protocol::to_string(c.member.user_role)},
              {"status", ended_ ? "ended" : "live"},
              {"mode", protocol::to_string(info_.mode)},
              {"slide", slide_json()},
              {"ink", ink_json(slide_)},
              {"quiz", quiz_snapshot(c)},
              {"questions", questions_json(c)},
              {"poll", poll_json(c)},
              {"online", online_.size()},
              {"chat", std::move(chat)},
              {"you",
               {{"user_id", c.member.user_id},
                {"muted", muted_.contains(c.member.user_id)},
                {"hand_up", hands_.contains(c.member.user_id)}}},
              {"seq", seq_},
              {"resumed", resumed}};
    if (audio_.on())
        w["audio"] = audio_.state_json();
    else
        w["audio"] = nullptr;
    if (c.member.staff()) {
        w["participants"] = participants_json();
        auto hands = json::array();
        for (auto u : hands_) hands.push_back(u);
        w["hands"] = std::move(hands);
    }
    return w;
}

void live_room::send(live_participant* p, std::string text) {
    p->deliver(std::make_shared<const std::string>(std::move(text)));
}

void live_room::restore(const live_recovery& r) {
    if (r.slide >= 0 && static_cast<std::size_t>(r.slide) < info_.slides.size()) slide_ = r.slide;
    if (journal_) journal_->slide_shown(info_.session_id, slide_);
    for (const auto& [seq, ev] : r.chat) chat_.emplace_back(seq, ev);
    while (chat_.size() > limits_.chat_history) chat_.pop_front();
    audio_.restore(r.audio, r.audio_next_seq, r.audio_last_end_ms);
    ink_ = r.ink;
    restore_taking_part(r.taking_part);
    if (journal_) {
        if (auto reserved = audio_.reservation_due())
            journal_->audio_changed(info_.session_id, audio_.durable_json(), *reserved);
    }
    if (!r.quiz) return;
    live_quiz lq;
    lq.def = r.quiz->def;
    lq.run_id = r.quiz->run_id;
    lq.closes_at = r.quiz->closes_at;
    lq.answers = r.quiz->answers;
    lq.tally_dirty = true;
    quiz_ = std::move(lq);
}

std::uint64_t live_room::broadcast(json body, std::optional<json> staff_body, bool staff_only) {
    const auto seq = ++seq_;
    body["seq"] = seq;
    shared_message all =
        staff_only ? nullptr : std::make_shared<const std::string>(protocol::dump(body));
    shared_message staff;
    if (staff_body) {
        (*staff_body)["seq"] = seq;
        staff = std::make_shared<const std::string>(protocol::dump(*staff_body));
    } else if (staff_only) {
        staff = std::make_shared<const std::string>(protocol::dump(body));
    }
    if (journal_)
        journal_->event(info_.session_id, seq, body.value("type", ""), all, staff,
                        audio_heard_ms());
    ring_.push_back({seq, all, staff});
    while (ring_.size() > limits_.ring_capacity) ring_.pop_front();
    if (deferred_) {
        outbox_.push_back({seq, all, staff});
    } else {
        const event ev{seq, all, staff};
        fan_out({&ev});
    }
    return seq;
}

void live_room::flush() {
    if (outbox_.empty()) return;
    std::vector<const event*> events;
    events.reserve(outbox_.size());
    for (const auto& ev : outbox_) events.push_back(&ev);
    fan_out(events);
    outbox_.clear();
}

void live_room::fan_out(const std::vector<const event*>& events) {
    // Collect first: a participant may leave (evicted) while we deliver.
    std::vector<std::pair<std::shared_ptr<live_participant>, bool>> targets;
    targets.reserve(members_.size());
    for (auto& [raw, c] : members_) {
        if (auto p = c.participant.lock()) targets.emplace_back(std::move(p), c.member.staff());
    }
    for (auto& [p, is_staff] : targets) {
        // All pending events back to back: the connection writes them as one frame.
        for (const auto* ev : events) {
            const auto& msg = is_staff && ev->for_staff ? ev->for_staff : ev->for_all;
            if (msg) p->deliver(msg);
        }
    }
}

void live_room::join(const std::shared_ptr<live_participant>& p, const live_member& m,
                     std::optional<std::uint64_t> resume, protocol::unix_seconds now,
                     const prior_attendance& prior, bool audio_on) {
    flush();  // pending events belong to those already here; the newcomer's welcome includes them
    auto& c = members_[p.get()];
    c.participant = p;
    c.member = m;
    c.audio_on = audio_on;
    c.elsewhere = p->presence_elsewhere();
    names_[m.user_id] = m.full_name;
    if (m.staff()) staff_users_.insert(m.user_id);
    if (online_[m.user_id]++ == 0) presence_dirty_ = true;
    if (!m.staff() && !ended_) {
        auto [a, first_time] = attendees_.try_emplace(m.user_id);
        if (first_time) a->second.evidence = prior;
        a->second.open.push_back(p.get());
        open_interval(c, true, now);
        c.next_attendance = now;  // the first figure right after the welcome
    } else if (m.staff()) {
        last_roster_.reset();  // the newcomer gets the roster at once
    }

    // The ring covers `resume` when every event after it is still held.
    bool resumed = false;
    if (resume && *resume <= seq_) {
        const std::uint64_t oldest = ring_.empty() ? seq_ + 1 : ring_.front().seq;
        resumed = *resume + 1 >= oldest;
    }
    send(p.get(), protocol::dump(welcome(c, resumed)));
    if (resumed) {
        for (const auto& ev : ring_) {
            if (ev.seq <= *resume) continue;
            const auto& msg = m.staff() && ev.for_staff ? ev.for_staff : ev.for_all;
            if (msg) p->deliver(msg);
        }
    }
    tick(now);
}

void live_room::leave(live_participant* p, protocol::unix_seconds now) {
    auto it = members_.find(p);
    if (it == members_.end()) return;
    const auto user = it->second.member.user_id;
    close_interval(it->second, now);
    if (auto a = attendees_.find(user); a != attendees_.end()) std::erase(a->second.open, p);
    members_.erase(it);
    if (--online_[user] <= 0) {
        online_.erase(user);
        hands_.erase(user);
        presence_dirty_ = true;
        // A trainee's floor ends with them; once the session ended it ended with the session
        // (session_ended is the last event of the timeline, as the replay expects).
        if (!ended_ && audio_.user_left(user)) audio_changed();
    }
}

void live_room::tick(protocol::unix_seconds now) {
    if (ended_) return;
    save_reactions(now);
    if (quiz_ && now >= quiz_->closes_at) close_quiz(now);
    if (presence_dirty_ && now - last_presence_ >= limits_.presence_interval) {
        presence_dirty_ = false;
        last_presence_ = now;
        json trainee_view = {{"type", "presence"}, {"online", online_.size()}};
        json staff_view = trainee_view;
        staff_view["participants"] = participants_json();
        broadcast(std::move(trainee_view), std::move(staff_view));
    }
    bool any_staff = false;
    // One figure per trainee per tick, however many of their connections are due (tabs, or a
    // load test's thousands of sockets on one account: each figure reads all their intervals).
    std::unordered_map<std::int64_t, shared_message> figures;
    for (auto& [raw, c] : members_) {
        any_staff |= c.member.staff();
        if (c.tracked && c.next_attendance <= now) {
            c.next_attendance = now + limits_.attendance_interval;
            auto& figure = figures[c.member.user_id];
            if (!figure) figure = attendance_message(c.member.user_id, now);
            raw->deliver(figure);
        }
    }
    if (any_staff && (!last_roster_ || now - *last_roster_ >= limits_.roster_interval)) {
        last_roster_ = now;
        send_roster(now);
    }
}

// Presence: one interval per connection and page visibility. Staff are not tracked.

void live_room::open_interval(connection& c, bool visible, protocol::unix_seconds now) {
    c.tracked = true;
    c.visible = visible;
    c.interval_start = now;
    c.last_seen = now;
    c.interval =
        sink_ && !c.elsewhere ? sink_->open(info_.session_id, c.member.user_id, visible, now) : 0;
}

void live_room::close_interval(connection& c, protocol::unix_seconds now) {
    if (!c.tracked) return;
    c.tracked = false;
    // A connection that went silent ends where it was last heard from (a socket of another
    // node: its node, which hears its heartbeats, says when it ended).
    const auto end =
        !c.elsewhere && now - c.last_seen > limits_.presence_stale_after ? c.last_seen : now;
    auto& a = attendees_[c.member.user_id].evidence;
    (c.visible ? a.visible : a.hidden).push_back({c.interval_start, end});
    if (sink_ && c.interval) sink_->close(c.interval, end);
    c.interval = 0;
}

void live_room::heard_from(live_participant*, connection& c, protocol::unix_seconds now,
                           std::optional<bool> visible) {
    if (!c.tracked) return;
    c.last_seen = now;
    if (visible && *visible != c.visible) {
        close_interval(c, now);
        open_interval(c, *visible, now);
    } else if (sink_ && c.interval) {
        sink_->seen(c.interval, now);
    }
}

void live_room::close_presence(protocol::unix_seconds now) {
    for (auto& [raw, c] : members_) close_interval(c, now);
}

live_room::attendance_view live_room::attendance_of(std::int64_t user_id,
                                                    protocol::unix_seconds now) const {
    attendance_view out;
    const time_span window{info_.window.from, std::max(info_.window.to, now)};
    auto a = attendees_.find(user_id);
    if (a == attendees_.end()) return out;
    auto visible = a->second.evidence.visible;
    auto hidden = a->second.evidence.hidden;
    for (auto* p : a->second.open) {
        auto c = members_.find(p);
        if (c == members_.end() || !c->second.tracked) continue;
        (c->second.visible ? visible : hidden).push_back({c->second.interval_start, now});
    }
    attendance_evidence e;
    e.presence = summarize_presence(visible, hidden, window);
    e.checked_in_at = a->second.evidence.checked_in_at;
    e.mark = a->second.evidence.mark;
    out.presence = e.presence;
    out.status = decide_attendance(e, window, info_.thresholds);
    return out;
}

void live_room::update_evidence(std::int64_t user_id,
                                std::optional<protocol::unix_seconds> checked_in_at,
                                std::optional<manual_mark> mark, protocol::unix_seconds now) {
    // Not seen by this room yet: the evidence is loaded from the database when they join.
    auto found = attendees_.find(user_id);
    if (found == attendees_.end()) return;
    auto& a = found->second;
    if (checked_in_at &&
        (!a.evidence.checked_in_at || *checked_in_at < *a.evidence.checked_in_at)) {
        a.evidence.checked_in_at = checked_in_at;
    }
    if (mark) a.evidence.mark = mark;  // the latest mark wins
    const auto figure = attendance_message(user_id, now);
    for (auto* p : a.open)
        if (members_.contains(p)) p->deliver(figure);
}

shared_message live_room::attendance_message(std::int64_t user_id,
                                             protocol::unix_seconds now) const {
    const auto view = attendance_of(user_id, now);
    return std::make_shared<const std::string>(
        protocol::dump(json{{"type", "attendance"},
                            {"seconds_present", view.presence.seconds_present},
                            {"seconds_away", view.presence.seconds_away},
                            {"status", to_string(view.status)}}));
}

void live_room::send_roster(protocol::unix_seconds now) {
    auto rows = json::array();
    for (const auto& [user, a] : attendees_) {
        const auto view = attendance_of(user, now);
        auto name = names_.find(user);
        rows.push_back({{"user_id", user},
                        {"name", name == names_.end() ? "" : name->second},
                        {"online", !a.open.empty()},
                        {"seconds_present", view.presence.seconds_present},
                        {"seconds_away", view.presence.seconds_away},
                        {"status", to_string(view.status)}});
    }
    auto message = std::make_shared<const std::string>(
        protocol::dump(json{{"type", "roster"},
                            {"at", protocol::format_rfc3339(now)},
                            {"participants", std::move(rows)}}));
    std::vector<std::shared_ptr<live_participant>> staff;
    for (auto& [raw, c] : members_) {
        if (!c.member.staff()) continue;
        if (auto p = c.participant.lock()) staff.push_back(std::move(p));
    }
    for (auto& p : staff) p->deliver(message);
}

void live_room::refuse(live_participant* p, connection& c, const json& id, std::string_view code,
                       std::string_view message, protocol::unix_seconds now,
                       std::string_view field) {
    send(p, live::error_message(id, code, message, field));
    auto& bad = c.bad;
    bad.push_back(now);
    bad.erase(bad.begin(), std::find_if(bad.begin(), bad.end(), [&](protocol::unix_seconds t) {
                  return t > now - limits_.abuse_window;
              }));
    if (static_cast<int>(bad.size()) >= limits_.abuse_limit) {
        p->close(close_policy, "too many invalid messages");
    }
}

live_room::outcome live_room::receive(live_participant* p, std::string_view text,
                                      protocol::unix_seconds now, std::int64_t steady_ms) {
    auto it = members_.find(p);
    if (it == members_.end() || ended_) return outcome::none;
    auto& c = it->second;
    auto parsed = live::parse_client_message(text);
    // Any message shows the client is there; a heartbeat also tells whether the page is shown.
    std::optional<bool> visible;
    if (parsed.message) {
        if (auto* hb = std::get_if<live::heartbeat>(&*parsed.message)) visible = hb->visible;
    }
    heard_from(p, c, now, visible);
    if (parsed.problem) {
        refuse(p, c, parsed.id, parsed.problem->code, parsed.problem->message, now,
               parsed.problem->field);
        return outcome::none;
    }
    const auto& msg = *parsed.message;
    incoming in{p, c, parsed.id, now, steady_ms};
    if (live::is_staff_message(msg) && !c.member.staff()) {
        refuse(p, c, in.id, "forbidden", std::string(live::type_name(msg)) + " is for trainers",
               now);
        return outcome::none;
    }
    if (live::is_trainee_message(msg) && c.member.staff()) {
        refuse(p, c, in.id, "forbidden", std::string(live::type_name(msg)) + " is for trainees",
               now);
        return outcome::none;
    }
    return std::visit([&](const auto& m) { return on(m, in); }, msg);
}

void live_room::acknowledge(const incoming& in) {
    if (!in.id.is_null()) send(in.p, live::ack_message(in.id));
}

live_room::outcome live_room::on(const live::heartbeat&, incoming& in) {
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::chat_send& chat, incoming& in) {
    const auto& m = in.c.member;
    if (muted_.contains(m.user_id)) {
        refuse(in.p, in.c, in.id, "muted", "A trainer muted you in this session", in.now);
        return outcome::none;
    }
    auto& times = chat_times_[m.user_id];
    while (!times.empty() && times.front() <= in.now - limits_.chat_window) times.pop_front();
    if (static_cast<int>(times.size()) >= limits_.chat_burst) {
        send(in.p, live::error_message(in.id, "rate_limited",
                                       "Too many chat messages; wait a few seconds"));
        return outcome::none;
    }
    times.push_back(in.now);
    json ev = {{"type", "chat"},
               {"from",
                {{"user_id", m.user_id},
                 {"name", m.full_name},
                 {"role", protocol::to_string(m.user_role)}}},
               {"text", chat.text},
               {"at", protocol::format_rfc3339(in.now)}};
    json kept = ev;
    const auto seq = broadcast(std::move(ev));
    kept["seq"] = seq;
    chat_.emplace_back(seq, std::move(kept));
    while (chat_.size() > limits_.chat_history) chat_.pop_front();
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::hand& h, incoming& in) {
    const auto& m = in.c.member;
    const bool changed = h.up ? hands_.insert(m.user_id).second : hands_.erase(m.user_id) > 0;
    if (changed) {
        broadcast({{"type", "hand"},
                   {"user_id", m.user_id},
                   {"name", m.full_name},
                   {"up", h.up},
                   {"at", protocol::format_rfc3339(in.now)}},
                  std::nullopt, true);
    }
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::show_slide& s, incoming& in) {
    if (static_cast<std::size_t>(s.index) >= info_.slides.size()) {
        refuse(in.p, in.c, in.id, "invalid_field",
               "index must be below the slide count " + std::to_string(info_.slides.size()),
               in.now);
        return outcome::none;
    }
    slide_ = s.index;
    if (journal_) journal_->slide_shown(info_.session_id, slide_);
    json ev = slide_json();
    ev["type"] = "slide";
    broadcast(std::move(ev));
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::end_session&, incoming& in) {
    acknowledge(in);
    return outcome::end_requested;
}

live_room::outcome live_room::on(const live::delete_chat& d, incoming& in) {
    auto found =
        std::find_if(chat_.begin(), chat_.end(), [&](const auto& e) { return e.first == d.seq; });
    if (found == chat_.end()) {
        send(in.p, live::error_message(in.id, "not_found", "No recent chat message with that seq"));
        return outcome::none;
    }
    chat_.erase(found);
    broadcast({{"type", "chat_deleted"}, {"chat_seq", d.seq}, {"by", in.c.member.user_id}});
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::mute& mu, incoming& in) {
    if (mu.muted)
        muted_.insert(mu.user_id);
    else
        muted_.erase(mu.user_id);
    broadcast({{"type", "muted"}, {"user_id", mu.user_id}, {"muted", mu.muted}});
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::open_quiz& oq, incoming& in) {
    if (quiz_ || quiz_request_) {
        send(in.p, live::error_message(in.id, "quiz_already_open", "Close the open quiz first"));
        return outcome::none;
    }
    if (oq.duration_s < 10 || oq.duration_s > protocol::live_quiz_duration_limit) {
        refuse(in.p, in.c, in.id, "invalid_field", "duration_s must be 10 to 3600 seconds", in.now,
               "duration_s");
        return outcome::none;
    }
    quiz_request_ =
        quiz_request{oq.quiz_id, oq.duration_s, in.c.member.user_id, in.id, in.c.participant};
    return outcome::quiz_requested;
}

live_room::outcome live_room::on(const live::close_quiz& cq, incoming& in) {
    if (!quiz_ || quiz_->def.id != cq.quiz_id) {
        send(in.p, live::error_message(in.id, "quiz_not_open", "That quiz is not open"));
        return outcome::none;
    }
    close_quiz(in.now);
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::answer& a, incoming& in) {
    receive_answer(in.p, in.c, a, in.id, in.now);
    return outcome::none;
}

// ---- quizzes

json live_room::quiz_snapshot(const connection& c) const {
    if (!quiz_) return nullptr;
    const auto& q = quiz_->def;
    json j = {
        {"quiz_id", q.id},
        {"title", q.title},
        {"kind", protocol::to_string(q.kind)},
        {"questions", protocol::questions_json(
                          q, c.member.staff() ? std::nullopt : std::optional(c.member.user_id))},
        {"closes_at", protocol::format_rfc3339(quiz_->closes_at)}};
    if (!c.member.staff()) {
        json mine = json::object();
        if (auto it = quiz_->answers.find(c.member.user_id); it != quiz_->answers.end()) {
            for (const auto& [question, answer] : it->second)
                mine[std::to_string(question)] = answer;
        }
        j["your_answers"] = std::move(mine);
    }
    return j;
}

void live_room::open_quiz(const quiz_request& r, protocol::quiz q, std::int64_t run_id,
                          protocol::unix_seconds closes_at) {
    if (ended_ || quiz_) {
        refuse_quiz(r, "quiz_already_open", "Close the open quiz first");
        return;
    }
    live_quiz lq;
    lq.def = std::move(q);
    lq.run_id = run_id;
    lq.closes_at = closes_at;
    quiz_ = std::move(lq);
    const auto& def = quiz_->def;
    json common = {{"type", "quiz_opened"},
                   {"quiz_id", def.id},
                   {"title", def.title},
                   {"kind", protocol::to_string(def.kind)},
                   {"closes_at", protocol::format_rfc3339(quiz_->closes_at)},
                   {"duration_s", r.duration_s}};
    // With shuffle, the event carries the bank order (one buffer for everyone); each trainee's
    // own order is in welcome.quiz and GET /api/v1/quizzes/{id}.
    common["shuffle"] = def.shuffle;
    json for_all = common;
    for_all["questions"] = protocol::questions_json(def, std::optional<std::int64_t>(0));
    json for_staff = common;
    for_staff["questions"] = protocol::questions_json(def, std::nullopt);
    broadcast(std::move(for_all), std::move(for_staff));
    if (auto p = r.from.lock(); p && !r.id.is_null()) send(p.get(), live::ack_message(r.id));
}

void live_room::refuse_quiz(const quiz_request& r, std::string_view code,
                            std::string_view message) {
    if (auto p = r.from.lock()) send(p.get(), live::error_message(r.id, code, message));
}

void live_room::receive_answer(live_participant* p, connection& c, const live::answer& a,
                               const json& id, protocol::unix_seconds now) {
    if (!quiz_ || quiz_->def.id != a.quiz_id) {
        const bool closed = closed_quizzes_.contains(a.quiz_id) || !quiz_;
        send(p, live::error_message(
                    id, closed ? "quiz_closed" : "wrong_quiz",
                    closed ? "That quiz is closed" : "That quiz is not the open one", "quiz_id"));
        return;
    }
    const auto& def = quiz_->def;
    auto question =
        std::find_if(def.questions.begin(), def.questions.end(),
                     [&](const protocol::question& q) { return q.id == a.question_id; });
    if (question == def.questions.end()) {
        refuse(p, c, id, "unknown_question", "That question is not in the open quiz", now,
               "question_id");
        return;
    }
    if (auto problem = protocol::check_answer(*question, a.value)) {
        refuse(p, c, id, problem->code, problem->message, now, problem->field);
        return;
    }
    const auto user = c.member.user_id;
    const std::string client_id = id.is_null() ? std::string() : id.dump();
    // A resent message id (after a reconnect) is acknowledged again but not applied twice.
    const bool fresh = client_id.empty() || quiz_->applied.emplace(user, client_id).second;
    if (fresh) {
        quiz_->answers[user][a.question_id] = a.value;
        quiz_->tally_dirty = true;
    }
    if (!quiz_sink_) {
        if (!id.is_null()) send(p, live::ack_message(id));
        return;
    }
    std::weak_ptr<live_participant> who = c.participant;
    quiz_sink_->record(
        quiz_->run_id, user, a.question_id, a.value, client_id, now, [who, id](bool stored) {
            auto target = who.lock();
            if (!target || id.is_null()) return;
            target->deliver(std::make_shared<const std::string>(
                stored ? live::ack_message(id)
                       : live::error_message(id, "not_stored",
                                             "The answer was not saved; send it again")));
        });
}

std::vector<question_tally> live_room::tally() const {
    std::vector<question_tally> out;
    for (const auto& q : quiz_->def.questions) {
        auto t = empty_tally(q);
        for (const auto& [user, answers] : quiz_->answers)
            if (auto it = answers.find(q.id); it != answers.end()) count_answer(q, it->second, t);
        out.push_back(std::move(t));
    }
    return out;
}

json live_room::tally_json() const {
    const auto& questions = quiz_->def.questions;
    auto per_question = tally();
    json counts = json::object();
    for (std::size_t i = 0; i < questions.size(); ++i)
        counts[std::to_string(questions[i].id)] = std::move(per_question[i].counts);
    return counts;
}

void live_room::flush_tally() {
    if (!quiz_ || !quiz_->tally_dirty) return;
    quiz_->tally_dirty = false;
    auto message =
        std::make_shared<const std::string>(protocol::dump(json{{"type", "quiz_tally"},
                                                                {"quiz_id", quiz_->def.id},
                                                                {"answered", quiz_->answers.size()},
                                                                {"counts", tally_json()}}));
    for (auto& [raw, c] : members_) {
        if (!c.member.staff()) continue;
        if (auto p = c.participant.lock()) p->deliver(message);
    }
}

void live_room::close_quiz(protocol::unix_seconds now) {
    if (!quiz_) return;
    auto per_question = tally();
    auto closing = std::move(*quiz_);
    quiz_.reset();
    closed_quizzes_.insert(closing.def.id);
    const auto& def = closing.def;
    const bool scored = protocol::is_scored(def.kind);
    const int max = protocol::max_score(def);

    auto results = json::array();
    auto staff_results = json::array();
    for (std::size_t i = 0; i < def.questions.size(); ++i) {
        const auto& question = def.questions[i];
        auto& t = per_question[i];
        json r = {{"question_id", question.id},
                  {"answered", t.answered},
                  {"counts", std::move(t.counts)}};
        json staff = r;
        if (scored) {
            staff["share_correct"] = share_correct(t);
            staff["correct"] = question.correct;
        }
        results.push_back(std::move(r));
        staff_results.push_back(std::move(staff));
    }
    json for_all = {{"type", "quiz_closed"},
                    {"quiz_id", def.id},
                    {"answered", closing.answers.size()},
                    {"results", results}};
    json for_staff = for_all;
    for_staff["results"] = std::move(staff_results);
    broadcast(std::move(for_all), std::move(for_staff));

    // Each trainee's score goes to them alone; the stored submissions are made from the
    // stored answers by the sink (the same path as after a crash).
    if (scored) {
        std::map<std::int64_t, double> by_user;
        for (const auto& [user, answers] : closing.answers)
            by_user[user] = score_quiz(def, answers).score;
        for (auto& [raw, c] : members_) {
            if (c.member.staff()) continue;
            auto it = by_user.find(c.member.user_id);
            json mine = {{"type", "quiz_score"},
                         {"quiz_id", def.id},
                         {"max_score", max},
                         {"score", it == by_user.end() ? 0.0 : it->second},
                         {"answered", it != by_user.end()}};
            send(raw, protocol::dump(mine));
        }
    }
    if (quiz_sink_) quiz_sink_->closed(def.id, closing.run_id, now);
}

void live_room::change_mode(protocol::delivery_mode mode, const std::string& reason) {
    info_.mode = mode;
    broadcast({{"type", "mode_changed"}, {"mode", protocol::to_string(mode)}, {"reason", reason}});
}

void live_room::replace_slides(std::vector<protocol::slide> slides) {
    info_.slides = std::move(slides);
    ink_.clear();  // indices moved: strokes no longer know their slide
    auto message = std::make_shared<const std::string>(
        protocol::dump(json{{"type", "slides"}, {"count", info_.slides.size()}}));
    for (auto& [raw, c] : members_) {
        if (!c.member.staff()) continue;
        if (auto p = c.participant.lock()) p->deliver(message);
    }
}

void live_room::end(int close_code, protocol::unix_seconds now) {
    if (ended_) return;
    if (quiz_) close_quiz(now);
    flush_taking_part();
    if (poll_) finish_poll(false, now, [](bool) {});
    broadcast({{"type", "session_ended"}});
    flush();
    ended_ = true;
    close_all(close_code, "the session ended", now);
}

void live_room::close_all(int close_code, std::string_view reason, protocol::unix_seconds now) {
    flush();
    save_reactions(now);
    close_presence(now);
    std::vector<std::shared_ptr<live_participant>> all;
    for (auto& [raw, c] : members_)
        if (auto p = c.participant.lock()) all.push_back(std::move(p));
    for (auto& p : all) p->close(close_code, reason);
}

}  // namespace daring::server
