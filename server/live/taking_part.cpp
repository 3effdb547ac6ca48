#include "server/live/taking_part.hpp"

#include <tuple>

#include "protocol/time_format.hpp"

namespace daring::server {

using protocol::json;

poll_results count_poll(const room_poll& p) {
    poll_results r;
    r.counts.assign(p.options.size(), 0);
    for (const auto& [user, choices] : p.answers) {
        ++r.answered;
        for (int c : choices)
            if (c >= 0 && static_cast<std::size_t>(c) < r.counts.size()) ++r.counts[c];
    }
    return r;
}

json to_json(const poll_results& r) {
    return {{"answered", r.answered}, {"counts", r.counts}};
}

json question_json(const room_question& q, bool staff_view) {
    json author = nullptr;
    if (staff_view || !q.anonymous) author = {{"user_id", q.user_id}, {"name", q.name}};
    return {{"id", q.id},
            {"text", q.text},
            {"votes", q.voters.size()},
            {"answered", q.answered},
            {"answer", q.answer ? json(*q.answer) : json(nullptr)},
            {"hidden", q.hidden},
            {"anonymous", q.anonymous},
            {"author", std::move(author)},
            {"asked_at", protocol::format_rfc3339(q.asked_at)}};
}

bool question_before(const room_question& a, const room_question& b) {
    auto key = [](const room_question& q) {
        return std::make_tuple(q.hidden, q.answered, -static_cast<std::int64_t>(q.voters.size()),
                               q.id);
    };
    return key(a) < key(b);
}

}  // namespace daring::server
