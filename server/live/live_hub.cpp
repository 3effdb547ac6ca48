#include "server/live/live_hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

#include "server/live/event_journal.hpp"
#include "server/live/live_hub_state.hpp"

namespace daring::server {

namespace asio = boost::asio;
using hub_detail::room_slot;

std::shared_ptr<room_slot> live_hub::impl::find(std::int64_t id) {
    std::lock_guard lock(mutex);
    auto it = rooms.find(id);
    return it == rooms.end() ? nullptr : it->second;
}

std::shared_ptr<room_slot> live_hub::impl::find_or_create(const room_info& info,
                                                          std::uint64_t epoch) {
    std::lock_guard lock(mutex);
    if (stopping) return nullptr;
    auto& slot = rooms[info.session_id];
    if (!slot) {
        // Past every seq a client may have seen: the stored highest, and the creation time
        // in ms (rooms produce far fewer than 1,000 events a second).
        const auto stored = info.recovery ? info.recovery->last_seq + 1 : 0;
        slot = std::make_shared<room_slot>(
            ioc, live_room(info, std::max(hub_detail::first_seq_now(), stored), limits));
        slot->room.set_presence_sink(sink);
        if (quizzes) {
            slot->quizzes = std::make_unique<strand_quiz_sink>(*quizzes, slot->poster());
            slot->room.set_quiz_sink(slot->quizzes.get());
        }
        if (taking_part) {
            slot->taking_part =
                std::make_unique<strand_taking_part_sink>(*taking_part, slot->poster());
            slot->room.set_taking_part_sink(slot->taking_part.get());
        }
        slot->room.set_journal(journal);
        if (info.recovery) slot->room.restore(*info.recovery);
        if (bus) {
            slot->relay = std::make_unique<owner_relay>(epoch);
            slot->bus = bus;
            slot->frames_out = frames_out;
            subscribe_inbox(slot);
        }
    }
    return slot;
}

std::shared_ptr<live_participant> live_hub::impl::enroll(const std::shared_ptr<live_participant>& p,
                                                         const live_admission& a) {
    std::lock_guard lock(mutex);
    sockets[p.get()] =
        hub_detail::socket_entry{p, a.member.user_id, a.room.training_id, a.token_hash, a.deadline};
    auto& mine = by_user[a.member.user_id];
    mine.push_back(p.get());
    if (mine.size() <= sockets_per_user) return nullptr;
    // The newest connection wins: a phone that lost its signal without closing leaves a socket
    // behind that would otherwise count until its idle timeout.
    std::shared_ptr<live_participant> replaced;
    auto oldest = sockets.find(mine.front());
    if (oldest != sockets.end()) replaced = oldest->second.participant.lock();
    mine.erase(mine.begin());
    return replaced;
}

void live_hub::impl::forget(live_participant* p) {
    std::lock_guard lock(mutex);
    if (auto it = sockets.find(p); it != sockets.end()) {
        if (auto mine = by_user.find(it->second.user_id); mine != by_user.end()) {
            std::erase(mine->second, p);
            if (mine->second.empty()) by_user.erase(mine);
        }
        sockets.erase(it);
    }
}

void live_hub::impl::after_receive(const std::shared_ptr<room_slot>& slot,
                                   live_room::outcome outcome, live_participant* sender) {
    if (outcome == live_room::outcome::end_requested && control) {
        auto member = slot->room.member_of(sender);
        control->end_requested(slot->room.session_id(), member ? member->user_id : 0);
    }
    if (outcome != live_room::outcome::quiz_requested) return;
    auto request = slot->room.take_quiz_request();
    if (!request) return;
    if (!control) {
        slot->room.refuse_quiz(*request, "not_supported", "Quizzes are not available");
        slot->settle();
        return;
    }
    control->quiz_requested(
        slot->room.session_id(), slot->room.training_id(), *request,
        [slot, request = *request](quiz_opening o) {
            asio::post(slot->strand, [slot, request, o = std::move(o)]() mutable {
                if (o.quiz) {
                    slot->room.open_quiz(request, std::move(*o.quiz), o.run_id, o.closes_at);
                } else {
                    slot->room.refuse_quiz(request, o.code, o.message);
                }
                slot->settle();
            });
        });
}

// Every quarter second: quiz tallies. Every fourth: presence, attendance, quiz deadlines,
// login expiry, and every flush_every seconds the presence flush.
void live_hub::impl::tick() {
    timer.expires_after(std::chrono::milliseconds(250));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec) return;
        const bool full = ++self->ticks % 4 == 0;
        const auto now = self->clk.now();
        std::vector<std::shared_ptr<room_slot>> all;
        std::vector<std::shared_ptr<live_participant>> expired;
        {
            std::lock_guard lock(self->mutex);
            if (self->stopping) return;
            for (auto& [id, slot] : self->rooms) all.push_back(slot);
            if (full) {
                for (auto& [raw, entry] : self->sockets) {
                    if (entry.deadline <= now) {
                        if (auto p = entry.participant.lock()) expired.push_back(std::move(p));
                    }
                }
            }
        }
        for (auto& slot : all) {
            asio::post(slot->strand, [slot, now, full, self] {
                if (full) slot->room.tick(now);
                if (full && slot->relay) self->reap_nodes(*slot, now);
                slot->room.flush_tally();
                slot->room.flush_taking_part();
                const auto steady_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now().time_since_epoch())
                                           .count();
                slot->room.flush_pointer(steady_ms);
                slot->room.flush_reactions(steady_ms);
                slot->settle();
            });
        }
        for (auto& p : expired) p->close(close_signed_out, "the login session expired");
        if (full && self->sink && (self->ticks / 4) % self->flush_every == 0) self->sink->flush();
        if (full && self->journal) self->journal->flush();
        if (full && self->bus && (self->ticks / 4) % hub_detail::alive_every == 0)
            self->announce_relays();
        self->tick();
    });
}

