#include "protocol/plan.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "protocol/csv.hpp"
#include "protocol/validate.hpp"

namespace daring::protocol {

std::optional<delivery_mode> parse_delivery_mode(std::string_view s) {
    if (s == "in_person") return delivery_mode::in_person;
    if (s == "online") return delivery_mode::online;
    if (s == "hybrid") return delivery_mode::hybrid;
    return std::nullopt;
}
std::optional<switch_policy> parse_switch_policy(std::string_view s) {
    if (s == "auto") return switch_policy::automatic;
    if (s == "approval") return switch_policy::approval;
    return std::nullopt;
}
std::optional<session_status> parse_session_status(std::string_view s) {
    if (s == "scheduled") return session_status::scheduled;
    if (s == "pending_approval") return session_status::pending_approval;
    if (s == "postponed") return session_status::postponed;
    if (s == "live") return session_status::live;
    if (s == "ended") return session_status::ended;
    if (s == "cancelled") return session_status::cancelled;
    return std::nullopt;
}
std::optional<funding_kind> parse_funding_kind(std::string_view s) {
    if (s == "DAK") return funding_kind::dak;
    if (s == "APBD") return funding_kind::apbd;
    if (s == "other") return funding_kind::other;
    return std::nullopt;
}
std::string_view to_string(delivery_mode m) {
    switch (m) {
        case delivery_mode::in_person:
            return "in_person";
        case delivery_mode::online:
            return "online";
        case delivery_mode::hybrid:
            return "hybrid";
    }
    return "in_person";
}
std::string_view to_indonesian(delivery_mode m) {
    switch (m) {
        case delivery_mode::in_person:
            return "tatap muka";
        case delivery_mode::online:
            return "daring";
        case delivery_mode::hybrid:
            return "hibrida";
    }
    return "tatap muka";
}
std::string_view to_string(switch_policy p) {
    return p == switch_policy::approval ? "approval" : "auto";
}
std::string_view to_string(session_status s) {
    switch (s) {
        case session_status::scheduled:
            return "scheduled";
        case session_status::pending_approval:
            return "pending_approval";
        case session_status::postponed:
            return "postponed";
        case session_status::live:
            return "live";
        case session_status::ended:
            return "ended";
        case session_status::cancelled:
            return "cancelled";
    }
    return "scheduled";
}
std::string_view to_string(funding_kind k) {
    switch (k) {
        case funding_kind::dak:
            return "DAK";
        case funding_kind::apbd:
            return "APBD";
        case funding_kind::other:
            return "other";
    }
    return "other";
}

namespace {

error expect_object() {
    return make_error("expected_object", "The body must be a JSON object");
}

template <class T, class Parse>
std::optional<T> read_enum(field_reader& r, std::string_view name, Parse parse,
                           const char* allowed) {
    auto text = r.required_string(name, 1, 32);
    if (!text) return std::nullopt;
    auto v = parse(*text);
    if (!v) r.fail(name, std::string(name) + " must be one of " + allowed);
    return v;
}

bool valid_code(std::string_view s) {
    if (s.empty() || s.size() > 50) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-' || c == '/';
        if (!ok) return false;
    }
    return true;
}

// A deck page named by `page: {deck_id, n}` (the storage fills in the rest, or refuses it)
// or a text slide {title, body}.
std::optional<slide> read_slide(const json& item, field_reader& sr) {
    slide out;
    if (auto p = item.find("page"); p != item.end() && !p->is_null()) {
        if (!p->is_object()) {
            sr.fail("page", "page must be {deck_id, n}");
            return std::nullopt;
        }
        field_reader pr(*p, sr.path_of("page"));
        auto deck = pr.required_int("deck_id", 1, std::numeric_limits<std::int64_t>::max());
        auto n = pr.required_int("n", 1, deck_page_limit);
        if (!pr.ok()) {
            sr.fail_with(pr.first_error());
            return std::nullopt;
        }
        out.page = slide_page{.deck_id = *deck, .n = static_cast<int>(*n)};
        out.title = sr.optional_line("title", 200);
    } else {
        auto title = sr.required_line("title", 1, 200);
        if (title) out.title = *title;
    }
    out.body = sr.optional_string("body", slide_body_limit);
    if (sr.ok() && out.body.size() > slide_body_limit)
        sr.fail("body", "a slide body is at most 64 KiB");
    if (!sr.ok()) return std::nullopt;
    return out;
}

std::optional<std::vector<slide>> read_slides(const json& body, field_reader& r) {
    std::vector<slide> out;
    if (!r.ok()) return std::nullopt;
    auto it = body.find("slides");
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_array()) {
        r.fail("slides", "slides must be an array of {title, body}");
        return std::nullopt;
    }
    if (it->size() > slides_per_session_limit) {
        r.fail("slides",
               "at most " + std::to_string(slides_per_session_limit) + " slides per session");
        return std::nullopt;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& item = (*it)[i];
        field_reader sr(item, "slides[" + std::to_string(i) + "]");
        if (!item.is_object()) {
            r.fail("slides[" + std::to_string(i) + "]", "each slide must be an object");
            return std::nullopt;
        }
        auto one = read_slide(item, sr);
        if (!one) {
            r.fail_with(sr.first_error());
            return std::nullopt;
        }
        out.push_back(std::move(*one));
    }
    return out;
}

}  // namespace

