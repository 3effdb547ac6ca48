#include "protocol/live.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/audio.hpp"
#include "protocol/validate.hpp"

namespace daring::protocol::live {

namespace {

const char* const type_names[] = {"heartbeat",
                                  "chat",
                                  "hand",
                                  "show_slide",
                                  "end_session",
                                  "delete_chat",
                                  "mute",
                                  "open_quiz",
                                  "close_quiz",
                                  "answer",
                                  "audio_start",
                                  "audio_stop",
                                  "give_floor",
                                  "take_floor",
                                  "audio_subscribe",
                                  "pointer",
                                  "ink",
                                  "ink_clear",
                                  "react",
                                  "question",
                                  "vote",
                                  "answer_question",
                                  "hide_question",
                                  "open_poll",
                                  "close_poll",
                                  "poll_answer"};

parsed_message fail(json id, std::string code, std::string message, std::string field = {}) {
    parsed_message out;
    out.id = std::move(id);
    out.problem = make_error(std::move(code), std::move(message), std::move(field));
    return out;
}

}  // namespace

std::string_view type_name(const client_message& m) {
    return type_names[m.index()];
}

bool is_staff_message(const client_message& m) {
    return std::holds_alternative<show_slide>(m) || std::holds_alternative<end_session>(m) ||
           std::holds_alternative<delete_chat>(m) || std::holds_alternative<mute>(m) ||
           std::holds_alternative<open_quiz>(m) || std::holds_alternative<close_quiz>(m) ||
           std::holds_alternative<audio_start>(m) || std::holds_alternative<audio_stop>(m) ||
           std::holds_alternative<give_floor>(m) || std::holds_alternative<take_floor>(m) ||
           std::holds_alternative<pointer_move>(m) || std::holds_alternative<ink_stroke>(m) ||
           std::holds_alternative<ink_clear>(m) || std::holds_alternative<answer_question>(m) ||
           std::holds_alternative<hide_question>(m) || std::holds_alternative<open_poll>(m) ||
           std::holds_alternative<close_poll>(m);
}

bool is_trainee_message(const client_message& m) {
    return std::holds_alternative<ask_question>(m) || std::holds_alternative<poll_answer>(m);
}

std::optional<reaction> reaction_from(std::string_view name) {
    for (std::size_t i = 0; i < reaction_kinds; ++i)
        if (reaction_names[i] == name) return static_cast<reaction>(i);
    return std::nullopt;
}

json to_json(const ink_stroke& s) {
    auto points = json::array();
    for (const auto& [x, y] : s.points) points.push_back({x, y});
    return {{"id", s.id}, {"color", s.color}, {"width", s.width}, {"points", std::move(points)}};
}

namespace {

// The audio lane's control messages; nullopt when `type` is not one of them.
std::optional<client_message> parse_audio_control(const std::string& type, const json& body,
                                                  field_reader& r) {
    if (type == "audio_start") {
        auto codec = r.required_string("codec", 1, 16);
        if (codec && *codec != "opus") r.fail("codec", "codec must be \"opus\"");
        auto rate = r.required_int("sample_rate", audio::sample_rate, audio::sample_rate);
        auto channels = r.required_int("channels", 1, 1);
        auto frame = r.required_int("frame_ms", audio::min_duration_ms, audio::max_duration_ms);
        auto bitrate = r.required_int("bitrate", audio::min_bitrate, audio::max_bitrate);
        if (!r.ok()) return audio_start{};
        return audio_start{*codec, static_cast<int>(*rate), static_cast<int>(*channels),
                           static_cast<int>(*frame), static_cast<int>(*bitrate)};
    }
    if (type == "audio_stop") return audio_stop{};
    if (type == "take_floor") return take_floor{};
    if (type == "give_floor") {
        auto user = r.required_int("user_id", 1, INT64_MAX);
        return give_floor{user.value_or(0)};
    }
    if (type == "audio_subscribe") {
        auto it = body.find("on");
        if (it == body.end() || it->is_null()) {
            r.fail("on", "on is required", "missing_field");
        } else if (!it->is_boolean()) {
            r.fail("on", "on must be true or false");
        } else {
            return audio_subscribe{it->get<bool>()};
        }
        return audio_subscribe{};
    }
    return std::nullopt;
}

// A share of the page: a number from 0 to 1.
std::optional<double> unit_number(const json& v) {
    if (!v.is_number()) return std::nullopt;
    const double d = v.get<double>();
    if (!(d >= 0.0 && d <= 1.0)) return std::nullopt;
    return d;
}

bool is_colour(const std::string& c) {
    if (c.size() != 7 || c[0] != '#') return false;
    for (std::size_t i = 1; i < 7; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(c[i]))) return false;
    return true;
}

std::optional<ink_stroke> read_stroke(const json& body, field_reader& r) {
    auto it = body.find("stroke");
    if (it == body.end() || !it->is_object()) {
        r.fail("stroke", "stroke must be {id, color, width, points}", "missing_field");
        return std::nullopt;
    }
    field_reader sr(*it, "stroke");
    ink_stroke s;
    auto id = it->find("id");
    if (id != it->end() && id->is_number_integer()) {
        s.id = std::to_string(id->get<std::int64_t>());
    } else {
        s.id = sr.required_line("id", 1, 32).value_or("");
    }
    s.color = sr.required_string("color", 7, 7).value_or("");
    if (sr.ok() && !is_colour(s.color)) sr.fail("color", "color must be #rrggbb");
    s.width = static_cast<int>(sr.required_int("width", 1, ink_width_limit).value_or(1));
    auto pts = it->find("points");
    if (sr.ok() &&
        (pts == it->end() || !pts->is_array() || pts->empty() || pts->size() > ink_points_limit))
        sr.fail("points",
                "points must hold 1 to " + std::to_string(ink_points_limit) + " [x, y] pairs");
    if (sr.ok()) {
        for (const auto& p : *pts) {
            std::optional<double> x, y;
            if (p.is_array() && p.size() == 2) {
                x = unit_number(p[0]);
                y = unit_number(p[1]);
            }
            if (!x || !y) {
                sr.fail("points", "each point is [x, y] with both from 0 to 1");
                break;
            }
            s.points.emplace_back(*x, *y);
        }
    }
    if (!sr.ok()) {
        r.fail_with(sr.first_error());
        return std::nullopt;
    }
    return s;
}

open_poll read_poll(const json& body, field_reader& r) {
    open_poll p;
    p.question = r.required_line("question", 1, poll_question_limit).value_or("");
    p.multiple = r.optional_bool("multiple").value_or(false);
    p.anonymous = r.optional_bool("anonymous").value_or(false);
    auto it = body.find("options");
    if (r.ok() && (it == body.end() || !it->is_array() || it->size() < poll_options_min ||
                   it->size() > poll_options_max)) {
        r.fail("options", "options must hold 2 to 10 texts",
               it == body.end() ? "missing_field" : "invalid_field");
        return p;
    }
    if (!r.ok()) return p;
    for (std::size_t i = 0; i < it->size(); ++i) {
        json one = {{"option", (*it)[i]}};
        field_reader o(one, "options[" + std::to_string(i) + "]");
        auto text = o.required_line("option", 1, poll_option_limit);
        if (!text) {
            r.fail("options", "each option is a text of 1 to 100 characters on one line");
            return p;
        }
        p.options.push_back(std::move(*text));
    }
    return p;
}

// Option indexes: a non-empty array of distinct integers (sorted here; checked against the
// poll by the room).
std::vector<int> read_choices(const json& body, field_reader& r) {
    std::vector<int> out;
    auto it = body.find("choices");
    if (it == body.end() || !it->is_array() || it->empty() || it->size() > poll_options_max) {
        r.fail("choices", "choices must hold 1 to 10 option indexes",
               it == body.end() ? "missing_field" : "invalid_field");
        return out;
    }
    for (const auto& c : *it) {
        if (!c.is_number_integer() || c.get<std::int64_t>() < 0 ||
            c.get<std::int64_t>() >= static_cast<std::int64_t>(poll_options_max)) {
            r.fail("choices", "each choice is an option index from 0");
            return {};
        }
        out.push_back(static_cast<int>(c.get<std::int64_t>()));
    }
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end()) {
        r.fail("choices", "an option is chosen at most once");
        return {};
    }
    return out;
}

