#pragma once
// What a session's course tells trainees, in the app and (through the outbox) on WhatsApp or by
// e-mail: reminders before it (the training's reminder hours), "starting now" when it goes
// live, and when it ends the recording link to those who missed it, a warning to those whose
// attendance rate fell below the training's minimum (with what remains possible), and the
// certificate once the training is finished and they completed it.
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "server/rules/attendance_rules.hpp"
#include "storage/connection.hpp"

namespace daring::server {

// Reminders now due for sessions not started: for each session, the nearest due reminder hour
// is sent and every due hour recorded, so a late start of the server never sends two at once.
// Returns the notifications written. Nodes sharing a database: the round that holds the
// reminders' once-only lock sends; another node's round meanwhile returns 0 at once.
int send_due_reminders(storage::connection& c, protocol::unix_seconds now);

// "Starting now" to the session's trainees (online and hybrid sessions, with a one-tap join
// link; no message outside the app once it ended).
int notify_session_started(storage::connection& c, const protocol::session& s,
                           protocol::unix_seconds now);

// After the session ended: missed-session notices, absence warnings, certificates ready. In two
// steps, so the expensive part (the training's attendance matrix and completion) runs on a
// reader and the writer is held only to store the outcome:
struct after_session_notices {
    std::vector<protocol::notification> notices;  // recording notices and absence warnings
    std::vector<std::int64_t> completed;          // trainees to certify (the training finished)
};
// Reads only: what the end of `s` owes its trainees.
after_session_notices plan_after_session(storage::connection& c, const protocol::session& s,
                                         protocol::unix_seconds now,
                                         const attendance_thresholds& current);
// Inside a write job: stores the notices and issues each certificate (its completion checked
// again; one issued before is not told twice). Returns the notifications written.
int write_after_session(storage::connection& c, const protocol::session& s,
                        const after_session_notices& planned, protocol::unix_seconds now,
                        const attendance_thresholds& current,
                        const std::string& certificate_prefix);

}  // namespace daring::server
