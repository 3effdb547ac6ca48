#include "server/reports/pre_post.hpp"

#include <algorithm>

#include "server/rules/quiz_scoring.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

std::map<std::int64_t, const storage::submission_row*> counted_by_user(
    const quiz& q, const std::vector<storage::submission_row>& all) {
    std::map<std::int64_t, const storage::submission_row*> out;
    for (const auto& s : all) {
        auto& slot = out[s.user_id];
        if (!slot || !q.count_best || s.score > slot->score) slot = &s;  // best, or the last
    }
    return out;
}

pre_post_scores load_pre_post(connection& c, std::int64_t training_id,
                              std::optional<std::int64_t> only_user) {
    pre_post_scores out;
    bool pre_taken = false, post_taken = false;
    std::map<std::int64_t, std::vector<storage::submission_row>> subs;
    for (auto& q : storage::quizzes_of(c, training_id)) {
        if (q.kind != quiz_kind::pre_test && q.kind != quiz_kind::post_test) continue;
        auto all = storage::submissions_of(c, q.id, only_user);
        const bool taken = only_user ? storage::quiz_has_submissions(c, q.id) : !all.empty();
        auto& slot = q.kind == quiz_kind::pre_test ? out.pre : out.post;
        auto& slot_taken = q.kind == quiz_kind::pre_test ? pre_taken : post_taken;
        if (taken || !slot_taken) {
            subs[q.id] = std::move(all);
            slot = q;
            slot_taken = taken;
        }
    }
    auto fill = [&](const std::optional<quiz>& q, std::map<std::int64_t, double>& into) {
        if (!q) return;
        for (const auto& [user, s] : counted_by_user(*q, subs[q->id]))
            into[user] = percent_of(s->score, s->max_score);
    };
    fill(out.pre, out.pre_percent);
    fill(out.post, out.post_percent);
    return out;
}

}  // namespace daring::server
