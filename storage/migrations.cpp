#include "storage/migrations.hpp"

#include "protocol/user.hpp"
#include "storage/connection.hpp"

namespace daring::storage {

namespace {

// Phones stored before numbers were normalised: mobiles become E.164; what is not a phone
// number stays as it was (an administrator can correct it).
void normalize_stored_phones(connection& c) {
    statement read(c, "SELECT id, phone FROM users WHERE phone IS NOT NULL");
    std::vector<std::pair<std::int64_t, std::string>> changes;
    while (read.step()) {
        const auto before = read.column(1).as_text();
        if (auto after = protocol::normalize_phone(before); after && *after != before)
            changes.emplace_back(read.column(0).as_int64(), *after);
    }
    statement write(c, "UPDATE users SET phone = ? WHERE id = ?");
    for (const auto& [id, phone] : changes) {
        write.bind(1, phone);
        write.bind(2, id);
        write.exec();
        write.reset();
    }
}

}  // namespace

const std::vector<migration>& all_migrations() {
    static const std::vector<migration> list = {
        {1, "accounts",
         R"sql(
CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,
  password_hash   TEXT NOT NULL,
  full_name       TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('admin','trainer','trainee')),
  nik             TEXT,
  phone           TEXT,
  business_name   TEXT,
  business_sector TEXT,
  region_code     TEXT,
  created_at      INTEGER NOT NULL
);
CREATE INDEX users_role ON users(role);

CREATE TABLE auth_sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY,
  actor_id INTEGER REFERENCES users(id),
  action   TEXT NOT NULL,
  target   TEXT NOT NULL,
  detail   TEXT NOT NULL DEFAULT '{}',
  at       INTEGER NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
)sql"},
        {2, "training_plan",
         R"sql(
CREATE TABLE regions (
  code               TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  utc_offset_minutes INTEGER NOT NULL
);

CREATE TABLE restrictions (
  id            INTEGER PRIMARY KEY,
  region_code   TEXT NOT NULL REFERENCES regions(code),
  starts_on     INTEGER NOT NULL,  -- days since 1970-01-01, local date
  ends_on       INTEGER,           -- inclusive; NULL = until lifted
  max_gathering INTEGER NOT NULL CHECK (max_gathering >= 0),
  label         TEXT NOT NULL,
  reference     TEXT NOT NULL,
  created_by    INTEGER REFERENCES users(id),
  created_at    INTEGER NOT NULL
);
CREATE INDEX restrictions_region ON restrictions(region_code);

CREATE TABLE funding_sources (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('DAK','APBD','other')),
  fiscal_year INTEGER NOT NULL,
  amount_idr  INTEGER NOT NULL CHECK (amount_idr >= 0),
  created_at  INTEGER NOT NULL
);

CREATE TABLE trainings (
  id                 INTEGER PRIMARY KEY,
  title              TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  region_code        TEXT NOT NULL REFERENCES regions(code),
  funding_source_id  INTEGER NOT NULL REFERENCES funding_sources(id),
  venue              TEXT NOT NULL DEFAULT '',
  planned_mode       TEXT NOT NULL CHECK (planned_mode IN ('in_person','online','hybrid')),
  switch_policy      TEXT NOT NULL CHECK (switch_policy IN ('auto','approval')),
  min_attendance_pct INTEGER NOT NULL,
  pass_score         INTEGER NOT NULL,
  room_capacity      INTEGER,
  created_at         INTEGER NOT NULL
);
CREATE INDEX trainings_region ON trainings(region_code);

CREATE TABLE training_trainers (
  training_id INTEGER NOT NULL REFERENCES trainings(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  assigned_at INTEGER NOT NULL,
  PRIMARY KEY (training_id, user_id)
);
CREATE INDEX training_trainers_user ON training_trainers(user_id);

CREATE TABLE enrollments (
  training_id  INTEGER NOT NULL REFERENCES trainings(id),
  user_id      INTEGER NOT NULL REFERENCES users(id),
  enrolled_at  INTEGER NOT NULL,
  withdrawn_at INTEGER,
  PRIMARY KEY (training_id, user_id)
);
CREATE INDEX enrollments_user ON enrollments(user_id);

CREATE TABLE training_sessions (
  id               INTEGER PRIMARY KEY,
  training_id      INTEGER NOT NULL REFERENCES trainings(id),
  title            TEXT NOT NULL,
  starts_at        INTEGER NOT NULL,
  ends_at          INTEGER NOT NULL,
  mode             TEXT NOT NULL,
  status           TEXT NOT NULL,
  reason           TEXT NOT NULL,
  reason_id        TEXT NOT NULL,
  recommended_mode TEXT,
  restriction_id   INTEGER REFERENCES restrictions(id),
  decided_at       INTEGER NOT NULL,
  decided_by       INTEGER REFERENCES users(id),
  override_mode    TEXT,      -- an admin decision in force (NULL mode for postpone/cancel)
  override_status  TEXT,
  override_reason  TEXT,
  override_by      INTEGER REFERENCES users(id),
  created_at       INTEGER NOT NULL
);
CREATE INDEX training_sessions_training ON training_sessions(training_id, starts_at);
CREATE INDEX training_sessions_starts ON training_sessions(starts_at);

CREATE TABLE slides (
  session_id INTEGER NOT NULL REFERENCES training_sessions(id),
  position   INTEGER NOT NULL,
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  PRIMARY KEY (session_id, position)
);

CREATE TABLE delivery_decisions (
  id                    INTEGER PRIMARY KEY,
  session_id            INTEGER NOT NULL REFERENCES training_sessions(id),
  from_mode             TEXT NOT NULL,
  from_status           TEXT NOT NULL,
  to_mode               TEXT NOT NULL,
  to_status             TEXT NOT NULL,
  reason                TEXT NOT NULL,
  reason_id             TEXT NOT NULL,
  restriction_reference TEXT,
  actor_id              INTEGER REFERENCES users(id),  -- NULL = the system
  at                    INTEGER NOT NULL
);
CREATE INDEX delivery_decisions_session ON delivery_decisions(session_id, id);

CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  training_id INTEGER REFERENCES trainings(id),
  session_id  INTEGER REFERENCES training_sessions(id),
  kind        TEXT NOT NULL,
  text_id     TEXT NOT NULL,
  text_en     TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, id);
)sql"},
        {3, "live_sessions",
         R"sql(
ALTER TABLE training_sessions ADD COLUMN started_at INTEGER;
ALTER TABLE training_sessions ADD COLUMN ended_at INTEGER;
ALTER TABLE training_sessions ADD COLUMN started_by INTEGER REFERENCES users(id);
ALTER TABLE training_sessions ADD COLUMN ended_by INTEGER REFERENCES users(id);
)sql"},
        {4, "attendance",
         R"sql(
ALTER TABLE training_sessions ADD COLUMN present_pct INTEGER;
ALTER TABLE training_sessions ADD COLUMN late_after_s INTEGER;

-- One row per stretch of one connection with one page visibility. Opened at once through the
-- writer; last_seen is moved by coalesced flushes; ended_at is set at leave (or, after a crash,
-- to the last flushed last_seen at the next start).
CREATE TABLE presence_intervals (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  visible     INTEGER NOT NULL CHECK (visible IN (0, 1)),
  started_at  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  ended_at    INTEGER
);
CREATE INDEX presence_intervals_session_user ON presence_intervals(session_id, user_id);
CREATE INDEX presence_intervals_open ON presence_intervals(ended_at) WHERE ended_at IS NULL;

-- The first in-person check-in per trainee and session.
CREATE TABLE checkins (
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  at          INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;

-- Marks by hand; the latest per trainee and session is in force, all are kept.
CREATE TABLE attendance_marks (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  status      TEXT NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
  reason      TEXT NOT NULL,
  marked_by   INTEGER NOT NULL REFERENCES users(id),
  marked_at   INTEGER NOT NULL
);
CREATE INDEX attendance_marks_session ON attendance_marks(session_id, user_id, id);

-- Server-side secrets (e.g. the check-in code key), created on first use.
CREATE TABLE server_secrets (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
        {5, "quizzes",
         R"sql(
CREATE TABLE quizzes (
  id              INTEGER PRIMARY KEY,
  training_id     INTEGER NOT NULL REFERENCES trainings(id),
  title           TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('pre_test', 'post_test', 'poll', 'practice')),
  settings        TEXT NOT NULL,  -- JSON: time_limit_s, opens_at, closes_at, shuffle, anonymous...
  created_by      INTEGER NOT NULL REFERENCES users(id),
  created_at      INTEGER NOT NULL,
  copied_from     INTEGER REFERENCES quizzes(id)
);
CREATE INDEX quizzes_training ON quizzes(training_id, id);

CREATE TABLE quiz_questions (
  id          INTEGER PRIMARY KEY,
  quiz_id     INTEGER NOT NULL REFERENCES quizzes(id),
  position    INTEGER NOT NULL,
  definition  TEXT NOT NULL  -- JSON: type, prompt, options, correct, tolerance, points
);
CREATE INDEX quiz_questions_quiz ON quiz_questions(quiz_id, position);

-- A quiz opened in a live session.
CREATE TABLE quiz_runs (
  id          INTEGER PRIMARY KEY,
  quiz_id     INTEGER NOT NULL REFERENCES quizzes(id),
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  opened_by   INTEGER NOT NULL REFERENCES users(id),
  opened_at   INTEGER NOT NULL,
  closes_at   INTEGER NOT NULL,
  closed_at   INTEGER
);

-- Live answers: the last one per trainee and question counts.
CREATE TABLE quiz_answers (
  run_id       INTEGER NOT NULL REFERENCES quiz_runs(id),
  user_id      INTEGER NOT NULL REFERENCES users(id),
  question_id  INTEGER NOT NULL REFERENCES quiz_questions(id),
  answer       TEXT NOT NULL,
  answered_at  INTEGER NOT NULL,
  PRIMARY KEY (run_id, user_id, question_id)
) WITHOUT ROWID;

-- Client message ids already applied: a resent answer is acknowledged, not applied again.
CREATE TABLE quiz_answer_ids (
  run_id     INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  client_id  TEXT NOT NULL,
  PRIMARY KEY (run_id, user_id, client_id)
) WITHOUT ROWID;

-- Scored attempts: self-paced submissions, and one per trainee when a live run closes.
CREATE TABLE quiz_submissions (
  id            INTEGER PRIMARY KEY,
  quiz_id       INTEGER NOT NULL REFERENCES quizzes(id),
  user_id       INTEGER NOT NULL REFERENCES users(id),
  source        TEXT NOT NULL CHECK (source IN ('live', 'self_paced')),
  run_id        INTEGER REFERENCES quiz_runs(id),
  score         REAL NOT NULL,
  max_score     INTEGER NOT NULL,
  answers       TEXT NOT NULL,  -- JSON object: question id -> answer
  submitted_at  INTEGER NOT NULL
);
CREATE INDEX quiz_submissions_quiz ON quiz_submissions(quiz_id, user_id, id);

-- Self-paced attempts started (for the time limit).
CREATE TABLE quiz_attempts (
  quiz_id     INTEGER NOT NULL REFERENCES quizzes(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  started_at  INTEGER NOT NULL
);
CREATE INDEX quiz_attempts_user ON quiz_attempts(quiz_id, user_id, started_at);
)sql"},
        {6, "certificates", R"sql(
-- Certificates of completion: the number and verification code stay the same once issued.
CREATE TABLE certificates (
  id                INTEGER PRIMARY KEY,
  training_id       INTEGER NOT NULL REFERENCES trainings(id),
  user_id           INTEGER NOT NULL REFERENCES users(id),
  number            TEXT NOT NULL UNIQUE,
  code              TEXT NOT NULL UNIQUE,
  issued_at         INTEGER NOT NULL,
  seconds_attended  INTEGER NOT NULL,
  UNIQUE (training_id, user_id)
);
)sql"},
        {7, "live_timeline", R"sql(
-- The timeline of each live session: every broadcast event with its seq and time, as trainees
-- and staff received it (staff_body when theirs differed). Written in batches (at most one
-- flush interval of it is lost in a crash); the recording of a session is read from it, and a
-- live room rebuilt after a restart takes its chat history from it.
CREATE TABLE session_events (
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  seq         INTEGER NOT NULL,
  at_ms       INTEGER NOT NULL,  -- Unix time in milliseconds
  type        TEXT NOT NULL,
  body        TEXT,              -- NULL for staff-only events
  staff_body  TEXT,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

-- What a live room holds that must survive a restart: the slide shown and the highest seq a
-- client may have seen (a rebuilt room continues past it).
CREATE TABLE live_state (
  session_id  INTEGER PRIMARY KEY REFERENCES training_sessions(id),
  slide       INTEGER NOT NULL,
  last_seq    INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE INDEX quiz_runs_open ON quiz_runs(closed_at, session_id);
)sql"},
        {8, "audio_lane", R"sql(
-- Every audio packet of a live session as listeners received it (the recording's audio),
-- written in batches with the timeline. at_ms counts from the session's start.
CREATE TABLE audio_packets (
  session_id   INTEGER NOT NULL REFERENCES training_sessions(id),
  seq          INTEGER NOT NULL,
  at_ms        INTEGER NOT NULL,
  duration_ms  INTEGER NOT NULL,
  flags        INTEGER NOT NULL,
  packet       BLOB NOT NULL,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

-- The audio lane's state (on, settings, the floor) and the audio_seq values reserved, so a
-- rebuilt room continues past every audio_seq a listener may have heard.
ALTER TABLE live_state ADD COLUMN audio TEXT;
ALTER TABLE live_state ADD COLUMN audio_seq_reserved INTEGER NOT NULL DEFAULT 0;
)sql"},
        {9, "recording_deletions", R"sql(
-- Recordings deleted by a trainer or admin: the timeline and the audio rows are gone, this row
-- says when and by whom (the audit log says it too).
CREATE TABLE recording_deletions (
  session_id  INTEGER PRIMARY KEY REFERENCES training_sessions(id),
  deleted_at  INTEGER NOT NULL,
  deleted_by  INTEGER REFERENCES users(id)
);
)sql"},
        {10, "replay", R"sql(
-- Replay progress: the position ranges of a recording each user actually played (merged, in
-- milliseconds of the recording), and the last report (where a playing range continues from).
CREATE TABLE replay_ranges (
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  from_ms     INTEGER NOT NULL,
  to_ms       INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id, from_ms)
) WITHOUT ROWID;

CREATE TABLE replay_cursors (
  session_id   INTEGER NOT NULL REFERENCES training_sessions(id),
  user_id      INTEGER NOT NULL REFERENCES users(id),
  position_ms  INTEGER NOT NULL,
  playing      INTEGER NOT NULL,
  reported_ms  INTEGER NOT NULL,  -- Unix time in milliseconds
  PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;

-- Trainees who hid their own chat lines in a session's recording (privacy).
CREATE TABLE recording_hidden_chat (
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  hidden_at   INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;

-- A session's end in its timeline, found without reading the timeline (is the recording ready).
CREATE INDEX session_events_type ON session_events(session_id, type);

-- Whether a replayed session counts toward completion: set per training, copied onto each
-- session when it goes live (as the attendance thresholds are).
ALTER TABLE trainings ADD COLUMN replay_counts_for_completion INTEGER NOT NULL DEFAULT 0;
ALTER TABLE training_sessions ADD COLUMN replay_counts INTEGER;
)sql"},
        {11, "account_life_cycle", R"sql(
-- Accounts over years: e-mail and the business id (NIB), a forced password change after a
-- reset or an import, deactivation (history stays), when the password last changed.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN nib TEXT;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;

-- Paged lists: each page is one index range.
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX restrictions_region_start ON restrictions(region_code, starts_on, id);
)sql",
         normalize_stored_phones},
        {12, "outbox", R"sql(
-- Messages outside the app. A notification keeps its kind and parameters (JSON) so channel
-- templates can be filled; each one also becomes at most one outbox row per channel, written
-- in the same transaction; a sender delivers due rows with retries.
ALTER TABLE notifications ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN notify_channel TEXT;  -- whatsapp | email | none; NULL: by what is known
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'id';
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id),
  user_id         INTEGER NOT NULL REFERENCES users(id),
  channel         TEXT NOT NULL,                    -- whatsapp | email
  state           TEXT NOT NULL DEFAULT 'pending',  -- pending sending sent failed expired cancelled
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  expires_at      INTEGER,                          -- not sent after this (a reminder too late)
  last_error      TEXT,                             -- the provider's answer to the last attempt
  sent_at         INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (notification_id, channel)
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Reminders before each session: hours before the start, per training; each sent once.
ALTER TABLE trainings ADD COLUMN reminder_hours TEXT NOT NULL DEFAULT '24,1';
CREATE TABLE session_reminders (
  session_id   INTEGER NOT NULL REFERENCES training_sessions(id),
  hours_before INTEGER NOT NULL,
  sent_at      INTEGER NOT NULL,
  PRIMARY KEY (session_id, hours_before)
);
-- One-tap join links in messages: each usable once (its SHA-256 kept when used).
CREATE TABLE join_links_used (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  session_id INTEGER NOT NULL REFERENCES training_sessions(id),
  used_at    INTEGER NOT NULL
);
)sql"},
        {13, "session_notices_due", R"sql(
-- A session that ended owes its trainees notices (missed-session, absence warnings,
-- certificates): marked in the ending transaction, filled in and removed by a worker.
CREATE TABLE session_notices_due (
  session_id INTEGER PRIMARY KEY REFERENCES training_sessions(id),
  ended_at   INTEGER NOT NULL,
  marked_at  INTEGER NOT NULL
);
)sql"},
        {14, "decks_and_materials", R"sql(
-- A trainer's own deck (PDF, PowerPoint, OpenDocument) converted to page images by a child
-- process; its pages become slides. Page images live in the assets directory under their
-- content hash, never deleted while a slide or a recorded event may show them.
CREATE TABLE decks (
  id            INTEGER PRIMARY KEY,
  session_id    INTEGER NOT NULL REFERENCES training_sessions(id),
  status        TEXT NOT NULL,            -- converting, ready, failed
  kind          TEXT NOT NULL,            -- pdf, pptx, ppt, odp, fodp
  source_bytes  INTEGER NOT NULL,
  pages         INTEGER NOT NULL DEFAULT 0,
  pages_done    INTEGER NOT NULL DEFAULT 0,
  error_code    TEXT,
  error_message TEXT,
  created_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX decks_session ON decks(session_id);
CREATE TABLE deck_pages (
  deck_id     INTEGER NOT NULL REFERENCES decks(id),
  n           INTEGER NOT NULL,            -- 1-based
  width       INTEGER NOT NULL,            -- of the large image, px
  height      INTEGER NOT NULL,
  small       TEXT NOT NULL,               -- content hashes of the WebP files
  large       TEXT NOT NULL,
  small_bytes INTEGER NOT NULL,
  large_bytes INTEGER NOT NULL,
  text        TEXT NOT NULL,
  PRIMARY KEY (deck_id, n)
);
ALTER TABLE slides ADD COLUMN deck_id INTEGER REFERENCES decks(id);
ALTER TABLE slides ADD COLUMN page_n INTEGER;
-- Handouts of a training, stored in the assets directory under their content hash.
CREATE TABLE materials (
  id           INTEGER PRIMARY KEY,
  training_id  INTEGER NOT NULL REFERENCES trainings(id),
  name         TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes        INTEGER NOT NULL,
  file         TEXT NOT NULL,
  created_by   INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  deleted_at   INTEGER
);
CREATE INDEX materials_training ON materials(training_id);
-- The trainer's pointer over a page (at most 10 moves a second): not a ring event, kept for
-- the recording's timeline.
CREATE TABLE session_pointer (
  session_id INTEGER NOT NULL REFERENCES training_sessions(id),
  at_ms      INTEGER NOT NULL,  -- Unix time in milliseconds
  body       TEXT NOT NULL
);
CREATE INDEX session_pointer_session ON session_pointer(session_id, at_ms);
)sql"},
        {15, "taking_part", R"sql(
-- Taking part in a live session: questions with votes, quick polls and their answers, and the
-- reactions each trainee sent (counted per user, and per minute for the activity chart). A
-- question's and a poll's id is the seq of the event that announced it (unique in the session).
CREATE TABLE questions (
  session_id   INTEGER NOT NULL REFERENCES training_sessions(id),
  id           INTEGER NOT NULL,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  text         TEXT NOT NULL,
  anonymous    INTEGER NOT NULL,
  client_id    TEXT NOT NULL,          -- the asker's message id ('' when none)
  asked_at     INTEGER NOT NULL,
  answered_at  INTEGER,
  answered_by  INTEGER REFERENCES users(id),
  answer       TEXT,                   -- a written answer (NULL: answered live)
  hidden_at    INTEGER,
  hidden_by    INTEGER REFERENCES users(id),
  PRIMARY KEY (session_id, id)
);
CREATE TABLE question_votes (
  session_id   INTEGER NOT NULL,
  question_id  INTEGER NOT NULL,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  voted_at     INTEGER NOT NULL,
  PRIMARY KEY (session_id, question_id, user_id),
  FOREIGN KEY (session_id, question_id) REFERENCES questions(session_id, id)
) WITHOUT ROWID;
CREATE TABLE polls (
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  id          INTEGER NOT NULL,
  question    TEXT NOT NULL,
  options     TEXT NOT NULL,           -- JSON array of texts
  multiple    INTEGER NOT NULL,
  anonymous   INTEGER NOT NULL,
  opened_by   INTEGER NOT NULL REFERENCES users(id),
  opened_at   INTEGER NOT NULL,
  closed_at   INTEGER,
  published   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, id)
);
CREATE TABLE poll_answers (
  session_id   INTEGER NOT NULL,
  poll_id      INTEGER NOT NULL,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  choices      TEXT NOT NULL,          -- JSON array of option indexes (the last answer)
  answered_at  INTEGER NOT NULL,
  PRIMARY KEY (session_id, poll_id, user_id),
  FOREIGN KEY (session_id, poll_id) REFERENCES polls(session_id, id)
) WITHOUT ROWID;
CREATE TABLE reaction_counts (
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  count       INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
CREATE TABLE reaction_minutes (
  session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
  minute      INTEGER NOT NULL,        -- Unix time / 60
  count       INTEGER NOT NULL,
  PRIMARY KEY (session_id, minute)
) WITHOUT ROWID;
)sql"},
    };
    return list;
}

int current_schema_version(connection& c) {
    if (!c.table_exists("schema_migrations")) return 0;
    return static_cast<int>(c.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
}

int apply_migrations(connection& c) {
    c.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
        "NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))");
    int version = current_schema_version(c);
    for (const auto& m : all_migrations()) {
        if (m.version <= version) continue;
        transaction txn(c);
        c.exec(m.sql);
        if (m.then) m.then(c);
        statement record(c, "INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
        record.bind(1, m.version);
        record.bind(2, m.name);
        record.exec();
        txn.commit();
        version = m.version;
    }
    return version;
}

}  // namespace daring::storage
