#pragma once
// Starting and ending a session: the one owner of both transitions, whoever asks (a trainer's
// request, or end_session sent in the live room). Inside the caller's write job it changes the
// status, closes the session's open quiz runs from their stored answers, audits, tells the
// trainees a session started, and marks the after-session notices due; after COMMIT it opens or
// ends the room. The rooms reach it through live_control (open_quiz, end_session).
//
// The after-session notices (recording notices, absence warnings, certificates) need the
// training's attendance matrix: a worker thread builds it on a reader and holds the writer only
// to store the outcome. The due mark is written with the end, so a crash before the notices are
// written loses nothing: the next pass (at start, after each end, every `poll`) fills it in.
// Thread-safe.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "server/live/live_hub.hpp"
#include "server/rules/attendance_rules.hpp"
#include "server/util/clock.hpp"
#include "storage/database.hpp"

namespace daring::server {

class quiz_recorder;

struct lifecycle_settings {
    attendance_thresholds current;   // stored on each session when it goes live
    std::string certificate_prefix;  // of certificates issued when a training is complete
    int notices_poll_s = 30;         // the worker's look for notices owed (besides wake-ups)
};

class session_lifecycle final : public live_control {
  public:
    session_lifecycle(storage::database& db, const clock& clk, live_link& live,
                      quiz_recorder& quizzes, lifecycle_settings settings);
    ~session_lifecycle() override;  // stops the worker

    // Inside a write job. False (and nothing written) when the session is not in the state the
    // transition needs (scheduled to start, live to end). `actor`: who asked (none: the system).
    bool start_in(storage::connection& c, std::int64_t session_id,
                  std::optional<std::int64_t> actor, protocol::unix_seconds now,
                  const protocol::json& audit_detail = protocol::json::object());
    bool end_in(storage::connection& c, std::int64_t session_id, std::optional<std::int64_t> actor,
                protocol::unix_seconds now,
                const protocol::json& audit_detail = protocol::json::object());
    // Before the write job that calls end_in: the room's buffered timeline (chat, hands) is
    // queued first, so the writer commits it before the end and the reports count all of it.
    void before_end();
    // After the COMMIT of start_in / end_in: the room opens (or ends) and the worker wakes.
    void started(const protocol::session& s, protocol::unix_seconds now);
    void ended(std::int64_t session_id);

    // live_control, on a room strand.
    void quiz_requested(std::int64_t session_id, std::int64_t training_id,
                        const live_room::quiz_request& request,
                        std::function<void(quiz_opening)> reply) override;
    void end_requested(std::int64_t session_id, std::int64_t user_id) override;

    // Starts the notices worker (it first fills in what a crash left owed).
    void start_worker();
    // Fills in every session's notices still owed, now, on the calling thread (the worker's
    // pass; tests). Returns the sessions done.
    int write_owed_notices();

    // The room of a session that went live, as the hub builds it.
    room_info room_of(const protocol::session& s, protocol::unix_seconds now) const;

  private:
    void worker_loop();
    bool write_notices_of(std::int64_t session_id);

    storage::database& db_;
    const clock& clk_;
    live_link& live_;
    quiz_recorder& quizzes_;
    const lifecycle_settings settings_;

    std::mutex mutex_;  // guards wake_ and stopping_
    std::condition_variable wake_cv_;
    bool wake_ = false;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace daring::server
