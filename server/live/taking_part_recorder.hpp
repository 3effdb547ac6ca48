#pragma once
// Questions, votes, polls and reactions into the database through the group-commit writer;
// each is acknowledged only after its COMMIT. Hiding a question is written to the audit log in
// the same transaction. Thread-safe.
#include "server/live/taking_part.hpp"
#include "storage/database.hpp"

namespace daring::server {

class taking_part_recorder final : public taking_part_sink {
  public:
    explicit taking_part_recorder(storage::database& db) : db_(db) {}
    void asked(std::int64_t session_id, const room_question& q, done_fn done) override;
    void voted(std::int64_t session_id, std::int64_t question_id, std::int64_t user_id,
               protocol::unix_seconds at, done_fn done) override;
    void answered(std::int64_t session_id, std::int64_t question_id, std::int64_t by,
                  const std::optional<std::string>& text, protocol::unix_seconds at,
                  done_fn done) override;
    void hidden(std::int64_t session_id, const room_question& q, std::int64_t by,
                protocol::unix_seconds at, done_fn done) override;
    void poll_opened(std::int64_t session_id, const room_poll& p, done_fn done) override;
    void poll_answered(std::int64_t session_id, std::int64_t poll_id, std::int64_t user_id,
                       const std::vector<int>& choices, protocol::unix_seconds at,
                       done_fn done) override;
    void poll_closed(std::int64_t session_id, std::int64_t poll_id, bool published,
                     protocol::unix_seconds at, done_fn done) override;
    void reacted(std::int64_t session_id,
                 std::vector<std::pair<std::int64_t, std::int64_t>> per_user,
                 protocol::unix_seconds at) override;

  private:
    // Queues `work` as a write job; done(true) after its COMMIT, done(false) when it failed or
    // could not be queued (the server is overloaded: the client sends again).
    void store(const char* what, std::function<void(storage::connection&)> work,
               const done_fn& done);
    storage::database& db_;
};

}  // namespace daring::server
