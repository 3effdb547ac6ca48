#pragma once
// The DAK accountability report of one funding source: per training, sessions planned and
// delivered by mode, every switch with its decree, trainees enrolled / attended / completed,
// the attendance rate and the mean pre/post gain; totals and the amount. Built inside a read job
// into values, then rendered as JSON or as a report table (CSV/XLSX).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "server/http/http_types.hpp"
#include "server/reports/report_table.hpp"
#include "server/rules/attendance_rules.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

struct funding_filter {
    std::optional<std::int64_t> from_day, to_day;  // local dates of the sessions' starts
    std::string region;                            // a region code and everything under it
};
// ?from=YYYY-MM-DD&to=YYYY-MM-DD&region=CODE; 400 `invalid_query` naming the parameter.
funding_filter parse_funding_filter(const http_request& req);

struct mode_counts {
    int in_person = 0, online = 0, hybrid = 0;
    void add(protocol::delivery_mode m);
    mode_counts& operator+=(const mode_counts& o);
};

// A training's figures, or (summed) the report's totals.
struct funding_figures {
    int trainings = 0;
    int sessions_planned = 0;
    mode_counts planned_by_mode, delivered_by_mode;
    int sessions_delivered = 0, sessions_cancelled = 0, sessions_postponed = 0;
    int sessions_not_yet_held = 0;
    int switches = 0;
    int trainees_enrolled = 0, trainees_attended = 0, trainees_completed = 0;
    long slots_attended = 0, slots_held = 0;  // trainee x session held
    double gain_sum = 0;
    int gain_n = 0;

    funding_figures& operator+=(const funding_figures& o);
    std::optional<double> attendance_rate_pct() const;
    std::optional<double> mean_gain() const;
};

struct funding_switch {
    protocol::delivery_decision decision;
    std::int64_t training_id = 0;
    std::string training_title;
};

struct funding_line {
    protocol::training training;
    funding_figures figures;
    std::vector<funding_switch> switches;
};

struct funding_report {
    protocol::funding_source source;
    funding_filter filter;
    std::vector<funding_line> lines;  // by training id
    funding_figures totals;
};

funding_report build_funding_report(storage::connection& c, const protocol::funding_source& f,
                                    const funding_filter& filter, protocol::unix_seconds now,
                                    const attendance_thresholds& current);
protocol::json to_json(const funding_report& r);
report_file to_table(const funding_report& r);

}  // namespace daring::server
