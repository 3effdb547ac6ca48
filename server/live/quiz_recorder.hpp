#pragma once
// Live quiz answers and results into the database through the group-commit writer; an answer
// is acknowledged only after its COMMIT. Thread-safe.
#include "server/live/live_hub.hpp"
#include "storage/database.hpp"

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
    storage::database& db_;
};

}  // namespace daring::server
