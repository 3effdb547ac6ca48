#pragma once
// A room's sinks whose completions come back on the room's strand. The recorders call `done`
// after COMMIT on the writer's thread; the room then delivers the ack to a participant, and
// participants are called only on the room's strand (a stand-in for a socket of another node
// writes into that node's batch, which is not thread-safe). These adapters hand each
// completion to `post`, which runs it on the room's strand (live_hub gives every room its own).
#include <functional>
#include <utility>

#include "server/live/live_room.hpp"
#include "server/live/taking_part.hpp"

namespace daring::server {

using post_fn = std::function<void(std::function<void()>)>;

inline std::function<void(bool)> completed_via(const post_fn& post,
                                               std::function<void(bool)> done) {
    return [post, done = std::move(done)](bool stored) { post([done, stored] { done(stored); }); };
}

class strand_quiz_sink final : public quiz_sink {
  public:
    strand_quiz_sink(quiz_sink& inner, post_fn post) : inner_(inner), post_(std::move(post)) {}
    void record(std::int64_t run_id, std::int64_t user_id, std::int64_t question_id,
                const protocol::json& answer, const std::string& client_id,
                protocol::unix_seconds at, std::function<void(bool)> done) override {
        inner_.record(run_id, user_id, question_id, answer, client_id, at,
                      completed_via(post_, std::move(done)));
    }
    void closed(std::int64_t quiz_id, std::int64_t run_id, protocol::unix_seconds at) override {
        inner_.closed(quiz_id, run_id, at);
    }

  private:
    quiz_sink& inner_;
    post_fn post_;
};

class strand_taking_part_sink final : public taking_part_sink {
  public:
    strand_taking_part_sink(taking_part_sink& inner, post_fn post)
        : inner_(inner), post_(std::move(post)) {}
    void asked(std::int64_t session_id, const room_question& q, done_fn done) override {
        inner_.asked(session_id, q, completed_via(post_, std::move(done)));
    }
    void voted(std::int64_t session_id, std::int64_t question_id, std::int64_t user_id,
               protocol::unix_seconds at, done_fn done) override {
        inner_.voted(session_id, question_id, user_id, at, completed_via(post_, std::move(done)));
    }
    void answered(std::int64_t session_id, std::int64_t question_id, std::int64_t by,
                  const std::optional<std::string>& text, protocol::unix_seconds at,
                  done_fn done) override {
        inner_.answered(session_id, question_id, by, text, at,
                        completed_via(post_, std::move(done)));
    }
    void hidden(std::int64_t session_id, const room_question& q, std::int64_t by,
                protocol::unix_seconds at, done_fn done) override {
        inner_.hidden(session_id, q, by, at, completed_via(post_, std::move(done)));
    }
    void poll_opened(std::int64_t session_id, const room_poll& p, done_fn done) override {
        inner_.poll_opened(session_id, p, completed_via(post_, std::move(done)));
    }
    void poll_answered(std::int64_t session_id, std::int64_t poll_id, std::int64_t user_id,
                       const std::vector<int>& choices, protocol::unix_seconds at,
                       done_fn done) override {
        inner_.poll_answered(session_id, poll_id, user_id, choices, at,
                             completed_via(post_, std::move(done)));
    }
    void poll_closed(std::int64_t session_id, std::int64_t poll_id, bool published,
                     protocol::unix_seconds at, done_fn done) override {
        inner_.poll_closed(session_id, poll_id, published, at,
                           completed_via(post_, std::move(done)));
    }
    void reacted(std::int64_t session_id,
                 std::vector<std::pair<std::int64_t, std::int64_t>> per_user,
                 protocol::unix_seconds at) override {
        inner_.reacted(session_id, std::move(per_user), at);
    }

  private:
    taking_part_sink& inner_;
    post_fn post_;
};

}  // namespace daring::server
