#include "server/live/quiz_recorder.hpp"

#include <spdlog/spdlog.h>

#include "server/live/live_recovery.hpp"
#include "server/util/failure.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

void quiz_recorder::record(std::int64_t run_id, std::int64_t user_id, std::int64_t question_id,
                           const protocol::json& answer, const std::string& client_id,
                           protocol::unix_seconds at, std::function<void(bool)> done) {
    try {
        db_.submit(
            [=](storage::connection& c) {
                storage::record_answer(c, run_id, user_id, question_id, answer, client_id, at);
            },
            [done](std::exception_ptr e) {
                if (e) spdlog::error("storing a quiz answer failed: {}", what_of(e));
                done(!e);
            });
    } catch (const std::exception& e) {  // overloaded: the trainee resends
        spdlog::warn("quiz answer not queued: {}", e.what());
        done(false);
    }
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