// The pointer and the pen; nullopt when `type` is neither.
std::optional<client_message> parse_drawing(const std::string& type, const json& body,
                                            field_reader& r) {
    if (type == "pointer") {
        if (auto v = body.find("visible"); v != body.end() && v->is_boolean() && !v->get<bool>())
            return pointer_move{false, 0, 0};
        auto x = body.contains("x") ? unit_number(body["x"]) : std::nullopt;
        auto y = body.contains("y") ? unit_number(body["y"]) : std::nullopt;
        if (!x)
            r.fail("x", "x must be a number from 0 to 1");
        else if (!y)
            r.fail("y", "y must be a number from 0 to 1");
        return pointer_move{true, x.value_or(0), y.value_or(0)};
    }
    if (type == "ink") {
        auto s = read_stroke(body, r);
        return s ? client_message(std::move(*s)) : client_message(ink_stroke{});
    }
    if (type == "ink_clear") return ink_clear{};
    if (type == "react") {
        auto kind = r.required_string("kind", 1, 16);
        auto known = kind ? reaction_from(*kind) : std::nullopt;
        if (kind && !known)
            r.fail("kind", "kind must be like, clap, laugh, wow, love, too_fast or cant_hear");
        return react{known.value_or(reaction::like)};
    }
    return std::nullopt;
}

