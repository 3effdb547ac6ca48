#pragma once
// The live protocol's client messages (docs/protocol.md): parsing with error codes, and the
// helpers that build server messages. Pure: no sockets.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/error.hpp"
#include "protocol/json_text.hpp"

namespace daring::protocol::live {

inline constexpr std::size_t message_limit = 64 * 1024;  // bytes per client message
inline constexpr std::size_t chat_text_limit = 500;      // characters per chat message

struct heartbeat {
    bool visible = true;
};
struct chat_send {
    std::string text;
};
struct hand {
    bool up = true;
};
struct show_slide {
    int index = 0;
};
struct end_session {};
struct delete_chat {
    std::uint64_t seq = 0;  // the chat event's seq
};
struct mute {
    std::int64_t user_id = 0;
    bool muted = true;
};
struct open_quiz {
    std::int64_t quiz_id = 0;
    int duration_s = 60;
};
struct close_quiz {
    std::int64_t quiz_id = 0;
};
struct answer {
    std::int64_t quiz_id = 0;
    std::int64_t question_id = 0;
    json value;
};

// The audio lane's control messages (the packets themselves are binary: protocol/audio.hpp).
struct audio_start {
    std::string codec = "opus";
    int sample_rate = 48000;
    int channels = 1;
    int frame_ms = 40;
    int bitrate = 16000;  // bit/s
};
struct audio_stop {};
struct give_floor {
    std::int64_t user_id = 0;
};
struct take_floor {};
struct audio_subscribe {
    bool on = true;
};

// The pointer and the pen over a deck page (trainers and admins). Coordinates are shares of
// the page's width and height, 0..1, so every screen draws them at its own size.
inline constexpr std::size_t ink_points_limit = 500;   // points of one stroke
inline constexpr std::size_t ink_strokes_limit = 200;  // strokes kept on one slide
inline constexpr int ink_width_limit = 40;             // thousandths of the page's width
struct pointer_move {
    bool visible = true;
    double x = 0, y = 0;
};
struct ink_stroke {
    std::string id;     // the drawer's id for the stroke (at most 32 characters)
    std::string color;  // "#rrggbb"
    int width = 4;      // thousandths of the page's width, 1..ink_width_limit
    std::vector<std::pair<double, double>> points;
};
struct ink_clear {};
json to_json(const ink_stroke& s);

// Reactions and the two signals a trainer needs on a bad link (`react {kind}`, no ack): the
// room counts them and sends the totals at most once a second (`reactions`); the signals
// (too_fast, cant_hear) reach trainers and admins only.
enum class reaction { like, clap, laugh, wow, love, too_fast, cant_hear };
inline constexpr std::size_t reaction_kinds = 7;
inline constexpr std::array<std::string_view, reaction_kinds> reaction_names{
    "like", "clap", "laugh", "wow", "love", "too_fast", "cant_hear"};
inline constexpr bool is_signal(reaction r) {
    return r == reaction::too_fast || r == reaction::cant_hear;
}
std::optional<reaction> reaction_from(std::string_view name);
struct react {
    reaction kind = reaction::like;
};

// Questions and quick polls (docs/protocol.md, "Taking part"). A question's text has the chat
// limit; a poll has poll_options_min..poll_options_max options of at most poll_option_limit
// characters each, and a question of at most poll_question_limit.
inline constexpr std::size_t question_text_limit = chat_text_limit;
inline constexpr std::size_t answer_text_limit = 1000;
inline constexpr std::size_t poll_question_limit = 300;
inline constexpr std::size_t poll_option_limit = 100;
inline constexpr std::size_t poll_options_min = 2;
inline constexpr std::size_t poll_options_max = 10;
struct ask_question {
    std::string text;
    bool anonymous = false;
};
struct vote {
    std::int64_t question_id = 0;
};
struct answer_question {
    std::int64_t question_id = 0;
    std::string text;  // empty: answered live
};
struct hide_question {
    std::int64_t question_id = 0;
};
struct open_poll {
    std::string question;
    std::vector<std::string> options;
    bool multiple = false;
    bool anonymous = false;
};
struct close_poll {
    std::int64_t poll_id = 0;
    bool publish = false;
};
struct poll_answer {
    std::int64_t poll_id = 0;
    std::vector<int> choices;  // option indexes, ascending, no repeats
};

using client_message =
    std::variant<heartbeat, chat_send, hand, show_slide, end_session, delete_chat, mute, open_quiz,
                 close_quiz, answer, audio_start, audio_stop, give_floor, take_floor,
                 audio_subscribe, pointer_move, ink_stroke, ink_clear, react, ask_question, vote,
                 answer_question, hide_question, open_poll, close_poll, poll_answer>;

struct parsed_message {
    json id;  // the client's id (string or integer) or null; echoed in ack/error
    std::optional<client_message> message;
    std::optional<error> problem;  // codes: malformed_json, json_too_deep, message_too_large,
                                   // unknown_type, missing_field, invalid_field
};

parsed_message parse_client_message(std::string_view text);

// Trainer and admin only: show_slide, end_session, delete_chat, mute, open_quiz, close_quiz,
// audio_start, audio_stop, give_floor, take_floor, pointer, ink, ink_clear, answer_question,
// hide_question, open_poll, close_poll.
bool is_staff_message(const client_message& m);
// Trainee only: question, poll_answer.
bool is_trainee_message(const client_message& m);
std::string_view type_name(const client_message& m);

// {"type":"ack","id":...}
std::string ack_message(const json& id);
// {"type":"error","id"?:...,"code":...,"message":...}
std::string error_message(const json& id, std::string_view code, std::string_view message,
                          std::string_view field = {});

}  // namespace daring::protocol::live