result<region> parse_region(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    auto code = r.required_line("code", 2, 13);
    if (code && !valid_region_code(*code)) r.fail("code", "code must look like 62 or 62.71");
    auto name = r.required_line("name", 1, 200);
    auto offset = r.required_int("utc_offset_minutes", -720, 840);
    if (offset && *offset % 15 != 0)
        r.fail("utc_offset_minutes", "utc_offset_minutes must be a multiple of 15 (WIB is " +
                                         std::to_string(wib_utc_offset_minutes) + ")");
    if (!r.ok()) return r.first_error();
    return region{*code, *name, static_cast<int>(*offset)};
}

result<restriction> parse_restriction(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    restriction out;
    auto starts = r.required_date("starts_on");
    auto ends = r.optional_date("ends_on");
    auto max = r.required_int("max_gathering", 0, 1000000);
    auto label = r.required_line("label", 1, 100);
    auto reference = r.required_line("reference", 1, 300);
    if (r.ok() && ends && *ends < *starts)
        r.fail("ends_on", "ends_on must not be before starts_on");
    if (!r.ok()) return r.first_error();
    out.starts_on = *starts;
    out.ends_on = ends;
    out.max_gathering = static_cast<int>(*max);
    out.label = *label;
    out.reference = *reference;
    return out;
}

result<restriction_patch> parse_restriction_patch(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    bool present = false;
    auto ends = r.optional_date("ends_on", &present);
    if (r.ok() && !present)
        r.fail("ends_on", "ends_on is required (a date, or null for no end)", "missing_field");
    for (auto it = body.begin(); r.ok() && it != body.end(); ++it) {
        if (it.key() != "ends_on")
            r.fail(it.key(), "only ends_on can change; add a new restriction instead");
    }
    if (!r.ok()) return r.first_error();
    return restriction_patch{ends};
}

