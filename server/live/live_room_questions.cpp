// Questions with votes and quick polls. Each is applied to the room at once (so a second vote
// is refused at once) and acknowledged only after the sink's COMMIT: a crash loses no
// acknowledged question, vote or poll answer. Votes and poll tallies are coalesced and sent with
// the tally's tick (at most 4 times a second), never once per vote to everyone.
#include <algorithm>

#include "protocol/time_format.hpp"
#include "server/live/live_room.hpp"

namespace daring::server {

using protocol::json;
namespace live = protocol::live;

taking_part_sink::done_fn live_room::ack_when_stored(const incoming& in) {
    std::weak_ptr<live_participant> who = in.c.participant;
    json id = in.id;
    return [who, id](bool stored) {
        auto target = who.lock();
        if (!target || id.is_null()) return;
        target->deliver(std::make_shared<const std::string>(
            stored ? live::ack_message(id)
                   : live::error_message(id, "not_stored", "It was not saved; send it again")));
    };
}

room_question* live_room::find_question(std::int64_t id, const incoming& in) {
    auto it = questions_.find(id);
    if (it == questions_.end() || (it->second.hidden && !in.c.member.staff())) {
        send(in.p, live::error_message(in.id, "not_found", "No such question in this session",
                                       "question_id"));
        return nullptr;
    }
    return &it->second;
}

json live_room::questions_json(const connection& c) const {
    std::vector<const room_question*> shown;
    for (const auto& [id, q] : questions_)
        if (c.member.staff() || !q.hidden) shown.push_back(&q);
    std::sort(shown.begin(), shown.end(), [](const room_question* a, const room_question* b) {
        return question_before(*a, *b);
    });
    if (shown.size() > limits_.welcome_questions) shown.resize(limits_.welcome_questions);
    auto out = json::array();
    for (const auto* q : shown) {
        auto j = question_json(*q, c.member.staff());
        j["voted"] = q->voters.contains(c.member.user_id);
        j["mine"] = q->user_id == c.member.user_id;
        out.push_back(std::move(j));
    }
    return out;
}

json live_room::poll_json(const connection& c) const {
    if (!poll_) return nullptr;
    json j = {{"poll_id", poll_->id},
              {"question", poll_->question},
              {"options", poll_->options},
              {"multiple", poll_->multiple},
              {"anonymous", poll_->anonymous}};
    if (c.member.staff()) {
        auto r = count_poll(*poll_);
        j["answered"] = r.answered;
        j["counts"] = r.counts;
    } else if (auto it = poll_->answers.find(c.member.user_id); it != poll_->answers.end()) {
        j["your_choices"] = it->second;
    } else {
        j["your_choices"] = nullptr;
    }
    return j;
}

void live_room::restore_taking_part(const taking_part_recovery& r) {
    for (const auto& q : r.questions) {
        questions_[q.id] = q;
        if (!q.client_id.empty()) asked_[{q.user_id, q.client_id}] = q.id;
    }
    poll_ = r.poll;
    poll_dirty_ = poll_.has_value();
    closed_polls_ = r.closed_polls;
}

live_room::outcome live_room::on(const live::ask_question& m, incoming& in) {
    const auto& who = in.c.member;
    const std::string client_id = in.id.is_null() ? std::string() : in.id.dump();
    if (!client_id.empty()) {
        // A resent message (after a reconnect): the same question, stored (again) and acked.
        if (auto it = asked_.find({who.user_id, client_id}); it != asked_.end()) {
            if (taking_part_)
                taking_part_->asked(info_.session_id, questions_.at(it->second),
                                    ack_when_stored(in));
            else
                acknowledge(in);
            return outcome::none;
        }
    }
    if (muted_.contains(who.user_id)) {
        refuse(in.p, in.c, in.id, "muted", "A trainer muted you in this session", in.now);
        return outcome::none;
    }
    if (questions_.size() >= limits_.question_limit) {
        send(in.p, live::error_message(in.id, "too_many_questions",
                                       "This session has taken as many questions as it can"));
        return outcome::none;
    }
    auto& times = question_times_[who.user_id];
    while (!times.empty() && times.front() <= in.now - limits_.question_window) times.pop_front();
    if (static_cast<int>(times.size()) >= limits_.question_burst) {
        send(in.p, live::error_message(in.id, "rate_limited",
                                       "Too many questions; wait a little before asking again"));
        return outcome::none;
    }
    times.push_back(in.now);
    room_question q;
    q.id = static_cast<std::int64_t>(seq_ + 1);  // the seq its event gets
    q.user_id = who.user_id;
    q.name = who.full_name;
    q.text = m.text;
    q.anonymous = m.anonymous;
    q.asked_at = in.now;
    q.client_id = client_id;
    json for_all = {{"type", "question"}, {"question", question_json(q, false)}};
    std::optional<json> for_staff;
    if (q.anonymous) for_staff = json{{"type", "question"}, {"question", question_json(q, true)}};
    broadcast(std::move(for_all), std::move(for_staff));
    if (!client_id.empty()) asked_[{who.user_id, client_id}] = q.id;
    auto& kept = questions_[q.id] = std::move(q);
    if (taking_part_)
        taking_part_->asked(info_.session_id, kept, ack_when_stored(in));
    else
        acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::vote& m, incoming& in) {
    auto* q = find_question(m.question_id, in);
    if (!q) return outcome::none;
    if (!q->voters.insert(in.c.member.user_id).second) {
        send(in.p, live::error_message(in.id, "already_voted",
                                       "You already voted for this question", "question_id"));
        return outcome::none;
    }
    votes_dirty_.insert(q->id);
    if (taking_part_)
        taking_part_->voted(info_.session_id, q->id, in.c.member.user_id, in.now,
                            ack_when_stored(in));
    else
        acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::answer_question& m, incoming& in) {
    auto* q = find_question(m.question_id, in);
    if (!q) return outcome::none;
    q->answered = true;
    q->answer = m.text.empty() ? std::nullopt : std::optional(m.text);
    broadcast({{"type", "question_answered"},
               {"question_id", q->id},
               {"text", q->answer ? json(*q->answer) : json(nullptr)}});
    if (taking_part_)
        taking_part_->answered(info_.session_id, q->id, in.c.member.user_id, q->answer, in.now,
                               ack_when_stored(in));
    else
        acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::hide_question& m, incoming& in) {
    auto* q = find_question(m.question_id, in);
    if (!q) return outcome::none;
    if (!q->hidden) {
        q->hidden = true;
        votes_dirty_.erase(q->id);
        broadcast({{"type", "question_hidden"}, {"question_id", q->id}});
    }
    if (taking_part_)
        taking_part_->hidden(info_.session_id, *q, in.c.member.user_id, in.now,
                             ack_when_stored(in));
    else
        acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::open_poll& m, incoming& in) {
    if (poll_) {
        send(in.p, live::error_message(in.id, "poll_already_open", "Close the open poll first"));
        return outcome::none;
    }
    room_poll p;
    p.id = static_cast<std::int64_t>(seq_ + 1);
    p.question = m.question;
    p.options = m.options;
    p.multiple = m.multiple;
    p.anonymous = m.anonymous;
    p.opened_by = in.c.member.user_id;
    p.opened_at = in.now;
    broadcast({{"type", "poll_opened"},
               {"poll_id", p.id},
               {"question", p.question},
               {"options", p.options},
               {"multiple", p.multiple},
               {"anonymous", p.anonymous}});
    poll_ = std::move(p);
    poll_dirty_ = true;
    if (taking_part_)
        taking_part_->poll_opened(info_.session_id, *poll_, ack_when_stored(in));
    else
        acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::close_poll& m, incoming& in) {
    if (!poll_ || poll_->id != m.poll_id) {
        send(in.p, live::error_message(in.id, "poll_not_open", "That poll is not open", "poll_id"));
        return outcome::none;
    }
    finish_poll(m.publish, in.now, ack_when_stored(in));
    return outcome::none;
}

void live_room::finish_poll(bool publish, protocol::unix_seconds now,
                            taking_part_sink::done_fn done) {
    const auto results = to_json(count_poll(*poll_));
    const auto id = poll_->id;
    closed_polls_.insert(id);
    poll_.reset();
    poll_dirty_ = false;
    json common = {{"type", "poll_closed"}, {"poll_id", id}, {"published", publish}};
    json for_staff = common;
    for_staff["results"] = results;
    json for_all = common;
    for_all["results"] = publish ? results : json(nullptr);
    broadcast(std::move(for_all), std::move(for_staff));
    if (taking_part_)
        taking_part_->poll_closed(info_.session_id, id, publish, now, std::move(done));
    else
        done(true);
}

live_room::outcome live_room::on(const live::poll_answer& m, incoming& in) {
    if (!poll_ || poll_->id != m.poll_id) {
        const bool closed = closed_polls_.contains(m.poll_id) || !poll_;
        send(in.p,
             live::error_message(in.id, closed ? "poll_closed" : "wrong_poll",
                                 closed ? "That poll is closed" : "That poll is not the open one",
                                 "poll_id"));
        return outcome::none;
    }
    if (m.choices.back() >= static_cast<int>(poll_->options.size())) {
        refuse(in.p, in.c, in.id, "invalid_field", "A choice is not one of the poll's options",
               in.now, "choices");
        return outcome::none;
    }
    if (!poll_->multiple && m.choices.size() != 1) {
        refuse(in.p, in.c, in.id, "invalid_field", "This poll takes one choice", in.now, "choices");
        return outcome::none;
    }
    poll_->answers[in.c.member.user_id] = m.choices;
    poll_dirty_ = true;
    if (taking_part_)
        taking_part_->poll_answered(info_.session_id, poll_->id, in.c.member.user_id, m.choices,
                                    in.now, ack_when_stored(in));
    else
        acknowledge(in);
    return outcome::none;
}

void live_room::flush_taking_part() {
    for (auto id : std::exchange(votes_dirty_, {})) {
        auto it = questions_.find(id);
        if (it == questions_.end() || it->second.hidden) continue;
        broadcast(
            {{"type", "question_votes"}, {"question_id", id}, {"votes", it->second.voters.size()}});
    }
    if (!poll_ || !poll_dirty_) return;
    poll_dirty_ = false;
    auto r = count_poll(*poll_);
    auto message = std::make_shared<const std::string>(protocol::dump(json{{"type", "poll_tally"},
                                                                           {"poll_id", poll_->id},
                                                                           {"answered", r.answered},
                                                                           {"counts", r.counts}}));
    for (auto& [raw, c] : members_) {
        if (!c.member.staff()) continue;
        if (auto p = c.participant.lock()) p->deliver(message);
    }
}

}  // namespace daring::server