// Questions and polls; nullopt when `type` is none of them.
std::optional<client_message> parse_taking_part(const std::string& type, const json& body,
                                                field_reader& r) {
    if (type == "question") {
        auto text = r.required_string("text", 1, question_text_limit);
        auto anonymous = r.optional_bool("anonymous");
        return ask_question{text.value_or(""), anonymous.value_or(false)};
    }
    if (type == "vote") return vote{r.required_int("question_id", 1, INT64_MAX).value_or(0)};
    if (type == "answer_question") {
        auto question = r.required_int("question_id", 1, INT64_MAX);
        return answer_question{question.value_or(0), r.optional_string("text", answer_text_limit)};
    }
    if (type == "hide_question")
        return hide_question{r.required_int("question_id", 1, INT64_MAX).value_or(0)};
    if (type == "open_poll") return read_poll(body, r);
    if (type == "close_poll") {
        auto poll = r.required_int("poll_id", 1, INT64_MAX);
        auto publish = r.optional_bool("publish");
        return close_poll{poll.value_or(0), publish.value_or(false)};
    }
    if (type == "poll_answer") {
        auto poll = r.required_int("poll_id", 1, INT64_MAX);
        auto choices = read_choices(body, r);
        return poll_answer{poll.value_or(0), std::move(choices)};
    }
    return std::nullopt;
}