result<funding_source> parse_funding_source(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    auto code = r.required_line("code", 1, 50);
    if (code && !valid_code(*code)) r.fail("code", "code may hold letters, digits and . _ - /");
    auto name = r.required_line("name", 1, 200);
    auto kind = read_enum<funding_kind>(r, "kind", parse_funding_kind, "DAK, APBD, other");
    auto year = r.required_int("fiscal_year", 2000, 2100);
    auto amount = r.required_int("amount_idr", 0, 1'000'000'000'000'000LL);
    if (!r.ok()) return r.first_error();
    return funding_source{0, *code, *name, *kind, static_cast<int>(*year), *amount};
}

namespace {

// reminder_hours: a list of at most 4 distinct whole hours, 1 to 168 (a week), largest first.
std::optional<std::vector<int>> read_reminder_hours(field_reader& r, const json& value) {
    const char* message = "reminder_hours must be a list of at most 4 hours, each 1 to 168";
    if (!value.is_array() || value.size() > 4) {
        r.fail("reminder_hours", message);
        return std::nullopt;
    }
    std::vector<int> hours;
    for (const auto& h : value) {
        if (!h.is_number_integer() || h.get<std::int64_t>() < 1 || h.get<std::int64_t>() > 168) {
            r.fail("reminder_hours", message);
            return std::nullopt;
        }
        hours.push_back(h.get<int>());
    }
    std::sort(hours.rbegin(), hours.rend());
    if (std::adjacent_find(hours.begin(), hours.end()) != hours.end()) {
        r.fail("reminder_hours", "reminder_hours must not repeat an hour");
        return std::nullopt;
    }
    return hours;
}

}  // namespace

result<training> parse_training(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    training t;
    auto title = r.required_line("title", 1, 200);
    t.description = r.optional_string("description", 5000);
    auto region = r.required_string("region_code", 2, 13);
    if (region && !valid_region_code(*region))
        r.fail("region_code", "region_code must look like 62 or 62.71");
    auto funding = r.required_int("funding_source_id", 1, INT64_MAX);
    t.venue = r.optional_line("venue", 200);
    auto mode = read_enum<delivery_mode>(r, "planned_mode", parse_delivery_mode,
                                         "in_person, online, hybrid");
    auto policy =
        read_enum<switch_policy>(r, "switch_policy", parse_switch_policy, "auto, approval");
    auto min_pct = r.optional_int("min_attendance_pct", 0, 100);
    auto pass = r.optional_int("pass_score", 0, 100);
    auto capacity = r.optional_int("room_capacity", 1, 100000);
    t.replay_counts_for_completion =
        r.optional_bool("replay_counts_for_completion").value_or(false);
    if (body.contains("reminder_hours")) {
        if (auto hours = read_reminder_hours(r, body["reminder_hours"])) t.reminder_hours = *hours;
    }
    if (!r.ok()) return r.first_error();
    t.title = *title;
    t.region_code = *region;
    t.funding_source_id = *funding;
    t.planned_mode = *mode;
    t.policy = *policy;
    t.min_attendance_pct = static_cast<int>(min_pct.value_or(80));
    t.pass_score = static_cast<int>(pass.value_or(60));
    if (capacity) t.room_capacity = static_cast<int>(*capacity);
    return t;
}

namespace {
void check_window(field_reader& r, unix_seconds starts, unix_seconds ends) {
    if (ends <= starts) {
        r.fail("ends_at", "ends_at must be after starts_at");
    } else if (ends - starts > session_duration_limit) {
        r.fail("ends_at", "a session lasts at most 12 hours");
    }
}
}  // namespace

result<session> parse_session(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    session s;
    auto title = r.required_line("title", 1, 200);
    auto starts = r.required_time("starts_at");
    auto ends = r.required_time("ends_at");
    if (r.ok()) check_window(r, *starts, *ends);
    auto slides = read_slides(body, r);
    if (!r.ok()) return r.first_error();
    s.title = *title;
    s.starts_at = *starts;
    s.ends_at = *ends;
    s.slides = std::move(*slides);
    return s;
}

result<session_patch> parse_session_patch(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    session_patch p;
    static const std::set<std::string> known = {"title", "starts_at", "ends_at", "slides"};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!known.contains(it.key())) r.fail(it.key(), it.key() + " cannot be changed here");
    }
    if (r.has("title")) p.title = r.required_line("title", 1, 200);
    if (r.has("starts_at")) p.starts_at = r.required_time("starts_at");
    if (r.has("ends_at")) p.ends_at = r.required_time("ends_at");
    if (r.has("slides")) p.slides = read_slides(body, r);
    if (!r.ok()) return r.first_error();
    if (body.empty()) return make_error("empty_patch", "Nothing to change");
    return p;
}