live_hub::live_hub(asio::io_context& ioc, const clock& clk)
    : impl_(std::make_shared<impl>(ioc, clk)) {
    impl_->owner = this;
}

live_hub::~live_hub() = default;

void live_hub::set_presence_sink(presence_sink* sink, int flush_every) {
    impl_->sink = sink;
    impl_->flush_every = std::max(1, flush_every);
}

void live_hub::set_journal(event_journal* journal) {
    impl_->journal = journal;
}

void live_hub::flush_timeline() {
    if (impl_->journal) impl_->journal->flush();
}

void live_hub::set_control(live_control* control) {
    impl_->control = control;
}

bool live_hub::has_room(std::int64_t session_id) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->rooms.contains(session_id);
}

void live_hub::set_quiz_sink(quiz_sink* sink) {
    impl_->quizzes = sink;
}

void live_hub::set_taking_part_sink(taking_part_sink* sink) {
    impl_->taking_part = sink;
}

void live_hub::set_audio_paced(bool paced) {
    impl_->limits.audio_paced = paced;
}

void live_hub::set_sockets_per_user(std::size_t limit) {
    impl_->sockets_per_user = std::max<std::size_t>(1, limit);
}

void live_hub::start() {
    asio::post(impl_->ioc, [i = impl_] { i->tick(); });
}

void live_hub::open(const room_info& info) {
    // Several nodes: a room is made where its first socket claims it (live_admission::owner).
    if (!impl_->bus) impl_->find_or_create(info);
}

void live_hub::end(std::int64_t session_id) {
    std::shared_ptr<room_slot> slot;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->rooms.find(session_id);
        if (it == impl_->rooms.end()) {
            if (impl_->bus) impl_->send_control(session_id, {{"op", "end"}});
            return;
        }
        slot = it->second;
        impl_->rooms.erase(it);
        impl_->retire_room(session_id);
    }
    // The timeline is written at once rather than at the next second's flush: its session_ended
    // is what tells the recording it is complete.
    asio::post(slot->strand, [slot, i = impl_, now = impl_->clk.now()] {
        slot->room.end(close_normal, now);
        slot->settle();
        if (i->journal) i->journal->flush();
    });
}

