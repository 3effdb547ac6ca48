#include "server/rules/attendance_rules.hpp"

#include <algorithm>

namespace daring::server {

namespace {

// Clips to the window, drops empty spans, sorts and merges.
std::vector<time_span> merged(const std::vector<time_span>& spans, time_span window) {
    std::vector<time_span> clipped;
    clipped.reserve(spans.size());
    for (auto s : spans) {
        s.from = std::max(s.from, window.from);
        s.to = std::min(s.to, window.to);
        if (s.to > s.from) clipped.push_back(s);
    }
    std::sort(clipped.begin(), clipped.end(),
              [](const time_span& a, const time_span& b) { return a.from < b.from; });
    std::vector<time_span> out;
    for (const auto& s : clipped) {
        if (!out.empty() && s.from <= out.back().to) {
            out.back().to = std::max(out.back().to, s.to);
        } else {
            out.push_back(s);
        }
    }
    return out;
}

std::int64_t total(const std::vector<time_span>& spans) {
    std::int64_t sum = 0;
    for (const auto& s : spans) sum += s.to - s.from;
    return sum;
}

}  // namespace

std::int64_t union_seconds(const std::vector<time_span>& spans, time_span window) {
    return total(merged(spans, window));
}

presence_summary summarize_presence(const std::vector<time_span>& visible,
                                    const std::vector<time_span>& hidden, time_span window) {
    presence_summary out;
    auto shown = merged(visible, window);
    out.seconds_present = total(shown);
    // Away: hidden time minus whatever another connection had visible at the same moment.
    auto away = merged(hidden, window);
    std::int64_t overlap = 0;
    for (const auto& a : away) {
        for (const auto& v : shown) {
            const auto from = std::max(a.from, v.from), to = std::min(a.to, v.to);
            if (to > from) overlap += to - from;
        }
    }
    out.seconds_away = total(away) - overlap;
    std::optional<protocol::unix_seconds> first;
    if (!shown.empty()) first = shown.front().from;
    if (!away.empty() && (!first || away.front().from < *first)) first = away.front().from;
    out.first_join = first;
    return out;
}

std::optional<manual_mark> parse_manual_mark(std::string_view text) {
    if (text == "present") return manual_mark::present;
    if (text == "absent") return manual_mark::absent;
    if (text == "excused") return manual_mark::excused;
    return std::nullopt;
}

std::string_view to_string(attendance_status s) {
    switch (s) {
        case attendance_status::present:
            return "present";
        case attendance_status::late:
            return "late";
        case attendance_status::partial:
            return "partial";
        case attendance_status::absent:
            return "absent";
        case attendance_status::excused:
            return "excused";
    }
    return "absent";
}

attendance_status decide_attendance(const attendance_evidence& e, time_span window,
                                    const attendance_thresholds& t) {
    if (e.mark) {
        switch (*e.mark) {
            case manual_mark::excused:
                return attendance_status::excused;
            case manual_mark::absent:
                return attendance_status::absent;
            case manual_mark::present:
                return attendance_status::present;
        }
    }
    const auto duration = std::max<std::int64_t>(1, window.to - window.from);
    const bool enough = e.presence.seconds_present * 100 >= duration * t.present_pct;
    if (enough || e.checked_in_at) {
        std::optional<protocol::unix_seconds> arrived = e.presence.first_join;
        if (e.checked_in_at && (!arrived || *e.checked_in_at < *arrived)) arrived = e.checked_in_at;
        if (arrived && *arrived > window.from + t.late_after) return attendance_status::late;
        return attendance_status::present;
    }
    if (e.presence.seconds_present > 0) return attendance_status::partial;
    return attendance_status::absent;
}

bool counts_as_attended(attendance_status s) {
    return s == attendance_status::present || s == attendance_status::late;
}

double attendance_rate_pct(int attended, int held) {
    return held <= 0 ? 0.0 : 100.0 * attended / held;
}

std::optional<int> sessions_still_needed(int attended, int held, int remaining, int minimum_pct) {
    const long total = static_cast<long>(held) + std::max(remaining, 0);
    const long short_by = static_cast<long>(minimum_pct) * total - 100L * attended;  // in 1/100
    const long needed = short_by <= 0 ? 0 : (short_by + 99) / 100;
    if (needed > remaining) return std::nullopt;
    return static_cast<int>(needed);
}

}  // namespace daring::server