result<training_patch> parse_training_patch(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    training_patch p;
    static const std::set<std::string> known = {
        "title",         "description",   "venue",
        "planned_mode",  "switch_policy", "min_attendance_pct",
        "pass_score",    "room_capacity", "replay_counts_for_completion",
        "reminder_hours"};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!known.contains(it.key())) r.fail(it.key(), it.key() + " cannot be changed here");
    }
    if (r.has("title")) p.title = r.required_line("title", 1, 200);
    if (r.has("description")) p.description = r.optional_string("description", 5000);
    if (r.has("venue")) p.venue = r.optional_line("venue", 200);
    if (r.has("planned_mode"))
        p.planned_mode = read_enum<delivery_mode>(r, "planned_mode", parse_delivery_mode,
                                                  "in_person, online, hybrid");
    if (r.has("switch_policy"))
        p.policy =
            read_enum<switch_policy>(r, "switch_policy", parse_switch_policy, "auto, approval");
    if (r.has("min_attendance_pct")) {
        if (auto v = r.required_int("min_attendance_pct", 0, 100))
            p.min_attendance_pct = static_cast<int>(*v);
    }
    if (r.has("pass_score")) {
        if (auto v = r.required_int("pass_score", 0, 100)) p.pass_score = static_cast<int>(*v);
    }
    if (body.contains("room_capacity")) {
        if (body["room_capacity"].is_null()) {
            p.room_capacity = std::optional<int>{};
        } else if (auto v = r.required_int("room_capacity", 1, 100000)) {
            p.room_capacity = static_cast<int>(*v);
        }
    }
    if (r.has("replay_counts_for_completion")) {
        p.replay_counts_for_completion = r.optional_bool("replay_counts_for_completion");
        if (!p.replay_counts_for_completion)
            r.fail("replay_counts_for_completion",
                   "replay_counts_for_completion must be true or false");
    }
    if (body.contains("reminder_hours"))
        p.reminder_hours = read_reminder_hours(r, body["reminder_hours"]);
    if (!r.ok()) return r.first_error();
    if (body.empty()) return make_error("empty_patch", "Nothing to change");
    return p;
}

training apply_patch(training t, const training_patch& p) {
    if (p.reminder_hours) t.reminder_hours = *p.reminder_hours;
    if (p.title) t.title = *p.title;
    if (p.description) t.description = *p.description;
    if (p.venue) t.venue = *p.venue;
    if (p.planned_mode) t.planned_mode = *p.planned_mode;
    if (p.policy) t.policy = *p.policy;
    if (p.min_attendance_pct) t.min_attendance_pct = *p.min_attendance_pct;
    if (p.pass_score) t.pass_score = *p.pass_score;
    if (p.room_capacity) t.room_capacity = *p.room_capacity;
    if (p.replay_counts_for_completion)
        t.replay_counts_for_completion = *p.replay_counts_for_completion;
    return t;
}

result<delivery_request> parse_delivery_request(const json& body) {
    if (!body.is_object()) return expect_object();
    field_reader r(body);
    delivery_request out;
    if (r.has("action")) {
        auto action = r.required_string("action", 1, 20);
        if (action == "postpone")
            out.action = delivery_request::kind::postpone;
        else if (action == "cancel")
            out.action = delivery_request::kind::cancel;
        else if (action == "clear")
            out.action = delivery_request::kind::clear;
        else if (action)
            r.fail("action", "action must be postpone, cancel or clear (or send mode)");
        if (r.ok() && r.has("mode")) r.fail("mode", "send either mode or action, not both");
    } else {
        auto mode =
            read_enum<delivery_mode>(r, "mode", parse_delivery_mode, "in_person, online, hybrid");
        if (mode) out.mode = *mode;
    }
    if (r.ok() && out.action != delivery_request::kind::clear) {
        auto reason = r.required_string("reason", 1, 500);
        if (reason) out.reason = *reason;
    }
    if (!r.ok()) return r.first_error();
    return out;
}

