// Recordings of live sessions: GET /sessions/{id}/recording (the timeline), GET
// /sessions/{id}/recording/audio (Ogg Opus, with Range), GET .../offline (one HTML file),
// POST .../progress (replay progress), PUT .../my-chat (hide one's own chat lines),
// DELETE /sessions/{id}/recording.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "protocol/validate.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/decks/deck_converter.hpp"
#include "server/http/byte_range.hpp"
#include "server/http/file_body.hpp"
#include "server/recording/offline_page.hpp"
#include "server/recording/recording.hpp"
#include "server/recording/recording_store.hpp"
#include "server/rules/replay_rules.hpp"
#include "server/services/training_access.hpp"
#include "server/util/base64.hpp"
#include "server/util/tokens.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/live_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;
namespace fs = std::filesystem;

namespace {

const char* const no_recording = "This session has no recording";

// The session if the caller may see its recording (`need`): it went live and its recording
// was not deleted; 404 otherwise, as for outsiders.
session recorded_session(request_context& ctx, connection& c, const access_need& need) {
    auto s = require_session(c, ctx.params.integer("id"), ctx.user(), need);
    if (!s.started_at || storage::recording_deleted(c, s.id))
        throw http_error(404, "not_found", no_recording);
    return s;
}

// How long after its end a session whose room left no `session_ended` in the timeline (ended
// while no room was in memory) counts as complete.
constexpr unix_seconds timeline_settle_s = 5;

// Ready once the session ended and its timeline is complete: the room's last event is stored
// (the timeline is written once a second), or the end is old enough.
bool is_ready(connection& c, const session& s, unix_seconds now) {
    if (s.current.status != session_status::ended) return false;
    if (s.ended_at && now - *s.ended_at >= timeline_settle_s) return true;
    return !storage::session_events(c, s.id, {"session_ended"}).empty();
}

fs::path audio_path(const request_context& ctx, std::int64_t session_id) {
    return recording_store(ctx.svc.options.recordings_dir).audio_path(session_id);
}

// The audio file of an ended session, built once from the stored packets and written
// atomically; nullopt when the session has no audio.
std::optional<fs::path> audio_file(const request_context& ctx, const session& s) {
    const auto path = audio_path(ctx, s.id);
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path;
    auto packets = ctx.svc.db.read([&](connection& c) { return storage::session_audio(c, s.id); });
    auto bytes = recording_audio(s.id, s.title, packets);
    if (bytes.empty()) return std::nullopt;
    fs::create_directories(path.parent_path(), ec);
    // Two requests may build it at once: each writes its own file; the last rename wins, and
    // both are the same bytes.
    const auto temporary = path.string() + "." + random_token(6) + ".part";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error("cannot write the recording " + temporary);
    }
    fs::rename(temporary, path);
    return path;
}

// A recording as GET /recording answers it, with the session and its audio file.
struct loaded_recording {
    session s;
    json body;
    std::optional<fs::path> audio;
};

json audio_json(const session& s, const fs::path& file,
                const std::optional<storage::audio_tail>& tail) {
    return {{"codec", "opus"},
            {"bytes", fs::file_size(file)},
            {"duration_ms", tail ? tail->end_ms : 0},
            {"url", "/api/v1/sessions/" + std::to_string(s.id) + "/recording/audio"}};
}

// The caller's own side of a recording: where their replay stands and whether they hid their
// chat lines.
json my_replay(connection& c, std::int64_t session_id, std::int64_t user_id, bool chat_hidden) {
    const auto cursor = storage::find_replay_cursor(c, session_id, user_id);
    const auto ranges = storage::replay_ranges_of(c, session_id, user_id);
    const auto played = ranges.empty() ? 0 : covered_ms(ranges.begin()->second);
    return {{"position_ms", cursor ? cursor->position_ms : 0},
            {"seconds_replayed", played / 1000},
            {"chat_hidden", chat_hidden}};
}

