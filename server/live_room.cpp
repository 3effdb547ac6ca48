#include "server/live_room.hpp"

#include <algorithm>

namespace daring::server {

using protocol::json;
namespace live = protocol::live;

live_room::live_room(room_info info, std::uint64_t first_seq, room_limits limits)
    : info_(std::move(info)), limits_(limits), seq_(first_seq) {}

json live_room::slide_json() const {
    json j = {{"index", slide_}, {"count", info_.slides.size()}};
    if (slide_ >= 0 && static_cast<std::size_t>(slide_) < info_.slides.size()) {
        j["title"] = info_.slides[slide_].title;
        j["body"] = info_.slides[slide_].body;
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
                        {"hand_up", hands_.contains(user)}});
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
              {"quiz", nullptr},
              {"online", online_.size()},
              {"chat", std::move(chat)},
              {"you", {{"user_id", c.member.user_id},
                       {"muted", muted_.contains(c.member.user_id)},
                       {"hand_up", hands_.contains(c.member.user_id)}}},
              {"seq", seq_},
              {"resumed", resumed}};
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

std::uint64_t live_room::broadcast(json body, std::optional<json> staff_body, bool staff_only) {
    const auto seq = ++seq_;
    body["seq"] = seq;
    shared_message all = staff_only ? nullptr : std::make_shared<const std::string>(protocol::dump(body));
    shared_message staff;
    if (staff_body) {
        (*staff_body)["seq"] = seq;
        staff = std::make_shared<const std::string>(protocol::dump(*staff_body));
    } else if (staff_only) {
        staff = std::make_shared<const std::string>(protocol::dump(body));
    }
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
                     const prior_attendance& prior) {
    flush();  // pending events belong to those already here; the newcomer's welcome includes them
    auto& c = members_[p.get()];
    c.participant = p;
    c.member = m;
    names_[m.user_id] = m.full_name;
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
    }
}