result<std::vector<std::int64_t>> parse_user_ids(const json& body) {
    if (!body.is_object()) return expect_object();
    auto it = body.find("user_ids");
    if (it == body.end() || !it->is_array() || it->empty()) {
        return make_error("invalid_field", "user_ids must be a non-empty array of user ids",
                          "user_ids");
    }
    if (it->size() > enrollment_batch_limit) {
        return make_error("invalid_field", "at most 5000 user_ids at once", "user_ids");
    }
    std::vector<std::int64_t> ids;
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& v = (*it)[i];
        if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
            return make_error("invalid_field", "user ids are positive integers",
                              "user_ids[" + std::to_string(i) + "]");
        }
        if (seen.insert(v.get<std::int64_t>()).second) ids.push_back(v.get<std::int64_t>());
    }
    return ids;
}

result<std::vector<std::string>> parse_username_csv(std::string_view text) {
    auto records = parse_csv(text);
    if (!records) return records.err();
    std::vector<std::string> names;
    error problems = make_error("invalid_csv", "Some lines are invalid; nobody was enrolled");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < records->size(); ++i) {
        const auto& rec = (*records)[i];
        auto name = rec.fields.empty() ? std::string{} : trim(rec.fields[0]);
        if (i == 0 && name == "username") continue;
        if (rec.fields.size() != 1 || name.empty()) {
            problems.lines.push_back({rec.line, "username", "one username per line"});
            continue;
        }
        if (seen.insert(name).second) names.push_back(name);
    }
    if (!problems.lines.empty()) return problems;
    if (names.empty()) return make_error("empty_csv", "The CSV lists no usernames");
    if (names.size() > enrollment_batch_limit)
        return make_error("too_many_rows", "At most 5000 usernames at once");
    return names;
}

json to_json(const region& r) {
    return {{"code", r.code}, {"name", r.name}, {"utc_offset_minutes", r.utc_offset_minutes}};
}

json to_json(const restriction& r) {
    return {{"id", r.id},
            {"region_code", r.region_code},
            {"starts_on", format_date(r.starts_on)},
            {"ends_on", r.ends_on ? json(format_date(*r.ends_on)) : json(nullptr)},
            {"max_gathering", r.max_gathering},
            {"label", r.label},
            {"reference", r.reference},
            {"created_at", format_rfc3339(r.created_at)}};
}

json to_json(const funding_source& f) {
    return {{"id", f.id},
            {"code", f.code},
            {"name", f.name},
            {"kind", to_string(f.kind)},
            {"fiscal_year", f.fiscal_year},
            {"amount_idr", f.amount_idr}};
}

json to_json(const training& t) {
    return {{"id", t.id},
            {"title", t.title},
            {"description", t.description},
            {"region_code", t.region_code},
            {"funding_source_id", t.funding_source_id},
            {"venue", t.venue},
            {"planned_mode", to_string(t.planned_mode)},
            {"switch_policy", to_string(t.policy)},
            {"min_attendance_pct", t.min_attendance_pct},
            {"pass_score", t.pass_score},
            {"room_capacity", t.room_capacity ? json(*t.room_capacity) : json(nullptr)},
            {"replay_counts_for_completion", t.replay_counts_for_completion},
            {"reminder_hours", t.reminder_hours},
            {"created_at", format_rfc3339(t.created_at)}};
}

json to_json(const delivery& d) {
    return {{"mode", to_string(d.mode)},
            {"status", to_string(d.status)},
            {"reason", d.reason},
            {"reason_i18n", {{"id", d.reason_id}, {"en", d.reason}}},
            {"recommended_mode",
             d.recommended_mode ? json(to_string(*d.recommended_mode)) : json(nullptr)},
            {"restriction_id", d.restriction_id ? json(*d.restriction_id) : json(nullptr)},
            {"decided_at", format_rfc3339(d.decided_at)},
            {"decided_by", d.decided_by ? json(*d.decided_by) : json("system")},
            {"overridden", d.overridden}};
}

