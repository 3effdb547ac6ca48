// Reactions and signals: counted as they come (at most reactions_per_user reactions a second
// from one user, and each signal once a second from one user: a burst of claps never uses up a
// trainee's "too fast"), sent as totals at most once a second to every socket, never one message
// per reaction: ten thousand trainees reacting at once cost each socket one small message a
// second.
#include "server/live/live_room.hpp"

namespace daring::server {

using protocol::json;
namespace live = protocol::live;

live_room::outcome live_room::on(const live::react& m, incoming& in) {
    const auto user = in.c.member.user_id;
    auto& budget = reaction_second_[user];
    if (budget.second != in.now) budget = {in.now, 0, 0};
    if (live::is_signal(m.kind)) {
        const auto bit = static_cast<std::uint8_t>(1u << static_cast<unsigned>(m.kind));
        if (budget.signals & bit) return outcome::none;  // this signal again this second
        budget.signals |= bit;
    } else {
        if (budget.reactions >= limits_.reactions_per_user) return outcome::none;  // dropped
        ++budget.reactions;
    }
    ++reactions_[static_cast<std::size_t>(m.kind)];
    ++reactions_by_user_[user];
    if (taking_part_) ++reactions_unsaved_[user];
    return outcome::none;
}

void live_room::save_reactions(protocol::unix_seconds now) {
    if (!taking_part_ || reactions_unsaved_.empty()) return;
    std::vector<std::pair<std::int64_t, std::int64_t>> per_user(reactions_unsaved_.begin(),
                                                                reactions_unsaved_.end());
    reactions_unsaved_.clear();
    taking_part_->reacted(info_.session_id, std::move(per_user), now);
}

void live_room::flush_reactions(std::int64_t steady_ms) {
    if (steady_ms - last_reactions_ms_ < limits_.reactions_interval_ms) return;
    json all = json::object();
    json shown = json::object();  // without the signals, for trainees
    for (std::size_t i = 0; i < live::reaction_kinds; ++i) {
        if (!reactions_[i]) continue;
        const auto name = std::string(live::reaction_names[i]);
        all[name] = reactions_[i];
        if (!live::is_signal(static_cast<live::reaction>(i))) shown[name] = reactions_[i];
    }
    if (all.empty()) return;
    reactions_ = {};
    last_reactions_ms_ = steady_ms;
    auto staff = std::make_shared<const std::string>(
        protocol::dump(json{{"type", "reactions"}, {"counts", std::move(all)}}));
    auto trainees = shown.empty() ? nullptr
                                  : std::make_shared<const std::string>(protocol::dump(
                                        json{{"type", "reactions"}, {"counts", std::move(shown)}}));
    for (auto& [raw, c] : members_) {
        const auto& message = c.member.staff() ? staff : trainees;
        if (!message) continue;
        if (auto p = c.participant.lock()) p->deliver(message);
    }
}

std::uint64_t live_room::reactions_of(std::int64_t user_id) const {
    auto it = reactions_by_user_.find(user_id);
    return it == reactions_by_user_.end() ? 0 : it->second;
}

}  // namespace daring::server
