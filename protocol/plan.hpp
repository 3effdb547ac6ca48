#pragma once
// The training plan: regions and their gathering restrictions, funding sources, trainings,
// sessions with slides and their delivery record, delivery decisions and notifications.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/error.hpp"
#include "protocol/json_text.hpp"
#include "protocol/time_format.hpp"

namespace daring::protocol {

enum class delivery_mode { in_person, online, hybrid };
enum class switch_policy { automatic, approval };  // "auto" on the wire
enum class session_status { scheduled, pending_approval, postponed, live, ended, cancelled };
enum class funding_kind { dak, apbd, other };

std::optional<delivery_mode> parse_delivery_mode(std::string_view);
std::optional<switch_policy> parse_switch_policy(std::string_view);
std::optional<session_status> parse_session_status(std::string_view);
std::optional<funding_kind> parse_funding_kind(std::string_view);
std::string_view to_string(delivery_mode);
std::string_view to_string(switch_policy);
std::string_view to_string(session_status);
std::string_view to_string(funding_kind);
// Bahasa Indonesia names: "tatap muka", "daring", "hibrida".
std::string_view to_indonesian(delivery_mode);

inline constexpr std::size_t slide_body_limit = 64 * 1024;    // bytes of Markdown per slide
inline constexpr int deck_page_limit = 300;                   // pages of one deck
inline constexpr std::size_t slides_per_session_limit = 400;  // a 300-page deck and text
inline constexpr std::int64_t session_duration_limit = 12 * 3600;
inline constexpr std::size_t enrollment_batch_limit = 5000;

struct region {
    std::string code;
    std::string name;
    int utc_offset_minutes = default_utc_offset_minutes;
};

struct restriction {
    std::int64_t id = 0;
    std::string region_code;
    std::int64_t starts_on = 0;           // days since the epoch, local date
    std::optional<std::int64_t> ends_on;  // inclusive; none = until lifted
    int max_gathering = 0;
    std::string label;      // PSBB, PPKM level 3...
    std::string reference;  // the decree
    unix_seconds created_at = 0;
    // True when the restriction is in force on local date `day`.
    bool covers(std::int64_t day) const {
        return starts_on <= day && (!ends_on || day <= *ends_on);
    }
};

struct funding_source {
    std::int64_t id = 0;
    std::string code;
    std::string name;
    funding_kind kind = funding_kind::dak;
    int fiscal_year = 2020;
    std::int64_t amount_idr = 0;
};

struct training {
    std::int64_t id = 0;
    std::string title;
    std::string description;
    std::string region_code;
    std::int64_t funding_source_id = 0;
    std::string venue;
    delivery_mode planned_mode = delivery_mode::in_person;
    switch_policy policy = switch_policy::automatic;
    int min_attendance_pct = 80;
    int pass_score = 60;
    std::optional<int> room_capacity;  // seats in the venue, for hybrid sessions
    // A session replayed for at least the present percentage counts as attended (copied onto
    // each session when it goes live).
    bool replay_counts_for_completion = false;
    // Reminders before each session, in hours before its start (at most 4, 1 to 168 each).
    std::vector<int> reminder_hours = {24, 1};
    unix_seconds created_at = 0;
};

// A page of a trainer's deck shown as a slide: its images are WebP files named by content
// hash (`small` 480 px wide, `large` 1280 px wide), served under page_url.
struct slide_page {
    std::int64_t deck_id = 0;
    int n = 0;                  // 1-based page number in the deck
    int width = 0, height = 0;  // of the large image, in pixels
    std::string small, large;   // content hashes
    std::int64_t small_bytes = 0, large_bytes = 0;
};

// A slide: typed Markdown, or a deck page (`body` then holds the page's text).
struct slide {
    std::string title;
    std::string body;
    std::optional<slide_page> page;
};

// Where a deck page's image is served: /api/v1/decks/{deck_id}/pages/{hash}.webp
std::string page_url(std::int64_t deck_id, const std::string& hash);
// A slide as every answer and live event shows it: {title, body, page?}, its page's pictures as
// URLs. `stored`: as the nodes pass slides to each other, the pictures as their stored names
// (slides_from_json reads that back).
json slide_json(const slide& s, bool stored = false);
// Slides written by slide_json(s, true), read back; nullopt when `j` is not such a list.
std::optional<std::vector<slide>> slides_from_json(const json& j);

struct delivery {
    delivery_mode mode = delivery_mode::in_person;
    session_status status = session_status::scheduled;
    std::string reason;     // English
    std::string reason_id;  // Bahasa Indonesia
    std::optional<delivery_mode> recommended_mode;
    std::optional<std::int64_t> restriction_id;
    unix_seconds decided_at = 0;
    std::optional<std::int64_t> decided_by;  // admin user id; none = the system
    bool overridden = false;                 // an admin decision is in force
};

struct session {
    std::int64_t id = 0;
    std::int64_t training_id = 0;
    std::string title;
    unix_seconds starts_at = 0;
    unix_seconds ends_at = 0;
    std::vector<slide> slides;
    delivery current;
    std::optional<unix_seconds> started_at;  // when it went live
    std::optional<unix_seconds> ended_at;
    // The attendance thresholds in force when it went live (none before): later setting
    // changes never rewrite its attendance.
    std::optional<int> present_pct;
    std::optional<int> late_after_s;
    // The training's replay_counts_for_completion when it went live (none before).
    std::optional<bool> replay_counts;
    // Its recording is ready to replay: the session ended, its timeline is complete, and it
    // was not deleted or expired.
    bool recording_ready = false;
};

struct delivery_decision {
    std::int64_t id = 0;
    std::int64_t session_id = 0;
    std::string session_title;
    delivery_mode from_mode = delivery_mode::in_person;
    session_status from_status = session_status::scheduled;
    delivery_mode to_mode = delivery_mode::in_person;
    session_status to_status = session_status::scheduled;
    std::string reason;
    std::string reason_id;
    std::string restriction_reference;     // empty when none
    std::optional<std::int64_t> actor_id;  // none = system
    unix_seconds at = 0;
};

struct notification {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::optional<std::int64_t> training_id;
    std::optional<std::int64_t> session_id;
    std::string kind;
    std::string text_id;
    std::string text_en;
    unix_seconds created_at = 0;
    // For messages outside the app: the kind's parameters (filling channel templates) and the
    // time after which a message is pointless (a moved session once it started).
    json params = json::object();
    std::optional<unix_seconds> expires_at;
};

// Request bodies.
struct restriction_patch {
    std::optional<std::int64_t> ends_on;  // none = in force until further notice
};
// What PATCH /trainings/{id} may change. The region and funding source stay: reports and the
// delivery history of a training rest on them.
struct training_patch {
    std::optional<std::string> title, description, venue;
    std::optional<delivery_mode> planned_mode;
    std::optional<switch_policy> policy;
    std::optional<int> min_attendance_pct, pass_score;
    std::optional<std::optional<int>> room_capacity;  // a null value clears it
    std::optional<bool> replay_counts_for_completion;
    std::optional<std::vector<int>> reminder_hours;
};
// The training with the patch applied.
training apply_patch(training t, const training_patch& p);

struct session_patch {
    std::optional<std::string> title;
    std::optional<unix_seconds> starts_at;
    std::optional<unix_seconds> ends_at;
    std::optional<std::vector<slide>> slides;
};
struct delivery_request {
    enum class kind { set_mode, postpone, cancel, clear } action = kind::set_mode;
    delivery_mode mode = delivery_mode::online;
    std::string reason;
};

result<region> parse_region(const json& body);
result<restriction> parse_restriction(const json& body);  // region_code comes from the path
result<restriction_patch> parse_restriction_patch(const json& body);
result<funding_source> parse_funding_source(const json& body);
result<training> parse_training(const json& body);
result<session> parse_session(const json& body);
result<session_patch> parse_session_patch(const json& body);
result<training_patch> parse_training_patch(const json& body);
result<delivery_request> parse_delivery_request(const json& body);
result<std::vector<std::int64_t>> parse_user_ids(const json& body);
// A CSV of usernames: one per line, an optional "username" header.
result<std::vector<std::string>> parse_username_csv(std::string_view text);

json to_json(const region&);
json to_json(const restriction&);
json to_json(const funding_source&);
json to_json(const training&);
json to_json(const delivery&);
json to_json(const session&, bool with_slides = true);
json to_json(const delivery_decision&);
json to_json(const notification&);

}  // namespace daring::protocol
