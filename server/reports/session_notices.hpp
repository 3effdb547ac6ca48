#pragma once
// What a session's course tells trainees, in the app and (through the outbox) on WhatsApp or by
// e-mail: reminders before it (the training's reminder hours), "starting now" when it goes
// live, and when it ends the recording link to those who missed it, a warning to those whose
// attendance rate fell below the training's minimum (with what remains possible), and the
// certificate once the training is finished and they completed it. Each runs inside a write
// job.
#include <string>

#include "protocol/plan.hpp"
#include "server/rules/attendance_rules.hpp"
#include "storage/connection.hpp"

namespace daring::server {

// Reminders now due for sessions not started: for each session, the nearest due reminder hour
// is sent and every due hour recorded, so a late start of the server never sends two at once.
// Returns the notifications written.
int send_due_reminders(storage::connection& c, protocol::unix_seconds now);

// "Starting now" to the session's trainees (online and hybrid sessions, with a one-tap join
// link; no message outside the app once it ended).
int notify_session_started(storage::connection& c, const protocol::session& s,
                           protocol::unix_seconds now);

// After the session ended: missed-session notices, absence warnings, certificates ready.
// `actor_id` issues the certificates (the trainer who ended it, or none for the system).
int notify_after_session(storage::connection& c, const protocol::session& s,
                         protocol::unix_seconds now, const attendance_thresholds& current,
                         const std::string& certificate_prefix);

}  // namespace daring::server