std::string page_url(std::int64_t deck_id, const std::string& hash) {
    return "/api/v1/decks/" + std::to_string(deck_id) + "/pages/" + hash + ".webp";
}

json slide_json(const slide& s, bool stored) {
    json j = {{"title", s.title}, {"body", s.body}};
    if (s.page) {
        const auto& p = *s.page;
        j["page"] = {{"deck_id", p.deck_id},
                     {"n", p.n},
                     {"width", p.width},
                     {"height", p.height},
                     {"small", stored ? p.small : page_url(p.deck_id, p.small)},
                     {"large", stored ? p.large : page_url(p.deck_id, p.large)},
                     {"small_bytes", p.small_bytes},
                     {"large_bytes", p.large_bytes}};
    }
    return j;
}

std::optional<std::vector<slide>> slides_from_json(const json& j) {
    if (!j.is_array()) return std::nullopt;
    std::vector<slide> out;
    try {
        for (const auto& item : j) {
            slide s{item.at("title").get<std::string>(), item.at("body").get<std::string>(),
                    std::nullopt};
            if (item.contains("page")) {
                const auto& p = item["page"];
                s.page = slide_page{p.at("deck_id").get<std::int64_t>(),
                                    p.at("n").get<int>(),
                                    p.at("width").get<int>(),
                                    p.at("height").get<int>(),
                                    p.at("small").get<std::string>(),
                                    p.at("large").get<std::string>(),
                                    p.at("small_bytes").get<std::int64_t>(),
                                    p.at("large_bytes").get<std::int64_t>()};
            }
            out.push_back(std::move(s));
        }
    } catch (const json::exception&) {
        return std::nullopt;
    }
    return out;
}

json to_json(const session& s, bool with_slides) {
    json j = {{"id", s.id},
              {"training_id", s.training_id},
              {"title", s.title},
              {"starts_at", format_rfc3339(s.starts_at)},
              {"ends_at", format_rfc3339(s.ends_at)},
              {"delivery", to_json(s.current)},
              {"started_at", s.started_at ? json(format_rfc3339(*s.started_at)) : json(nullptr)},
              {"ended_at", s.ended_at ? json(format_rfc3339(*s.ended_at)) : json(nullptr)},
              {"recording_ready", s.recording_ready}};
    if (s.present_pct && s.late_after_s) {
        j["attendance_thresholds"] = {{"present_pct", *s.present_pct},
                                      {"late_after_s", *s.late_after_s},
                                      {"replay_counts", s.replay_counts.value_or(false)}};
    }
    if (with_slides) {
        auto slides = json::array();
        for (const auto& sl : s.slides) slides.push_back(slide_json(sl));
        j["slides"] = std::move(slides);
    } else {
        j["slide_count"] = s.slides.size();
    }
    return j;
}

json to_json(const delivery_decision& d) {
    return {{"id", d.id},
            {"session_id", d.session_id},
            {"session_title", d.session_title},
            {"from", {{"mode", to_string(d.from_mode)}, {"status", to_string(d.from_status)}}},
            {"to", {{"mode", to_string(d.to_mode)}, {"status", to_string(d.to_status)}}},
            {"reason", d.reason},
            {"reason_i18n", {{"id", d.reason_id}, {"en", d.reason}}},
            {"restriction_reference",
             d.restriction_reference.empty() ? json(nullptr) : json(d.restriction_reference)},
            {"actor", d.actor_id ? json({{"kind", "admin"}, {"user_id", *d.actor_id}})
                                 : json({{"kind", "system"}})},
            {"at", format_rfc3339(d.at)}};
}

json to_json(const notification& n) {
    return {{"id", n.id},
            {"kind", n.kind},
            {"training_id", n.training_id ? json(*n.training_id) : json(nullptr)},
            {"session_id", n.session_id ? json(*n.session_id) : json(nullptr)},
            {"text", {{"id", n.text_id}, {"en", n.text_en}}},
            {"created_at", format_rfc3339(n.created_at)}};
}

}  // namespace daring::protocol
