#pragma once
// Live quiz answers and results into the database through the group-commit writer; an answer
// is acknowledged only after its COMMIT. Answers that arrive while a write is queued join it:
// one write job (one statement on PostgreSQL) stores all of them, so a whole class answering
// at once costs a few round trips, not one per answer. Thread-safe.
#include <mutex>
#include <vector>

#include "server/live/live_hub.hpp"
#include "storage/database.hpp"
#include "storage/quiz_repo.hpp"

namespace daring::server {

class quiz_recorder final : public quiz_sink {
  public:
    explicit quiz_recorder(storage::database& db) : db_(db) {}
    void record(std::int64_t run_id, std::int64_t user_id, std::int64_t question_id,
                const protocol::json& answer, const std::string& client_id,
                protocol::unix_seconds at, std::function<void(bool)> done) override;
    void closed(std::int64_t quiz_id, std::int64_t run_id, protocol::unix_seconds at) override;
    // The hub's open_quiz handler: checks the quiz, stores the run, replies.
    void open(std::int64_t session_id, std::int64_t training_id,
              const live_room::quiz_request& request, protocol::unix_seconds now,
              const std::function<void(quiz_opening)>& reply);

  private:
    struct pending {
        storage::answer_row row;
        std::function<void(bool)> done;
    };
    // Answers waiting for the queued job; shared with the job, which may run after the
    // recorder is gone (the writer drains its queue at shutdown).
    struct answer_queue {
        std::mutex mutex;
        std::vector<pending> waiting;
        bool drain_queued = false;
        // What the job takes when it first runs (or, if it never runs, when it is failed).
        std::vector<pending> take();
    };
    // Queues the job that takes the answers pending when it runs (called with the mutex held).
    static void submit_drain(storage::database& db, const std::shared_ptr<answer_queue>& queue);

    storage::database& db_;
    std::shared_ptr<answer_queue> queue_ = std::make_shared<answer_queue>();
};

}  // namespace daring::server
