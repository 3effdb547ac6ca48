// The live room's audio lane: control messages, the floor, and the fan-out of packets.
#include "protocol/audio.hpp"
#include "server/live/live_room.hpp"

namespace daring::server {

using protocol::json;
namespace live = protocol::live;

void live_room::audio_changed() {
    json state = audio_.state_json();
    state["type"] = "audio_state";
    broadcast(std::move(state));
    if (!journal_) return;
    const auto reserved = audio_.reservation_due();
    journal_->audio_changed(info_.session_id, audio_.durable_json(),
                            reserved.value_or(audio_.next_seq()));
}

live_room::outcome live_room::on(const live::audio_start& m, incoming& in) {
    audio_.start(m, {in.c.member.user_id, in.c.member.full_name, true});
    audio_changed();
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::audio_stop&, incoming& in) {
    if (audio_.on()) {
        audio_.stop();
        audio_changed();
    }
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::give_floor& g, incoming& in) {
    if (!audio_.on()) {
        refuse(in.p, in.c, in.id, "audio_off", "Start audio before giving the floor", in.now);
        return outcome::none;
    }
    const bool trainee_here = online_.contains(g.user_id) && !staff_users_.contains(g.user_id);
    if (!trainee_here) {
        refuse(in.p, in.c, in.id, "invalid_field",
               "user_id must be a trainee of this session who is connected now", in.now, "user_id");
        return outcome::none;
    }
    const auto name = names_.contains(g.user_id) ? names_.at(g.user_id) : std::string();
    audio_.give({g.user_id, name, false}, {in.c.member.user_id, in.c.member.full_name, true});
    if (hands_.erase(g.user_id) > 0) {  // the question is being asked: the hand goes down
        broadcast({{"type", "hand"}, {"user_id", g.user_id}, {"name", name}, {"up", false}},
                  std::nullopt, true);
    }
    audio_changed();
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::take_floor&, incoming& in) {
    if (!audio_.on()) {
        refuse(in.p, in.c, in.id, "audio_off", "Audio is off", in.now);
        return outcome::none;
    }
    audio_.take({in.c.member.user_id, in.c.member.full_name, true});
    audio_changed();
    acknowledge(in);
    return outcome::none;
}

live_room::outcome live_room::on(const live::audio_subscribe& s, incoming& in) {
    in.c.audio_on = s.on;
    if (!s.on) in.p->discard_audio();
    acknowledge(in);
    return outcome::none;
}

void live_room::receive_binary(live_participant* p, std::string_view bytes,
                               protocol::unix_seconds now, std::int64_t steady_ms,
                               std::int64_t now_ms) {
    auto it = members_.find(p);
    if (it == members_.end() || ended_) return;
    auto& c = it->second;
    heard_from(p, c, now, std::nullopt);
    const auto user = c.member.user_id;
    if (!audio_.on() || !audio_.speaker() || audio_.speaker()->user_id != user) {
        if (!audio_.on() && c.member.staff())
            refuse(p, c, nullptr, "audio_off", "Start audio (audio_start) before sending it", now);
        else
            refuse(p, c, nullptr, "not_speaker",
                   "Only the speaker sends audio; binary messages carry nothing else", now);
        return;
    }
    auto parsed = protocol::audio::parse_speaker_packet(bytes);
    if (!parsed) {
        refuse(p, c, nullptr, parsed.err().code, parsed.err().message, now, parsed.err().field);
        return;
    }
    if (!audio_origin_ms_) {
        // The session's start on the steady clock, to the millisecond: the timeline's events
        // count from the same start (wall-clock ms less started_at), so audio and slides line up.
        const auto wall_ms = now_ms >= 0 ? now_ms : now * 1000;
        audio_origin_ms_ = steady_ms - std::max<std::int64_t>(0, wall_ms - started_wall_ms());
    }
    audio_lane::stamp st;
    const auto verdict = audio_.admit(user, parsed->duration_ms, steady_ms - *audio_origin_ms_, st,
                                      limits_.audio_paced);
    if (verdict == audio_lane::verdict::too_fast) {
        refuse(p, c, nullptr, "audio_too_fast", "Audio arrives faster than real time", now);
        return;
    }
    std::string record;
    protocol::audio::append_record(record, st.flags, st.seq, st.at_ms, parsed->duration_ms,
                                   parsed->packet);
    fan_out_audio(std::make_shared<const std::string>(std::move(record)), parsed->duration_ms,
                  user);
    if (journal_) {
        journal_->audio_packet(info_.session_id, st.seq, st.at_ms, parsed->duration_ms, st.flags,
                               parsed->packet);
        if (auto reserved = audio_.reservation_due())
            journal_->audio_changed(info_.session_id, audio_.durable_json(), *reserved);
    }
}

std::int64_t live_room::started_wall_ms() const {
    return info_.started_at.value_or(info_.window.from) * 1000;
}

std::int64_t live_room::audio_heard_ms() const {
    return audio_origin_ms_ ? started_wall_ms() + audio_.last_end_ms() : 0;
}

void live_room::fan_out_audio(const shared_message& record, std::uint16_t duration_ms,
                              std::int64_t speaker) {
    for (auto& [raw, c] : members_) {
        if (!c.audio_on || c.member.user_id == speaker) continue;
        if (auto p = c.participant.lock()) p->deliver_audio(record, duration_ms);
    }
}

}  // namespace daring::server
