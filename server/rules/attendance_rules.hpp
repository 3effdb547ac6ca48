#pragma once
// Attendance rules, pure: time present as the union of presence intervals clipped to the
// session window, time away (page hidden) apart from it, and the status per trainee.
// The thresholds are passed in: the caller uses the ones stored on the session when it went
// live, so later setting changes never rewrite history.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/time_format.hpp"

namespace daring::server {

struct time_span {
    protocol::unix_seconds from = 0;
    protocol::unix_seconds to = 0;  // exclusive; spans with to <= from are empty
};

// Seconds covered by the union of `spans` inside `window`.
std::int64_t union_seconds(const std::vector<time_span>& spans, time_span window);

struct presence_summary {
    std::int64_t seconds_present = 0;  // visible time, reconnects merged, clipped to the window
    std::int64_t seconds_away = 0;     // hidden time not also covered by visible time
    std::optional<protocol::unix_seconds> first_join;  // earliest presence inside the window
};

// `visible` and `hidden` are the spans of one trainee's connections (several may overlap).
presence_summary summarize_presence(const std::vector<time_span>& visible,
                                    const std::vector<time_span>& hidden, time_span window);

struct attendance_thresholds {
    int present_pct = 75;                         // of the session's duration
    protocol::unix_seconds late_after = 15 * 60;  // first join after start + this is late
};

enum class attendance_status { present, late, partial, absent, excused };
std::string_view to_string(attendance_status s);

enum class manual_mark { present, absent, excused };
// "present", "absent" or "excused"; nullopt for anything else.
std::optional<manual_mark> parse_manual_mark(std::string_view text);

struct attendance_evidence {
    presence_summary presence;
    std::optional<protocol::unix_seconds> checked_in_at;  // in-person check-in by code
    std::optional<manual_mark> mark;                      // the latest mark wins
};

// present: seconds present >= present_pct of the window, or checked in, or marked present;
// late: present but the first join (or check-in) came after start + late_after;
// partial: some presence below the threshold; absent: none; excused: by mark.
// A mark decides over everything else.
attendance_status decide_attendance(const attendance_evidence& e, time_span window,
                                    const attendance_thresholds& t);

// A session counts as attended when its status is present or late.
bool counts_as_attended(attendance_status s);
// Attended / held, in percent (0 when nothing was held).
double attendance_rate_pct(int attended, int held);
// How many of the `remaining` planned sessions a trainee who attended `attended` of `held` must
// still attend to finish at or above `minimum_pct` (0 when already safe whatever comes), or
// nullopt when even all of them are not enough.
std::optional<int> sessions_still_needed(int attended, int held, int remaining, int minimum_pct);

// A trainee's attendance evidence from before this connection (earlier connections, possibly
// before a restart), loaded at admission.
struct prior_attendance {
    std::vector<time_span> visible;
    std::vector<time_span> hidden;
    std::optional<protocol::unix_seconds> checked_in_at;
    std::optional<manual_mark> mark;
};

}  // namespace daring::server
