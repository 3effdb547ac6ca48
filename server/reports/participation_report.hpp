#pragma once
// Taking part, read back for the reports: each trainee's participation in a session (chat,
// hands and the floor from the timeline; questions, votes, poll answers and reactions from their
// tables), the session's activity per minute, and the questions and polls exports. Runs inside a
// read job.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "server/reports/report_table.hpp"
#include "server/rules/participation_rules.hpp"

namespace daring::storage {
class connection;
struct timeline_event;
struct taking_part_counts;
}  // namespace daring::storage

namespace daring::server {

// The timeline event types participation is counted from (chat, hands, the floor, the end).
const std::vector<std::string>& participation_event_types();

// Per user (trainees and staff alike; the reports keep the enrolled trainees), from one session's
// events of participation_event_types() by seq and its stored taking-part counts. While the
// session is live, the floor's last turn counts up to `now`.
std::map<std::int64_t, participation> participation_from(
    const std::vector<storage::timeline_event>& events,
    const std::map<std::int64_t, storage::taking_part_counts>& counts, protocol::unix_seconds now,
    std::optional<std::int64_t> only_user = std::nullopt);

protocol::json to_json(const participation& p);

// The session's activity per minute within its window, from its first to its last active minute:
// {from, minutes, chat[], questions[], votes[], poll_answers[], hands[], reactions[]} (from: the
// first minute as RFC 3339; each array holds one count per minute).
protocol::json session_activity(storage::connection& c, const protocol::session& s,
                                protocol::unix_seconds now);

// GET /sessions/{id}/questions: every question with its votes, answer and moderation; the author
// is named (the export is for trainers and admins) with `anonymous` telling how trainees saw it.
protocol::json questions_export(storage::connection& c, const protocol::session& s);
report_file questions_table(const protocol::json& exported, std::int64_t session_id,
                            int utc_offset_minutes);
// GET /sessions/{id}/polls: every poll with its options, counts and (unless anonymous) who chose
// what.
protocol::json polls_export(storage::connection& c, const protocol::session& s);
report_file polls_table(const protocol::json& exported, std::int64_t session_id,
                        int utc_offset_minutes);

}  // namespace daring::server
