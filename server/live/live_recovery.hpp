#pragma once
// Recovering what a crash interrupted. Live quiz runs are closed in one way only,
// materialize_run: the run is marked closed once and one scored submission per trainee is made
// from the answers stored (every acknowledged answer is stored), so results after a crash equal
// those of a run that was never interrupted. A live room rebuilt after a restart starts from
// load_recovery. Every function runs inside a read or write job as noted.
#include <cstddef>
#include <cstdint>

#include "protocol/time_format.hpp"
#include "server/live/live_room.hpp"

namespace daring::storage {
class connection;
}

namespace daring::server {

// Write job. Closes the run at `at` and stores its submissions; false when it was closed
// already (nothing is stored twice).
bool materialize_run(storage::connection& c, std::int64_t run_id, protocol::unix_seconds at);

// Write job. Closes the runs nobody will close: those of sessions no longer live, and those
// whose deadline passed (a rebuilt room closes its own when it is open); returns how many.
int close_stale_runs(storage::connection& c, protocol::unix_seconds now);

// Read job. The state a rebuilt room of `session_id` starts from: slide, highest seq stored,
// the last `chat_history` chat messages not deleted, and the open quiz with its stored answers.
live_recovery load_recovery(storage::connection& c, std::int64_t session_id,
                            std::size_t chat_history);

// Read job. A session's questions (with voters) and its open poll (with answers).
taking_part_recovery load_taking_part(storage::connection& c, std::int64_t session_id);

}  // namespace daring::server
