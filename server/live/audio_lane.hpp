#pragma once
// A live session's audio lane, as rules without sockets: whether audio is on and with which
// settings, who holds the floor, and the stamping of each packet the speaker sends (audio_seq,
// ms since the session started, the discontinuity flag). live_room owns one; tests drive it
// directly. Not thread-safe (the room's strand).
//
// The floor: a trainer or admin who starts audio or takes the floor speaks; a trainer gives it
// to a connected trainee and takes it back at any time. A trainee's floor ends when their last
// socket closes (it returns to the trainer who gave it); a trainer keeps it across reconnects.
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/json_text.hpp"
#include "protocol/live.hpp"

namespace daring::server {

struct audio_speaker {
    std::int64_t user_id = 0;
    std::string name;
    bool staff = false;
};

// Audio a speaker may send ahead of real time (a burst after a stall), in ms; beyond it packets
// are refused (`audio_too_fast`) until real time catches up.
inline constexpr std::int64_t audio_burst_ms = 3000;
// audio_seq values are reserved durably this far ahead, so that after a crash the lane
// continues past every seq a listener may have seen.
inline constexpr std::uint32_t audio_seq_reserve = 4096;

class audio_lane {
  public:
    bool on() const { return on_; }
    const protocol::live::audio_start& settings() const { return settings_; }
    const std::optional<audio_speaker>& speaker() const { return speaker_; }
    // {on, codec, sample_rate, channels, frame_ms, bitrate, speaker:{user_id,name}|null}; the
    // settings are null while audio is off.
    protocol::json state_json() const;
    // What a restart needs: state_json with whether the speaker is staff and whom a trainee's
    // floor returns to.
    protocol::json durable_json() const;

    void start(const protocol::live::audio_start& settings, audio_speaker by);
    void stop();
    void give(audio_speaker trainee, audio_speaker giver);
    void take(audio_speaker staff);
    // A user's last socket closed: true when the floor moved (a trainee's floor ends).
    bool user_left(std::int64_t user_id);

    struct stamp {
        std::uint8_t flags = 0;
        std::uint32_t seq = 0;
        std::uint32_t at_ms = 0;
    };
    enum class verdict { accepted, audio_off, not_speaker, too_fast };
    // A packet of `duration_ms` from `user_id`, `elapsed_ms` after the session started:
    // accepted with its stamp (stamps never go back and never overlap the previous packet).
    // `paced`: refuse audio beyond audio_burst_ms ahead of real time (benchmarks turn it off).
    verdict admit(std::int64_t user_id, std::uint16_t duration_ms, std::int64_t elapsed_ms,
                  stamp& out, bool paced = true);

    // The next seq to reserve up to, when the durable reservation must move (else nullopt).
    std::optional<std::uint32_t> reservation_due();
    std::uint32_t next_seq() const { return next_seq_; }
    // Where the last stamped packet ends, in ms after the session's start.
    std::int64_t last_end_ms() const { return last_end_ms_; }

    // After a restart: the stored state (state_json's shape), the seq to continue from and
    // where the last stored packet ended. The first packet after it is a discontinuity.
    void restore(const protocol::json& state, std::uint32_t next_seq, std::int64_t last_end_ms);

  private:
    bool on_ = false;
    protocol::live::audio_start settings_;
    std::optional<audio_speaker> speaker_;
    std::optional<audio_speaker> giver_;  // whom a trainee's floor returns to
    bool discontinuity_ = true;
    std::uint32_t next_seq_ = 0;
    std::uint32_t reserved_ = 0;
    std::int64_t last_end_ms_ = 0;
    bool restored_ = false;  // rebuilt after a restart: the next stamp clears the old ones
    std::int64_t budget_ms_ = audio_burst_ms;
    std::optional<std::int64_t> budget_at_ms_;
};

}  // namespace daring::server
