#pragma once
// Quiz reports: the results of one quiz (the counted submission per trainee, answers per
// question) and a training's pre/post comparison. Built inside a read job into values, then
// rendered as JSON or as a report table (CSV/XLSX).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "protocol/quiz.hpp"
#include "server/reports/report_table.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

struct quiz_result_row {
    std::int64_t user_id = 0;  // omitted from the output of anonymous polls
    std::string username;
    std::string full_name;
    double score = 0;
    int max_score = 0;
    double percent = 0;
    std::string source;  // live | self_paced
    protocol::unix_seconds submitted_at = 0;
    protocol::json answers;  // question id (text) -> answer
};

struct question_summary {
    std::size_t index = 0;  // of the question in quiz_results::q
    int answered = 0;
    protocol::json counts;  // option index -> count, or "true"/"false", "correct"/"incorrect"
    std::optional<double> share_correct;  // scored quizzes only
};

struct quiz_results {
    protocol::quiz q;
    double mean_percent = 0;
    std::vector<quiz_result_row> rows;  // the counted submission of each trainee
    std::vector<question_summary> questions;
};
quiz_results build_quiz_results(storage::connection& c, protocol::quiz q);
protocol::json to_json(const quiz_results& r);
report_file to_table(const quiz_results& r);

struct pre_post_row {
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::optional<double> pre, post, gain;  // percent; gain when both exist
};

struct pre_post_report {
    std::int64_t training_id = 0;
    int utc_offset_minutes = protocol::default_utc_offset_minutes;
    std::optional<protocol::quiz> pre, post;
    int both = 0;      // trainees with both scores
    int improved = 0;  // of those, with a positive gain
    double gain_sum = 0;
    std::vector<pre_post_row> rows;  // every enrolled trainee
};
pre_post_report build_pre_post(storage::connection& c, const protocol::training& t);
protocol::json to_json(const pre_post_report& r);
report_file to_table(const pre_post_report& r);

}  // namespace daring::server