void live_hub::attach(const std::shared_ptr<live_participant>& p, const live_admission& a) {
    if (impl_->bus && a.owner && a.owner->node != impl_->node) {
        impl_->attach_relayed(p, a);
        return;
    }
    auto slot = impl_->find_or_create(a.room, a.owner ? a.owner->epoch : 0);
    if (!slot) {
        p->close(close_going_away, "the server is shutting down");
        return;
    }
    if (auto replaced = impl_->enroll(p, a))
        replaced->close(close_replaced, "opened in another tab or device");
    const auto now = impl_->clk.now();
    asio::post(slot->strand, [slot, p, member = a.member, resume = a.resume, prior = a.prior,
                              audio = a.audio, now] {
        if (slot->room.ended()) {
            p->close(close_normal, "the session ended");
            return;
        }
        slot->room.join(p, member, resume, now, prior, audio);
        slot->settle();
    });
}

void live_hub::detach(std::int64_t session_id, live_participant* p) {
    impl_->forget(p);
    if (auto left = impl_->relayed_leave(session_id, p)) {
        const auto id = left->first;
        const auto ended = left->second;
        impl_->bus->publish(
            hub_detail::owner_subject(session_id),
            socket_frame(relay_kind::leave, impl_->node, id, std::to_string(ended)));
        std::shared_ptr<hub_detail::relay_slot> relay;
        {
            std::lock_guard lock(impl_->mutex);
            if (auto it = impl_->relays.find(session_id); it != impl_->relays.end())
                relay = it->second;
        }
        if (relay) asio::post(relay->strand, [relay, id] { relay->endpoint.detach(id); });
        return;
    }
    if (auto slot = impl_->find(session_id)) {
        asio::post(slot->strand, [slot, p, i = impl_] {
            slot->room.leave(p, i->clk.now());
            slot->settle();
        });
    }
}

void live_hub::receive_binary(std::int64_t session_id, const std::shared_ptr<live_participant>& p,
                              std::string bytes) {
    auto slot = impl_->find(session_id);
    if (!slot) {
        if (auto heard = impl_->relayed_heard(session_id, p, {}))
            impl_->bus->publish(hub_detail::owner_subject(session_id),
                                socket_frame(relay_kind::binary, impl_->node, heard->id, bytes));
        return;
    }
    asio::post(slot->strand, [slot, p, bytes = std::move(bytes), i = impl_] {
        slot->room.receive_binary(p.get(), bytes, i->clk.now(), hub_detail::steady_now_ms(),
                                  i->clk.now_ms());
        slot->settle();
    });
}

void live_hub::receive(std::int64_t session_id, const std::shared_ptr<live_participant>& p,
                       std::string text) {
    auto slot = impl_->find(session_id);
    if (!slot) {
        auto heard = impl_->relayed_heard(session_id, p, text);
        if (heard && heard->forward)
            impl_->bus->publish(
                hub_detail::owner_subject(session_id),
                socket_frame(relay_kind::from_socket, impl_->node, heard->id, text));
        return;
    }
    asio::post(slot->strand, [slot, p, text = std::move(text), i = impl_] {
        auto outcome = slot->room.receive(p.get(), text, i->clk.now(), hub_detail::steady_now_ms());
        slot->settle();
        i->after_receive(slot, outcome, p.get());
    });
}

void live_hub::update_evidence(std::int64_t session_id, std::int64_t user_id,
                               std::optional<protocol::unix_seconds> checked_in_at,
                               std::optional<manual_mark> mark) {
    auto slot = impl_->find(session_id);
    if (!slot) {
        if (!impl_->bus) return;
        protocol::json op = {{"op", "evidence"}, {"user_id", user_id}};
        if (checked_in_at) op["checked_in_at"] = *checked_in_at;
        if (mark) op["mark"] = hub_detail::mark_name(*mark);
        impl_->send_control(session_id, op);
        return;
    }
    asio::post(slot->strand, [slot, user_id, checked_in_at, mark, i = impl_] {
        slot->room.update_evidence(user_id, checked_in_at, mark, i->clk.now());
        slot->settle();
    });
}

