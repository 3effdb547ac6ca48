#include "server/live/quiz_recorder.hpp"

#include <spdlog/spdlog.h>

#include "server/live/live_recovery.hpp"
#include "server/util/failure.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

void quiz_recorder::record(std::int64_t run_id, std::int64_t user_id, std::int64_t question_id,
                           const protocol::json& answer, const std::string& client_id,
                           protocol::unix_seconds at, std::function<void(bool)> done) {
    std::vector<pending> refused;
    {
        std::lock_guard lock(queue_->mutex);
        queue_->waiting.push_back(
            {{run_id, user_id, question_id, answer.dump(), client_id, at}, std::move(done)});
        if (queue_->drain_queued) return;  // the queued job will take it
        try {
            submit_drain(db_, queue_);
            queue_->drain_queued = true;
            return;
        } catch (const std::exception& e) {  // overloaded: the trainees resend
            spdlog::warn("quiz answers not queued: {}", e.what());
            refused = std::exchange(queue_->waiting, {});
        }
    }
    for (auto& p : refused) p.done(false);
}

std::vector<quiz_recorder::pending> quiz_recorder::answer_queue::take() {
    std::lock_guard lock(mutex);
    drain_queued = false;
    return std::exchange(waiting, {});
}

void quiz_recorder::submit_drain(storage::database& db,
                                 const std::shared_ptr<answer_queue>& queue) {
    // The job takes what is pending when it first runs; a replay of its batch writes the same.
    auto taken = std::make_shared<std::optional<std::vector<pending>>>();
    db.submit(
        [queue, taken](storage::connection& c) {
            if (!*taken) *taken = queue->take();
            std::vector<storage::answer_row> rows;
            rows.reserve((*taken)->size());
            for (const auto& p : **taken) rows.push_back(p.row);
            storage::record_answers(c, rows);
        },
        [queue, taken](std::exception_ptr e) {
            if (!*taken) *taken = queue->take();  // never ran (no BEGIN): fail what waited
            if (e)
                spdlog::error("storing {} quiz answers failed: {}", (*taken)->size(), what_of(e));
            for (auto& p : **taken) p.done(!e);
        });
}

void quiz_recorder::closed(std::int64_t /*quiz_id*/, std::int64_t run_id,
                           protocol::unix_seconds at) {
    // The submissions come from the stored answers, as after a crash: every answer the room
    // acknowledged was committed by a job queued before this one.
    try {
        db_.submit([run_id, at](storage::connection& c) { materialize_run(c, run_id, at); },
                   [run_id](std::exception_ptr e) {
                       if (e)
                           spdlog::error("storing the results of quiz run {} failed: {}", run_id,
                                         what_of(e));
                   });
    } catch (const std::exception& e) {
        spdlog::error("quiz run {} results not queued: {}", run_id, e.what());
    }
}

void quiz_recorder::open(std::int64_t session_id, std::int64_t training_id,
                         const live_room::quiz_request& request, protocol::unix_seconds now,
                         const std::function<void(quiz_opening)>& reply) {
    auto outcome = std::make_shared<quiz_opening>();
    try {
        db_.submit(
            [=](storage::connection& c) {
                auto q = storage::find_quiz(c, request.quiz_id);
                if (!q || q->training_id != training_id) {
                    outcome->code = "not_found";
                    outcome->message = "No such quiz in this training";
                    return;
                }
                outcome->run_id = storage::insert_run(c, q->id, session_id, request.by, now,
                                                      now + request.duration_s);
                outcome->closes_at = now + request.duration_s;
                outcome->quiz = std::move(*q);
            },
            [outcome, reply](std::exception_ptr e) {
                if (e) {
                    outcome->quiz.reset();
                    outcome->code = "unavailable";
                    outcome->message = "The quiz could not be opened; try again";
                }
                reply(std::move(*outcome));
            });
    } catch (const std::exception&) {
        outcome->code = "unavailable";
        outcome->message = "The server is busy; try again";
        reply(std::move(*outcome));
    }
}

}  // namespace daring::server
