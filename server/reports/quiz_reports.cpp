#include "server/reports/quiz_reports.hpp"

#include "server/reports/pre_post.hpp"
#include "server/reports/report_response.hpp"
#include "server/rules/quiz_scoring.hpp"
#include "server/rules/quiz_tally.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

question_summary summarize(const quiz& q, std::size_t index,
                           const std::vector<quiz_result_row>& rows) {
    const auto& question = q.questions[index];
    question_summary out;
    out.index = index;
    auto t = empty_tally(question);
    const auto key = std::to_string(question.id);
    for (const auto& row : rows)
        if (row.answers.contains(key)) count_answer(question, row.answers[key], t);
    out.answered = t.answered;
    out.counts = std::move(t.counts);
    if (is_scored(q.kind)) out.share_correct = share_correct(t);
    return out;
}

json quiz_ref(const std::optional<quiz>& q) {
    return q ? json({{"id", q->id}, {"title", q->title}}) : json(nullptr);
}

}  // namespace

quiz_results build_quiz_results(connection& c, quiz q) {
    quiz_results out;
    out.q = std::move(q);
    const auto all = storage::submissions_of(c, out.q.id);
    double sum = 0;
    for (const auto& [user, sub] : counted_by_user(out.q, all)) {
        const auto percent = percent_of(sub->score, sub->max_score);
        sum += percent;
        out.rows.push_back({user, sub->username, sub->full_name, sub->score, sub->max_score,
                            percent, sub->source, sub->submitted_at, sub->answers});
    }
    if (!out.rows.empty()) out.mean_percent = sum / out.rows.size();
    for (std::size_t i = 0; i < out.q.questions.size(); ++i)
        out.questions.push_back(summarize(out.q, i, out.rows));
    return out;
}

json to_json(const quiz_results& r) {
    auto trainees = json::array();
    for (const auto& row : r.rows) {
        json t = {{"score", row.score},     {"max_score", row.max_score},
                  {"percent", row.percent}, {"source", row.source},
                  {"answers", row.answers}, {"submitted_at", format_rfc3339(row.submitted_at)}};
        if (!r.q.anonymous) {
            t["user_id"] = row.user_id;
            t["username"] = row.username;
            t["full_name"] = row.full_name;
        }
        trainees.push_back(std::move(t));
    }
    auto questions = json::array();
    for (const auto& s : r.questions) {
        const auto& question = r.q.questions[s.index];
        json qj = {{"question_id", question.id},
                   {"prompt", question.prompt},
                   {"type", to_string(question.type)},
                   {"answered", s.answered},
                   {"counts", s.counts}};
        if (s.share_correct) qj["share_correct"] = *s.share_correct;
        questions.push_back(std::move(qj));
    }
    return {{"quiz", to_json(r.q)},
            {"submitted", r.rows.size()},
            {"mean_percent", r.mean_percent},
            {"trainees", std::move(trainees)},
            {"questions", std::move(questions)}};
}

// One row per trainee, an answer column per question.
report_file to_table(const quiz_results& r) {
    report_sheet sheet;
    sheet.name = "Hasil kuis";
    const bool named = !r.q.anonymous;
    if (named) {
        sheet.columns = {{"ID peserta", "User ID", column_type::integer},
                         {"Nama pengguna", "Username", column_type::text},
                         {"Nama lengkap", "Full name", column_type::text}};
    }
    sheet.columns.push_back({"Skor", "Score", column_type::number});
    sheet.columns.push_back({"Skor maksimum", "Max score", column_type::integer});
    sheet.columns.push_back({"Persen", "Percent", column_type::number});
    sheet.columns.push_back({"Sumber", "Source", column_type::text});
    sheet.columns.push_back({"Dikirim", "Submitted", column_type::datetime});
    for (std::size_t i = 0; i < r.questions.size(); ++i) {
        const auto n = std::to_string(i + 1);
        sheet.columns.push_back({"Jawaban " + n, "Answer " + n, column_type::text});
    }
    for (const auto& t : r.rows) {
        std::vector<report_cell> row;
        if (named) row = {t.user_id, t.username, t.full_name};
        row.emplace_back(t.score);
        row.emplace_back(static_cast<std::int64_t>(t.max_score));
        row.emplace_back(t.percent);
        row.emplace_back(t.source);
        row.emplace_back(t.submitted_at);
        for (const auto& s : r.questions) {
            const auto key = std::to_string(r.q.questions[s.index].id);
            row.emplace_back(t.answers.contains(key) ? report_cell(t.answers[key].dump())
                                                     : report_cell());
        }
        sheet.rows.push_back(std::move(row));
    }
    report_file file;
    file.stem = "hasil-kuis-" + std::to_string(r.q.id);
    file.sheets.push_back(std::move(sheet));
    return file;
}

pre_post_report build_pre_post(connection& c, const training& t) {
    pre_post_report out;
    out.training_id = t.id;
    out.utc_offset_minutes = region_offset(c, t.region_code);
    auto scores = load_pre_post(c, t.id);
    out.pre = scores.pre;
    out.post = scores.post;
    for (const auto& trainee : storage::enrolled_trainees(c, t.id)) {
        pre_post_row row{trainee.user_id, trainee.username, trainee.full_name, {}, {}, {}};
        if (auto a = scores.pre_percent.find(row.user_id); a != scores.pre_percent.end())
            row.pre = a->second;
        if (auto b = scores.post_percent.find(row.user_id); b != scores.post_percent.end())
            row.post = b->second;
        if (row.pre && row.post) {
            row.gain = *row.post - *row.pre;
            ++out.both;
            out.gain_sum += *row.gain;
            if (*row.gain > 0) ++out.improved;
        }
        out.rows.push_back(std::move(row));
    }
    return out;
}

json to_json(const pre_post_report& r) {
    auto rows = json::array();
    for (const auto& row : r.rows) {
        rows.push_back({{"user_id", row.user_id},
                        {"username", row.username},
                        {"full_name", row.full_name},
                        {"pre_percent", number_or_null(row.pre)},
                        {"post_percent", number_or_null(row.post)},
                        {"gain", number_or_null(row.gain)}});
    }
    const bool any = r.both > 0;
    return {
        {"training_id", r.training_id},
        {"pre_test", quiz_ref(r.pre)},
        {"post_test", quiz_ref(r.post)},
        {"trainees_with_both", r.both},
        {"mean_gain", any ? json(r.gain_sum / r.both) : json(nullptr)},
        {"improved_share", any ? json(static_cast<double>(r.improved) / r.both) : json(nullptr)},
        {"rows", std::move(rows)}};
}

report_file to_table(const pre_post_report& r) {
    report_sheet sheet;
    sheet.name = "Pre-post";
    sheet.columns = {{"ID peserta", "User ID", column_type::integer},
                     {"Nama pengguna", "Username", column_type::text},
                     {"Nama lengkap", "Full name", column_type::text},
                     {"Nilai pre-test (%)", "Pre-test (%)", column_type::number},
                     {"Nilai post-test (%)", "Post-test (%)", column_type::number},
                     {"Peningkatan", "Gain", column_type::number}};
    for (const auto& row : r.rows) {
        sheet.rows.push_back({row.user_id, row.username, row.full_name, number_cell(row.pre),
                              number_cell(row.post), number_cell(row.gain)});
    }
    report_file file;
    file.stem = "pre-post-pelatihan-" + std::to_string(r.training_id);
    file.utc_offset_minutes = r.utc_offset_minutes;
    file.sheets.push_back(std::move(sheet));
    return file;
}

}  // namespace daring::server
