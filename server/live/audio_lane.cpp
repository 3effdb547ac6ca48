#include "server/live/audio_lane.hpp"

#include <algorithm>

#include "protocol/audio.hpp"

namespace daring::server {

using protocol::json;

json audio_lane::state_json() const {
    json speaker = nullptr;
    if (on_ && speaker_) speaker = {{"user_id", speaker_->user_id}, {"name", speaker_->name}};
    if (!on_) {
        return {{"on", false},         {"codec", nullptr},    {"sample_rate", nullptr},
                {"channels", nullptr}, {"frame_ms", nullptr}, {"bitrate", nullptr},
                {"speaker", nullptr}};
    }
    return {{"on", true},
            {"codec", settings_.codec},
            {"sample_rate", settings_.sample_rate},
            {"channels", settings_.channels},
            {"frame_ms", settings_.frame_ms},
            {"bitrate", settings_.bitrate},
            {"speaker", std::move(speaker)}};
}

json audio_lane::durable_json() const {
    auto j = state_json();
    if (on_ && speaker_) j["speaker"]["staff"] = speaker_->staff;
    if (on_ && giver_) j["giver"] = {{"user_id", giver_->user_id}, {"name", giver_->name}};
    return j;
}

void audio_lane::start(const protocol::live::audio_start& settings, audio_speaker by) {
    on_ = true;
    settings_ = settings;
    speaker_ = std::move(by);
    giver_.reset();
    discontinuity_ = true;
}

void audio_lane::stop() {
    on_ = false;
    speaker_.reset();
    giver_.reset();
    discontinuity_ = true;
}

void audio_lane::give(audio_speaker trainee, audio_speaker giver) {
    giver_ = std::move(giver);
    speaker_ = std::move(trainee);
    discontinuity_ = true;
}

void audio_lane::take(audio_speaker staff) {
    speaker_ = std::move(staff);
    giver_.reset();
    discontinuity_ = true;
}

bool audio_lane::user_left(std::int64_t user_id) {
    if (!on_ || !speaker_ || speaker_->staff || speaker_->user_id != user_id) return false;
    speaker_ = giver_;
    giver_.reset();
    discontinuity_ = true;
    return true;
}

audio_lane::verdict audio_lane::admit(std::int64_t user_id, std::uint16_t duration_ms,
                                      std::int64_t elapsed_ms, stamp& out, bool paced) {
    if (!on_) return verdict::audio_off;
    if (!speaker_ || speaker_->user_id != user_id) return verdict::not_speaker;
    // Real time refills the budget; a packet spends its duration.
    if (budget_at_ms_) {
        budget_ms_ = std::min(audio_burst_ms,
                              budget_ms_ + std::max<std::int64_t>(0, elapsed_ms - *budget_at_ms_));
    }
    budget_at_ms_ = std::max(elapsed_ms, budget_at_ms_.value_or(elapsed_ms));
    if (paced && budget_ms_ < duration_ms) return verdict::too_fast;
    budget_ms_ -= duration_ms;

    std::int64_t at = std::max({elapsed_ms, last_end_ms_, std::int64_t{0}});
    if (restored_) {
        // Listeners of the process before may have had stamps up to a burst ahead of real time
        // that never reached the journal: start past every one of them, never earlier.
        at = std::max(at, elapsed_ms + audio_burst_ms);
        restored_ = false;
    }
    last_end_ms_ = at + duration_ms;
    out.flags = discontinuity_ ? protocol::audio::flag_discontinuity : 0;
    out.seq = next_seq_++;
    out.at_ms = static_cast<std::uint32_t>(std::min<std::int64_t>(at, UINT32_MAX));
    discontinuity_ = false;
    return verdict::accepted;
}

std::optional<std::uint32_t> audio_lane::reservation_due() {
    if (next_seq_ + audio_seq_reserve / 4 <= reserved_) return std::nullopt;
    reserved_ = next_seq_ + audio_seq_reserve;
    return reserved_;
}

void audio_lane::restore(const json& state, std::uint32_t next_seq, std::int64_t last_end_ms) {
    next_seq_ = next_seq;
    reserved_ = next_seq;
    last_end_ms_ = last_end_ms;
    discontinuity_ = true;
    restored_ = true;
    if (!state.is_object() || !state.value("on", false)) return;
    on_ = true;
    settings_.codec = state.value("codec", std::string("opus"));
    settings_.sample_rate = state.value("sample_rate", 48000);
    settings_.channels = state.value("channels", 1);
    settings_.frame_ms = state.value("frame_ms", 40);
    settings_.bitrate = state.value("bitrate", 16000);
    const auto& sp = state.value("speaker", json(nullptr));
    const auto& giver = state.value("giver", json(nullptr));
    // A trainee's floor did not survive the restart (their socket is gone): back to the giver.
    const json& who = sp.is_object() && sp.value("staff", true) ? sp : giver;
    if (who.is_object())
        speaker_ = audio_speaker{who.value("user_id", std::int64_t{0}),
                                 who.value("name", std::string()), true};
}

}  // namespace daring::server