void live_room::tick(protocol::unix_seconds now) {
    if (ended_) return;
    if (presence_dirty_ && now - last_presence_ >= limits_.presence_interval) {
        presence_dirty_ = false;
        last_presence_ = now;
        json trainee_view = {{"type", "presence"}, {"online", online_.size()}};
        json staff_view = trainee_view;
        staff_view["participants"] = participants_json();
        broadcast(std::move(trainee_view), std::move(staff_view));
    }
    bool any_staff = false;
    for (auto& [raw, c] : members_) {
        any_staff |= c.member.staff();
        if (c.tracked && c.next_attendance <= now) {
            c.next_attendance = now + limits_.attendance_interval;
            send_attendance(raw, c, now);
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
    c.interval = sink_ ? sink_->open(info_.session_id, c.member.user_id, visible, now) : 0;
}

void live_room::close_interval(connection& c, protocol::unix_seconds now) {
    if (!c.tracked) return;
    c.tracked = false;
    // A connection that went silent ends where it was last heard from.
    const auto end = now - c.last_seen > limits_.presence_stale_after ? c.last_seen : now;
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

live_room::attendance_view live_room::attendance_of(std::int64_t user_id, protocol::unix_seconds now) const {
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

void live_room::send_attendance(live_participant* p, const connection& c, protocol::unix_seconds now) {
    const auto view = attendance_of(c.member.user_id, now);
    send(p, protocol::dump(json{{"type", "attendance"},
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
        protocol::dump(json{{"type", "roster"}, {"at", protocol::format_rfc3339(now)}, {"participants", std::move(rows)}}));
    std::vector<std::shared_ptr<live_participant>> staff;
    for (auto& [raw, c] : members_) {
        if (!c.member.staff()) continue;
        if (auto p = c.participant.lock()) staff.push_back(std::move(p));
    }
    for (auto& p : staff) p->deliver(message);
}

void live_room::refuse(live_participant* p, connection& c, const json& id, std::string_view code,
                       std::string_view message, protocol::unix_seconds now, std::string_view field) {
    send(p, live::error_message(id, code, message, field));
    auto& bad = c.bad;
    bad.push_back(now);
    bad.erase(bad.begin(), std::find_if(bad.begin(), bad.end(),
                                        [&](protocol::unix_seconds t) { return t > now - limits_.abuse_window; }));
    if (static_cast<int>(bad.size()) >= limits_.abuse_limit) {
        p->close(close_policy, "too many invalid messages");
    }
}

live_room::outcome live_room::receive(live_participant* p, std::string_view text, protocol::unix_seconds now) {
    auto it = members_.find(p);
    if (it == members_.end() || ended_) return outcome::none;
    auto& c = it->second;
    const auto& m = c.member;
    auto parsed = live::parse_client_message(text);
    // Any message shows the client is there; a heartbeat also tells whether the page is shown.
    std::optional<bool> visible;
    if (parsed.message) {
        if (auto* hb = std::get_if<live::heartbeat>(&*parsed.message)) visible = hb->visible;
    }
    heard_from(p, c, now, visible);
    if (parsed.problem) {
        refuse(p, c, parsed.id, parsed.problem->code, parsed.problem->message, now, parsed.problem->field);
        return outcome::none;
    }
    const auto& msg = *parsed.message;
    const json& id = parsed.id;
    if (live::is_staff_message(msg) && !m.staff()) {
        refuse(p, c, id, "forbidden", std::string(live::type_name(msg)) + " is for trainers", now);
        return outcome::none;
    }
    auto ack = [&] {
        if (!id.is_null()) send(p, live::ack_message(id));
    };

    if (std::holds_alternative<live::heartbeat>(msg)) {
        ack();
    } else if (auto* chat = std::get_if<live::chat_send>(&msg)) {
        if (muted_.contains(m.user_id)) {
            refuse(p, c, id, "muted", "A trainer muted you in this session", now);
            return outcome::none;
        }
        auto& times = chat_times_[m.user_id];
        while (!times.empty() && times.front() <= now - limits_.chat_window) times.pop_front();
        if (static_cast<int>(times.size()) >= limits_.chat_burst) {
            send(p, live::error_message(id, "rate_limited", "Too many chat messages; wait a few seconds"));
            return outcome::none;
        }
        times.push_back(now);
        json ev = {{"type", "chat"},
                   {"from", {{"user_id", m.user_id}, {"name", m.full_name}, {"role", protocol::to_string(m.user_role)}}},
                   {"text", chat->text},
                   {"at", protocol::format_rfc3339(now)}};
        json kept = ev;
        const auto seq = broadcast(std::move(ev));
        kept["seq"] = seq;
        chat_.emplace_back(seq, std::move(kept));
        while (chat_.size() > limits_.chat_history) chat_.pop_front();
        ack();
    } else if (auto* h = std::get_if<live::hand>(&msg)) {
        const bool changed = h->up ? hands_.insert(m.user_id).second : hands_.erase(m.user_id) > 0;
        if (changed) {
            broadcast({{"type", "hand"}, {"user_id", m.user_id}, {"name", m.full_name}, {"up", h->up}},
                      std::nullopt, true);
        }
        ack();
    } else if (auto* s = std::get_if<live::show_slide>(&msg)) {
        if (static_cast<std::size_t>(s->index) >= info_.slides.size()) {
            refuse(p, c, id, "invalid_field",
                   "index must be below the slide count " + std::to_string(info_.slides.size()), now);
            return outcome::none;
        }
        slide_ = s->index;
        json ev = slide_json();
        ev["type"] = "slide";
        broadcast(std::move(ev));
        ack();
    } else if (std::holds_alternative<live::end_session>(msg)) {
        ack();
        return outcome::end_requested;
    } else if (auto* d = std::get_if<live::delete_chat>(&msg)) {
        auto found = std::find_if(chat_.begin(), chat_.end(), [&](const auto& e) { return e.first == d->seq; });
        if (found == chat_.end()) {
            send(p, live::error_message(id, "not_found", "No recent chat message with that seq"));
            return outcome::none;
        }
        chat_.erase(found);
        broadcast({{"type", "chat_deleted"}, {"chat_seq", d->seq}, {"by", m.user_id}});
        ack();
    } else if (auto* mu = std::get_if<live::mute>(&msg)) {
        if (mu->muted) muted_.insert(mu->user_id); else muted_.erase(mu->user_id);
        broadcast({{"type", "muted"}, {"user_id", mu->user_id}, {"muted", mu->muted}});
        ack();
    } else {
        // open_quiz, close_quiz, answer: the room carries a quiz slot (welcome.quiz) but quizzes
        // are not served yet.
        send(p, live::error_message(id, "not_supported", "Quizzes are not available in this version"));
    }
    return outcome::none;
}

void live_room::change_mode(protocol::delivery_mode mode, const std::string& reason) {
    info_.mode = mode;
    broadcast({{"type", "mode_changed"}, {"mode", protocol::to_string(mode)}, {"reason", reason}});
}

void live_room::end(int close_code, protocol::unix_seconds now) {
    if (ended_) return;
    broadcast({{"type", "session_ended"}});
    flush();
    ended_ = true;
    close_all(close_code, "the session ended", now);
}

void live_room::close_all(int close_code, std::string_view reason, protocol::unix_seconds now) {
    flush();
    close_presence(now);
    std::vector<std::shared_ptr<live_participant>> all;
    for (auto& [raw, c] : members_)
        if (auto p = c.participant.lock()) all.push_back(std::move(p));
    for (auto& p : all) p->close(close_code, reason);
}

}  // namespace daring::server