// The messages of the text protocol but audio control: fills `out.message` (or fails `r`), false
// when `type` is none of them.
bool parse_room_message(const std::string& type, const json& body, field_reader& r,
                        parsed_message& out) {
    auto bool_field = [&](const char* name, bool fallback, bool required) -> std::optional<bool> {
        auto it = body.find(name);
        if (it == body.end() || it->is_null()) {
            if (required) r.fail(name, std::string(name) + " is required", "missing_field");
            return fallback;
        }
        if (!it->is_boolean()) {
            r.fail(name, std::string(name) + " must be true or false");
            return std::nullopt;
        }
        return it->get<bool>();
    };
    if (type == "heartbeat") {
        auto visible = bool_field("visible", true, false);
        out.message = heartbeat{visible.value_or(true)};
    } else if (type == "chat") {
        auto t = r.required_string("text", 1, chat_text_limit);
        if (t) out.message = chat_send{*t};
    } else if (type == "hand") {
        auto up = bool_field("up", true, true);
        if (up) out.message = hand{*up};
    } else if (type == "show_slide") {
        auto index = r.required_int("index", 0, 10000);
        if (index) out.message = show_slide{static_cast<int>(*index)};
    } else if (type == "end_session") {
        out.message = end_session{};
    } else if (type == "delete_chat") {
        auto seq = r.required_int("seq", 0, INT64_MAX);
        if (seq) out.message = delete_chat{static_cast<std::uint64_t>(*seq)};
    } else if (type == "mute") {
        auto user = r.required_int("user_id", 1, INT64_MAX);
        auto muted = bool_field("muted", true, false);
        if (user && muted) out.message = mute{*user, *muted};
    } else if (type == "open_quiz") {
        auto quiz = r.required_int("quiz_id", 1, INT64_MAX);
        auto duration = r.required_int("duration_s", 5, 3600);
        if (quiz && duration) out.message = open_quiz{*quiz, static_cast<int>(*duration)};
    } else if (type == "close_quiz") {
        auto quiz = r.required_int("quiz_id", 1, INT64_MAX);
        if (quiz) out.message = close_quiz{*quiz};
    } else if (type == "answer") {
        auto quiz = r.required_int("quiz_id", 1, INT64_MAX);
        auto question = r.required_int("question_id", 1, INT64_MAX);
        auto it = body.find("answer");
        if (r.ok() && it == body.end()) r.fail("answer", "answer is required", "missing_field");
        if (r.ok()) out.message = answer{*quiz, *question, *it};
    } else {
        return false;
    }
    return true;
}

}  // namespace

parsed_message parse_client_message(std::string_view text) {
    if (text.size() > message_limit) {
        return fail(nullptr, "message_too_large", "A message is at most 64 KiB");
    }
    auto parsed = parse_json_object(text);
    if (!parsed) return fail(nullptr, parsed.err().code, parsed.err().message);
    const json& body = *parsed;
    json id = nullptr;
    if (auto it = body.find("id"); it != body.end()) {
        if ((it->is_string() && it->get_ref<const std::string&>().size() <= 64) ||
            it->is_number_integer()) {
            id = *it;
        } else {
            return fail(nullptr, "invalid_field",
                        "id must be a string of at most 64 characters or an integer", "id");
        }
    }
    auto type_it = body.find("type");
    if (type_it == body.end() || !type_it->is_string()) {
        return fail(id, "missing_field", "Every message needs a type", "type");
    }
    const auto& type = type_it->get_ref<const std::string&>();
    field_reader r(body);
    parsed_message out;
    out.id = id;
    if (!parse_room_message(type, body, r, out)) {
        auto control = parse_audio_control(type, body, r);
        if (!control) control = parse_drawing(type, body, r);
        if (!control) control = parse_taking_part(type, body, r);
        if (!control)
            return fail(id, "unknown_type", "Unknown message type '" + type.substr(0, 40) + "'",
                        "type");
        out.message = std::move(*control);
    }
    if (!r.ok()) {
        out.message.reset();
        out.problem = r.first_error();
    }
    return out;
}

std::string ack_message(const json& id) {
    return dump({{"type", "ack"}, {"id", id}});
}

std::string error_message(const json& id, std::string_view code, std::string_view message,
                          std::string_view field) {
    json j = {{"type", "error"}, {"code", code}, {"message", message}};
    if (!field.empty()) j["field"] = field;
    if (!id.is_null()) j["id"] = id;
    return dump(j);
}

}  // namespace daring::protocol::live
