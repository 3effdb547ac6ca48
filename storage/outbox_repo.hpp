#pragma once
// The outbox: messages outside the app (WhatsApp, e-mail), one row per (notification, channel),
// written in the transaction that stores the notification, so a crash never loses a message and
// a retry never adds a second row. A sender claims due rows, delivers them and records the
// outcome.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/time_format.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

// The id of the newest notification (0 when none): rows after it are the ones just written.
std::int64_t last_notification_id(connection& c);

// Queues the notifications with ids above `after_id` on each user's channel: their choice
// (`notify_channel`) when it can reach them, else WhatsApp to a mobile number (+628...), else
// e-mail when known; nobody when they chose none, cannot be reached or are deactivated.
// A notification already queued on a channel is not queued again. Returns the rows added.
int enqueue_outbox(connection& c, std::int64_t after_id,
                   std::optional<protocol::unix_seconds> expires_at, protocol::unix_seconds now);

// A claimed row with what a message is made of.
struct outbox_message {
    std::int64_t id = 0;
    std::int64_t notification_id = 0;
    std::int64_t user_id = 0;
    std::string channel;  // whatsapp | email
    int attempts = 0;     // including this one
    std::string kind;
    protocol::json params;
    std::string text_id, text_en;
    std::string full_name, phone, email, language;
    protocol::unix_seconds created_at = 0;
};

// Rows whose expiry passed become `expired`; then up to `limit` due pending rows become
// `sending` (one more attempt, leased until now + lease_s) and are returned, oldest due first.
std::vector<outbox_message> claim_due_outbox(connection& c, protocol::unix_seconds now, int limit,
                                             protocol::unix_seconds lease_s);
// Removes every row not yet sent (the demo's seeded history is not news to send). Returns how
// many.
int discard_unsent_outbox(connection& c);

// After a crash or stop: rows left `sending` go back to `pending` (the at-most-one-duplicate
// window). Returns how many.
int release_sending_outbox(connection& c, protocol::unix_seconds now);

void mark_outbox_sent(connection& c, std::int64_t id, const std::string& answer,
                      protocol::unix_seconds now);
// Back to pending, due at `next_at`, with the provider's answer.
void mark_outbox_retry(connection& c, std::int64_t id, const std::string& answer,
                       protocol::unix_seconds next_at, protocol::unix_seconds now);
void mark_outbox_failed(connection& c, std::int64_t id, const std::string& answer,
                        protocol::unix_seconds now);
// An administrator's retry (failed, expired or cancelled -> pending now, attempts from zero)
// and cancel (pending -> cancelled). False when the row was not in a state that allows it.
bool retry_outbox(connection& c, std::int64_t id, protocol::unix_seconds now);
bool cancel_outbox(connection& c, std::int64_t id, protocol::unix_seconds now);

// channel -> state -> rows.
std::map<std::string, std::map<std::string, std::int64_t>> outbox_counts(connection& c);

struct outbox_row {
    std::int64_t id = 0;
    std::int64_t notification_id = 0;
    std::int64_t user_id = 0;
    std::string username, full_name;
    std::string channel, state, kind;
    int attempts = 0;
    protocol::unix_seconds next_attempt_at = 0;
    std::optional<protocol::unix_seconds> expires_at, sent_at;
    std::string last_error;
    protocol::unix_seconds created_at = 0, updated_at = 0;
};
// Newest first, of one state when given; `page.after` is a row id.
std::vector<outbox_row> list_outbox(connection& c, const std::string& state,
                                    const page_request& page);
std::optional<outbox_row> find_outbox(connection& c, std::int64_t id);

// Sessions still scheduled that start within `horizon_s` after `now`, with what a reminder
// needs: the training's title and reminder hours, the region's offset, the hours already sent.
struct reminder_candidate {
    std::int64_t session_id = 0;
    std::int64_t training_id = 0;
    std::string title, training_title, mode;
    protocol::unix_seconds starts_at = 0, ends_at = 0;
    std::vector<int> hours;  // the training's reminder hours
    std::vector<int> sent;   // hours already recorded for this session
    int utc_offset_minutes = protocol::default_utc_offset_minutes;
};
std::vector<reminder_candidate> reminder_candidates(connection& c, protocol::unix_seconds now,
                                                    protocol::unix_seconds horizon_s);
void record_reminder(connection& c, std::int64_t session_id, int hours_before,
                     protocol::unix_seconds now);

// One-tap join links: false when the link (its SHA-256) was used before.
bool record_join_link_use(connection& c, const std::string& token_hash, std::int64_t user_id,
                          std::int64_t session_id, protocol::unix_seconds now);
bool join_link_used(connection& c, const std::string& token_hash);

}  // namespace daring::storage
