#pragma once
// Which sessions a read of stored evidence covers: one session, or every session of a training.
// A training's reports read each kind of evidence once for all its sessions: one query instead
// of one per session (on PostgreSQL every query is a round trip to another process).
#include <cstdint>
#include <map>

namespace daring::storage {

struct session_scope {
    static session_scope of_session(std::int64_t session_id) { return {false, session_id}; }
    static session_scope of_training(std::int64_t training_id) { return {true, training_id}; }
    bool whole_training = false;
    std::int64_t id = 0;  // the session's, or the training's
};

// What a scoped read found, by session id.
template <class T>
using per_session = std::map<std::int64_t, T>;

}  // namespace daring::storage