// The session's ring events with the pointer's moves merged in, in time order.
std::vector<storage::timeline_event> timeline_events(connection& c, std::int64_t session_id) {
    auto events = storage::session_events(c, session_id);
    auto pointer = storage::session_pointer_events(c, session_id);
    const auto middle = events.size();
    events.insert(events.end(), pointer.begin(), pointer.end());
    std::inplace_merge(events.begin(), events.begin() + static_cast<long>(middle), events.end(),
                       [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
    return events;
}

loaded_recording load_recording(request_context& ctx) {
    struct rows {
        session s;
        bool staff = false;
        std::vector<storage::timeline_event> events;
        std::optional<storage::audio_tail> tail;
        bool ready = false;
        std::set<std::int64_t> hidden;
        json mine;
    };
    auto l = ctx.svc.db.read([&](connection& c) {
        rows out;
        out.s = recorded_session(ctx, c, any_member);
        out.staff = role_in_training(c, out.s.training_id, ctx.user()) == training_role::staff;
        out.events = timeline_events(c, out.s.id);
        out.tail = storage::find_audio_tail(c, out.s.id);
        out.ready = is_ready(c, out.s, ctx.svc.clk.now());
        for (auto id : storage::hidden_chat_users(c, out.s.id)) out.hidden.insert(id);
        out.mine = my_replay(c, out.s.id, ctx.user().id, out.hidden.contains(ctx.user().id));
        return out;
    });
    auto events = recording_timeline(l.events, *l.s.started_at * 1000, l.staff, l.hidden);
    std::int64_t duration = l.tail ? l.tail->end_ms : 0;
    if (!events.empty())
        duration = std::max(duration, events.back().value("at_ms", std::int64_t{0}));
    loaded_recording out{l.s, {}, l.ready ? audio_file(ctx, l.s) : std::nullopt};
    json audio = out.audio ? audio_json(l.s, *out.audio, l.tail) : json(nullptr);
    out.body = {
        {"session_id", l.s.id},
        {"status", l.ready ? "ready" : "recording"},
        {"duration_ms", duration},
        {"audio", std::move(audio)},
        {"offline_url", "/api/v1/sessions/" + std::to_string(l.s.id) + "/recording/offline"},
        {"mine", std::move(l.mine)},
        {"events", std::move(events)}};
    return out;
}

http_response recording(request_context& ctx) {
    return json_response(200, load_recording(ctx).body);
}

// Read size for the offline page's audio: a multiple of 3, so each piece's base64 continues the
// previous one's.
constexpr std::size_t offline_piece = 3 * 16 * 1024;

// The small pictures of the deck pages the recording shows (its slide events, and the first
// slide, shown before any), as data URIs by URL. A page whose file is gone is left out (the
// offline page then shows the page's text).
json offline_pages(const request_context& ctx, const json& events, const json& slides) {
    std::set<std::string> urls;
    auto want = [&](const json& s) {
        if (s.contains("page") && s["page"].is_object()) urls.insert(s["page"].value("small", ""));
    };
    if (!slides.empty()) want(slides[0]);
    for (const auto& e : events)
        if (e.value("type", "") == "slide") want(e);
    json out = json::object();
    for (const auto& url : urls) {
        const auto name = url.substr(url.rfind('/') + 1);
        const auto hash = name.substr(0, name.find('.'));
        auto file = ctx.svc.decks.assets().find(hash);
        if (!file) continue;
        std::ifstream in(*file, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
        out[url] = "data:image/webp;base64," + base64(bytes);
    }
    return out;
}

// The offline file: the player, the timeline, the slides and the audio in one HTML page,
// streamed from the audio file (base64 piece by piece) with its exact length.
http_response recording_offline(request_context& ctx) {
    auto l = load_recording(ctx);
    if (l.body["status"] != "ready")
        throw http_error(404, "not_found", "The offline file is ready once the session ends");
    auto slides = json::array();
    for (const auto& sl : l.s.slides) slides.push_back(slide_json(sl));
    const auto lang = ctx.req.query_param("lang").value_or("id") == "en" ? "en" : "id";
    auto parts = offline_page_parts(l.s.title, l.body, slides, l.audio.has_value(), lang,
                                    offline_pages(ctx, l.body["events"], slides));
    http_response res;
    if (l.audio) {
        const auto size = fs::file_size(*l.audio);
        res.stream_length = parts.head.size() + base64_size(size) + parts.tail.size();
        res.stream = std::make_shared<file_body_source>(
            *l.audio, 0, size, std::move(parts.head), std::move(parts.tail),
            [](std::string_view piece) { return base64(piece); }, offline_piece);
    } else {
        res.body = std::move(parts.head);
    }
    res.set_header("Content-Type", "text/html; charset=utf-8");
    res.set_header("Content-Disposition",
                   "attachment; filename=\"rekaman-sesi-" + std::to_string(l.s.id) + ".html\"");
    res.set_header("Cache-Control", "private, no-cache");
    return res;
}

http_response recording_audio_file(request_context& ctx) {
    auto s = ctx.svc.db.read([&](connection& c) {
        auto found = recorded_session(ctx, c, any_member);
        if (!is_ready(c, found, ctx.svc.clk.now()))
            throw http_error(404, "not_found", "The audio is ready once the session ends");
        return found;
    });
    auto file = audio_file(ctx, s);
    if (!file) throw http_error(404, "not_found", "This session's recording has no audio");
    const auto size = fs::file_size(*file);
    const auto etag = "\"" + std::to_string(size) + "-" + std::to_string(s.id) + "\"";
    http_response res;
    res.set_header("Content-Type", "audio/ogg");
    res.set_header("Accept-Ranges", "bytes");
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "private, no-cache");
    if (ctx.req.header("if-none-match") == etag) {
        res.status = 304;
        return res;
    }
    const auto range = parse_byte_range(ctx.req.header("range"), size);
    if (range.result == byte_range::kind::unsatisfiable) {
        auto refused = error_response(416, "range_not_satisfiable",
                                      "The range starts past the end of the audio");
        refused.set_header("Content-Range", "bytes */" + std::to_string(size));
        return refused;
    }
    std::uint64_t first = 0, count = size;
    if (range.result == byte_range::kind::partial) {
        res.status = 206;
        first = range.first;
        count = range.last - range.first + 1;
        res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                            std::to_string(range.last) + "/" +
                                            std::to_string(size));
    }
    res.stream_length = count;
    res.stream = std::make_shared<file_body_source>(*file, first, count);
    return res;
}

// The recording's length for replay progress: the audio's end or the session's span.
std::int64_t recording_span_ms(connection& c, const session& s) {
    std::int64_t span = s.ended_at && s.started_at ? (*s.ended_at - *s.started_at) * 1000 : 0;
    if (auto tail = storage::find_audio_tail(c, s.id)) span = std::max(span, tail->end_ms);
    return span;
}

// POST /recording/progress {position_ms, playing}: the range played since the last report
// joins the caller's played ranges; answers the seconds replayed so far.
http_response replay_progress(request_context& ctx) {
    const auto body = ctx.json_body();
    field_reader r(body);
    auto position = r.required_int("position_ms", 0, 24LL * 3600 * 1000);
    auto playing = r.optional_bool("playing");
    if (r.ok() && !playing) r.fail("playing", "playing is required", "missing_field");
    if (!r.ok()) throw http_error(422, r.first_error());
    const replay_report report{*position, *playing};
    const auto now_ms = ctx.arrived_ms();
    const auto user_id = ctx.user().id;
    auto seconds = ctx.svc.db.write([&](connection& c) {
        auto s = recorded_session(ctx, c, any_member);
        if (!is_ready(c, s, ctx.svc.clk.now()))
            throw http_error(409, "not_ready", "Replay starts once the session has ended");
        auto ranges = storage::replay_ranges_of(c, s.id, user_id)[user_id];
        const auto previous = storage::find_replay_cursor(c, s.id, user_id);
        if (auto played = played_range(previous, report, now_ms, recording_span_ms(c, s))) {
            ranges.push_back(*played);
            ranges = merge_ranges(std::move(ranges));
            storage::replace_replay_ranges(c, s.id, user_id, ranges);
        }
        storage::save_replay_cursor(c, s.id, user_id, replay_cursor{*position, *playing, now_ms});
        return covered_ms(ranges) / 1000;
    });
    return json_response(200, {{"seconds_replayed", seconds}});
}

// PUT /recording/my-chat {hidden}: the caller's chat lines leave (or return to) the recording,
// its timeline and offline file, for every viewer.
http_response my_chat_visibility(request_context& ctx) {
    const auto body = ctx.json_body();
    field_reader r(body);
    auto hidden = r.optional_bool("hidden");
    if (r.ok() && !hidden) r.fail("hidden", "hidden is required", "missing_field");
    if (!r.ok()) throw http_error(422, r.first_error());
    ctx.svc.db.write([&](connection& c) {
        auto s = recorded_session(ctx, c, any_member);
        storage::set_chat_hidden(c, s.id, ctx.user().id, *hidden, ctx.svc.clk.now());
        ctx.audit(c, *hidden ? "recording.hide_chat" : "recording.show_chat",
                  "session:" + std::to_string(s.id));
    });
    return json_response(200, {{"hidden", *hidden}});
}

http_response delete_recording(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    ctx.svc.db.write([&](connection& c) {
        recorded_session(ctx, c,
                         {training_role::staff, when_denied::forbid,
                          "Only the training's trainers or an admin can delete it"});
        storage::delete_recording(c, id, ctx.user().id, ctx.svc.clk.now());
        ctx.audit(c, "recording.delete", "session:" + std::to_string(id));
    });
    recording_store(ctx.svc.options.recordings_dir).remove_audio(id);
    return no_content();
}

}  // namespace

void add_recording_routes(router& r) {
    r.add({
        {"GET", "/api/v1/sessions/{id:int}/recording", access::signed_in(), recording, on_reports},
        {"GET", "/api/v1/sessions/{id:int}/recording/audio", access::signed_in(),
         recording_audio_file, on_reports},
        {"GET", "/api/v1/sessions/{id:int}/recording/offline", access::signed_in(),
         recording_offline, on_reports},
        {"POST", "/api/v1/sessions/{id:int}/recording/progress", access::signed_in(),
         replay_progress},
        {"PUT", "/api/v1/sessions/{id:int}/recording/my-chat", access::signed_in(),
         my_chat_visibility},
        {"DELETE", "/api/v1/sessions/{id:int}/recording", staff_only, delete_recording},
    });
}

}  // namespace daring::server
