#include "server/live/taking_part_recorder.hpp"

#include <spdlog/spdlog.h>

#include "server/util/failure.hpp"
#include "storage/audit_repo.hpp"
#include "storage/taking_part_repo.hpp"

namespace daring::server {

void taking_part_recorder::store(const char* what, std::function<void(storage::connection&)> work,
                                 const done_fn& done) {
    try {
        db_.submit(std::move(work), [what, done](std::exception_ptr e) {
            if (e) spdlog::error("storing {} failed: {}", what, what_of(e));
            done(!e);
        });
    } catch (const std::exception& e) {
        spdlog::warn("{} not queued: {}", what, e.what());
        done(false);
    }
}

void taking_part_recorder::asked(std::int64_t session_id, const room_question& q, done_fn done) {
    storage::question_row row;
    row.session_id = session_id;
    row.id = q.id;
    row.user_id = q.user_id;
    row.text = q.text;
    row.anonymous = q.anonymous;
    row.client_id = q.client_id;
    row.asked_at = q.asked_at;
    store(
        "a question", [row](storage::connection& c) { storage::insert_question(c, row); }, done);
}

void taking_part_recorder::voted(std::int64_t session_id, std::int64_t question_id,
                                 std::int64_t user_id, protocol::unix_seconds at, done_fn done) {
    store(
        "a vote",
        [=](storage::connection& c) {
            storage::insert_vote(c, session_id, question_id, user_id, at);
        },
        done);
}

void taking_part_recorder::answered(std::int64_t session_id, std::int64_t question_id,
                                    std::int64_t by, const std::optional<std::string>& text,
                                    protocol::unix_seconds at, done_fn done) {
    store(
        "an answer to a question",
        [=](storage::connection& c) {
            storage::mark_answered(c, session_id, question_id, by, text, at);
        },
        done);
}

void taking_part_recorder::hidden(std::int64_t session_id, const room_question& q, std::int64_t by,
                                  protocol::unix_seconds at, done_fn done) {
    const auto question_id = q.id;
    const auto author = q.user_id;
    const auto text = q.text;
    store(
        "a hidden question",
        [=](storage::connection& c) {
            if (!storage::mark_hidden(c, session_id, question_id, by, at)) return;
            storage::insert_audit(
                c, by, "question.hide", "session:" + std::to_string(session_id),
                {{"question_id", question_id}, {"author_id", author}, {"text", text}}, at);
        },
        done);
}

void taking_part_recorder::poll_opened(std::int64_t session_id, const room_poll& p, done_fn done) {
    storage::poll_row row;
    row.session_id = session_id;
    row.id = p.id;
    row.question = p.question;
    row.options = p.options;
    row.multiple = p.multiple;
    row.anonymous = p.anonymous;
    row.opened_by = p.opened_by;
    row.opened_at = p.opened_at;
    store(
        "a poll", [row](storage::connection& c) { storage::insert_poll(c, row); }, done);
}

void taking_part_recorder::poll_answered(std::int64_t session_id, std::int64_t poll_id,
                                         std::int64_t user_id, const std::vector<int>& choices,
                                         protocol::unix_seconds at, done_fn done) {
    store(
        "a poll answer",
        [=](storage::connection& c) {
            storage::save_poll_answer(c, session_id, poll_id, user_id, choices, at);
        },
        done);
}

void taking_part_recorder::poll_closed(std::int64_t session_id, std::int64_t poll_id,
                                       bool published, protocol::unix_seconds at, done_fn done) {
    store(
        "a closed poll",
        [=](storage::connection& c) { storage::close_poll(c, session_id, poll_id, published, at); },
        done);
}

void taking_part_recorder::reacted(std::int64_t session_id,
                                   std::vector<std::pair<std::int64_t, std::int64_t>> per_user,
                                   protocol::unix_seconds at) {
    store(
        "reaction counts",
        [session_id, per_user = std::move(per_user), at](storage::connection& c) {
            storage::add_reactions(c, session_id, per_user, at);
        },
        [](bool) {});
}

}  // namespace daring::server