void live_hub::impl::close_here(const hub_detail::close_order& o) {
    std::vector<std::shared_ptr<live_participant>> targets;
    {
        std::lock_guard lock(mutex);
        auto take = [&](const hub_detail::socket_entry& entry) {
            if (auto p = entry.participant.lock()) targets.push_back(std::move(p));
        };
        if (!o.token_hash.empty()) {  // one login session's sockets
            for (auto& [raw, entry] : sockets)
                if (entry.token_hash == o.token_hash) take(entry);
        } else if (auto mine = by_user.find(o.user_id); mine != by_user.end()) {
            for (auto* raw : mine->second) {
                auto it = sockets.find(raw);
                if (it == sockets.end() || (!o.keep.empty() && it->second.token_hash == o.keep) ||
                    (o.training_id != 0 && it->second.training_id != o.training_id))
                    continue;
                take(it->second);
            }
        }
    }
    for (auto& p : targets) p->close(o.code, o.reason);
}

void live_hub::close_token(const std::string& token_hash) {
    impl_->close_everywhere({token_hash, 0, 0, close_signed_out, "signed out", {}});
}

void live_hub::close_user(std::int64_t user_id, int code, const std::string& reason,
                          const std::string& keep) {
    impl_->close_everywhere({{}, user_id, 0, code, reason, keep});
}

void live_hub::close_member(std::int64_t training_id, std::int64_t user_id) {
    impl_->close_everywhere(
        {{}, user_id, training_id, close_removed, "no longer part of this training", {}});
}

void live_hub::shutdown() {
    std::vector<std::shared_ptr<room_slot>> all;
    std::vector<std::shared_ptr<live_participant>> relayed;
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
        for (auto& [id, slot] : impl_->rooms) all.push_back(slot);
        for (auto& [id, relay] : impl_->relays)
            for (auto& [raw, local] : relay->sockets)
                if (auto p = local.participant.lock()) relayed.push_back(std::move(p));
    }
    impl_->timer.cancel();
    for (auto& slot : all) {
        asio::post(slot->strand, [slot, now = impl_->clk.now()] {
            slot->room.close_all(close_going_away, "the server is shutting down", now);
            slot->publish_relay();
        });
    }
    for (auto& p : relayed) p->close(close_going_away, "the server is shutting down");
}

void live_hub::slides_changed(std::int64_t session_id, std::vector<protocol::slide> slides) {
    if (auto slot = impl_->find(session_id)) {
        asio::post(slot->strand, [slot, slides = std::move(slides)]() mutable {
            slot->room.replace_slides(std::move(slides));
            slot->settle();
        });
    } else if (impl_->bus) {
        auto stored = protocol::json::array();
        for (const auto& s : slides) stored.push_back(protocol::slide_json(s, true));
        impl_->send_control(session_id, {{"op", "slides"}, {"slides", std::move(stored)}});
    }
}

void live_hub::delivery_changed(const delivery_change& change) {
    if (change.before.mode == change.after.mode) return;
    if (auto slot = impl_->find(change.session_id)) {
        asio::post(slot->strand, [slot, mode = change.after.mode, reason = change.after.reason] {
            slot->room.change_mode(mode, reason);
            slot->settle();
        });
    } else if (impl_->bus) {
        impl_->send_control(change.session_id, {{"op", "mode"},
                                                {"mode", protocol::to_string(change.after.mode)},
                                                {"reason", change.after.reason}});
    }
}

std::size_t live_hub::room_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->rooms.size();
}

std::size_t live_hub::socket_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->sockets.size();
}

std::optional<std::int64_t> live_session_id(std::string_view path) {
    constexpr std::string_view prefix = "/api/v1/sessions/";
    constexpr std::string_view suffix = "/live";
    if (!path.starts_with(prefix) || !path.ends_with(suffix)) return std::nullopt;
    auto digits = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (digits.empty() || digits.size() > 18) return std::nullopt;
    std::int64_t id = 0;
    for (char ch : digits) {
        if (ch < '0' || ch > '9') return std::nullopt;
        id = id * 10 + (ch - '0');
    }
    return id;
}

}  // namespace daring::server
