// The one owner of a session's start and end: what each transition writes in its own job, and
// the after-session notices owed by a durable mark that a later pass (the worker's) fills in.
// On a database file with the real migrations; no live rooms, no worker thread.
#include "server/sessions/session_lifecycle.hpp"

#include <gtest/gtest.h>

#include "server/http/metrics.hpp"
#include "server/live/presence_recorder.hpp"
#include "server/live/quiz_recorder.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/audit_repo.hpp"
#include "storage/certificate_repo.hpp"
#include "storage/funding_repo.hpp"
#include "storage/lease_repo.hpp"
#include "storage/notices_due_repo.hpp"
#include "storage/notification_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::server;
namespace p = daring::protocol;
namespace st = daring::storage;

namespace {

constexpr p::unix_seconds starts = 1'600'000'000;

class SessionLifecycle : public ::testing::Test {
  protected:
    SessionLifecycle() : db(options()), clk(starts), quizzes(db) {
        lifecycle = std::make_unique<session_lifecycle>(
            db, clk, live, quizzes, lifecycle_settings{{75, 15 * 60}, "UJI", 30});
        db.write([&](st::connection& c) {
            st::insert_region(c, {"62.71", "Kota Palangka Raya", p::wib_utc_offset_minutes});
            p::funding_source f{0, "DAK", "DAK", p::funding_kind::dak, 2020, 1};
            p::training t;
            t.title = "Pembukuan";
            t.region_code = "62.71";
            t.min_attendance_pct = 100;
            t.planned_mode = p::delivery_mode::online;
            t.funding_source_id = st::insert_funding_source(c, f, 0);
            training = st::insert_training(c, t, 0);
            p::session s;
            s.training_id = training;
            s.title = "Sesi 1";
            s.current.mode = p::delivery_mode::online;
            s.starts_at = starts;
            s.ends_at = starts + 3600;
            session = st::insert_session(c, s, 0);
            trainer =
                st::insert_user(c, {"rina", "password-1", "Rina", p::role::trainer, {}}, "hash", 0);
            trainee =
                st::insert_user(c, {"ani", "password-1", "Ani", p::role::trainee, {}}, "hash", 0);
            st::assign_trainer(c, training, trainer, 0);
            st::enroll(c, training, trainee, 0);
        });
    }

    st::database_options options() {
        st::database_options o;
        o.path = dir.file("t.db");
        return o;
    }

    std::vector<std::string> notice_kinds() {
        return db.read([&](st::connection& c) {
            std::vector<std::string> kinds;
            for (const auto& n : st::list_notifications(c, trainee, {})) kinds.push_back(n.kind);
            std::sort(kinds.begin(), kinds.end());
            return kinds;
        });
    }

    bool owes() {
        return db.read([&](st::connection& c) { return st::owes_notices(c, session); });
    }

    daring::test::temp_dir dir;
    st::database db;
    manual_clock clk;
    live_link live;
    quiz_recorder quizzes;
    std::unique_ptr<session_lifecycle> lifecycle;
    std::int64_t training = 0, session = 0, trainer = 0, trainee = 0;
};

}  // namespace

TEST_F(SessionLifecycle, StartingTellsTheTraineesAndOnlyAScheduledSessionStarts) {
    EXPECT_TRUE(db.write(
        [&](st::connection& c) { return lifecycle->start_in(c, session, trainer, starts); }));
    EXPECT_EQ(notice_kinds(), std::vector<std::string>{"session_started"});
    EXPECT_FALSE(db.write(
        [&](st::connection& c) { return lifecycle->start_in(c, session, trainer, starts + 1); }));
    const auto s = db.read([&](st::connection& c) { return *st::find_session(c, session); });
    EXPECT_EQ(s.current.status, p::session_status::live);
    const auto room = lifecycle->room_of(s, starts + 5);
    EXPECT_EQ(room.session_id, session);
    EXPECT_EQ(room.training_id, training);
    EXPECT_EQ(room.thresholds.present_pct, 75);
}

TEST_F(SessionLifecycle, EndingMarksTheNoticesDueAndAPassWritesThemOnce) {
    db.write([&](st::connection& c) { lifecycle->start_in(c, session, trainer, starts); });
    clk.set(starts + 3600);
    EXPECT_TRUE(db.write(
        [&](st::connection& c) { return lifecycle->end_in(c, session, trainer, starts + 3600); }));
    // The end's own job wrote the mark, not the notices (the worker's pass builds the matrix).
    EXPECT_TRUE(owes());
    EXPECT_EQ(notice_kinds(), std::vector<std::string>{"session_started"});
    // Ending twice is refused and marks nothing again.
    EXPECT_FALSE(db.write(
        [&](st::connection& c) { return lifecycle->end_in(c, session, trainer, starts + 3601); }));
    // Ani never joined: the recording notice and, below 100%, the absence warning.
    EXPECT_EQ(lifecycle->write_owed_notices(), 1);
    EXPECT_FALSE(owes());
    EXPECT_EQ(notice_kinds(), (std::vector<std::string>{"absence_warning", "recording_available",
                                                        "session_started"}));
    EXPECT_EQ(lifecycle->write_owed_notices(), 0);  // nothing is written twice
    EXPECT_EQ(notice_kinds().size(), 3u);
}

TEST_F(SessionLifecycle, NoticesOwedWhenTheProcessDiedAreWrittenByTheNextOne) {
    db.write([&](st::connection& c) {
        lifecycle->start_in(c, session, trainer, starts);
        lifecycle->end_in(c, session, trainer, starts + 3600);
    });
    lifecycle.reset();  // the process is gone before its worker ran
    EXPECT_TRUE(owes());
    session_lifecycle next(db, clk, live, quizzes, lifecycle_settings{{75, 15 * 60}, "UJI", 30});
    EXPECT_EQ(next.write_owed_notices(), 1);
    EXPECT_FALSE(owes());
    EXPECT_EQ(notice_kinds().size(), 3u);
}

TEST_F(SessionLifecycle, ALatePassJudgesAsOfTheEndAndDatesTheCertificateThatDay) {
    db.write([&](st::connection& c) {
        lifecycle->start_in(c, session, trainer, starts);
        // Ani was there the whole hour.
        st::insert_presence(c, {st::max_presence_id(c) + 1, session, trainee, true, starts,
                                starts + 3600, starts + 3600, ""});
        lifecycle->end_in(c, session, trainer, starts + 3600);
    });
    clk.set(starts + 3600 + 3 * 86400);  // the pass runs three days later
    EXPECT_EQ(lifecycle->write_owed_notices(), 1);
    const auto cert =
        db.read([&](st::connection& c) { return st::find_certificate(c, training, trainee); });
    ASSERT_TRUE(cert.has_value()) << "Ani completed the one-session training";
    EXPECT_EQ(cert->issued_at, starts + 3600);
}

TEST_F(SessionLifecycle, TheEndIsAuditedWithWhoEndedItAndHow) {
    db.write([&](st::connection& c) {
        lifecycle->start_in(c, session, trainer, starts);
        lifecycle->end_in(c, session, trainer, starts + 60, {{"via", "live"}});
    });
    const auto rows =
        db.read([&](st::connection& c) { return st::list_audit(c, {}, st::page_request{}); });
    bool ended = false;
    for (const auto& r : rows) {
        if (r.action != "session.end") continue;
        ended = true;
        EXPECT_EQ(r.actor_id, trainer);
        EXPECT_EQ(p::json::parse(r.detail).value("via", ""), "live");
    }
    EXPECT_TRUE(ended);
}

TEST_F(SessionLifecycle, AnEndWhileTheOwnerIsGoneEndsItsIntervalsAndNoOtherNodes) {
    db.write([&](st::connection& c) {
        lifecycle->start_in(c, session, trainer, starts);
        // Two nodes: node-a owned the room and died (its lease ran out at +100 s); node-b
        // relays its own trainees and lives on.
        st::claim_lease(c, session, "node-a", starts * 1000, 100'000);
        st::insert_presence(
            c, {1, session, trainee, true, starts, starts + 95, std::nullopt, "node-a"});
        st::insert_presence(
            c, {2, session, trainer, true, starts, starts + 120, std::nullopt, "node-b"});
    });
    const auto ended_at = [&](std::int64_t id) {
        return db.read([&](st::connection& c) {
            for (const auto& r : st::presence_of(c, session))
                if (r.id == id) return r.ended_at;
            return std::optional<p::unix_seconds>();
        });
    };
    EXPECT_TRUE(db.write(
        [&](st::connection& c) { return lifecycle->end_in(c, session, trainer, starts + 130); }));
    EXPECT_EQ(ended_at(1), starts + 95) << "the dead owner's trainee ends at the last heartbeat";
    EXPECT_EQ(ended_at(2), std::nullopt) << "a living node ends its own intervals";
}

TEST_F(SessionLifecycle, AnEndWhileTheOwnerLivesLeavesItsIntervalsToTheRoom) {
    db.write([&](st::connection& c) {
        lifecycle->start_in(c, session, trainer, starts);
        st::claim_lease(c, session, "node-a", (starts + 128) * 1000, 3'000);  // renewed 2 s ago
        st::insert_presence(
            c, {1, session, trainee, true, starts, starts + 129, std::nullopt, "node-a"});
        lifecycle->end_in(c, session, trainer, starts + 130);
    });
    const auto rows = db.read([&](st::connection& c) { return st::presence_of(c, session); });
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].ended_at, std::nullopt)
        << "the living owner's room ends it at the end itself";
}

// An owner that dies inside its lease's last seconds before the end never ends its room: the
// intervals it left open end at their last heartbeat once the session has been over a minute
// (any node's housekeeping), not before.
TEST_F(SessionLifecycle, IntervalsAnOwnerDyingAtTheEndLeftOpenEndAMinuteLater) {
    const auto end = starts + 130;
    db.write([&](st::connection& c) {
        lifecycle->start_in(c, session, trainer, starts);
        st::claim_lease(c, session, "node-a", (starts + 128) * 1000, 3'000);
        st::insert_presence(
            c, {1, session, trainee, true, starts, starts + 129, std::nullopt, "node-a"});
        lifecycle->end_in(c, session, trainer, end);
    });
    metrics stats;
    presence_recorder survivor(db, stats, "node-b");
    const auto open = [&] {
        return db.read([&](st::connection& c) { return st::presence_of(c, session); }).at(0);
    };
    EXPECT_EQ(survivor.close_left_by_ended_sessions(end + 59), 0);
    EXPECT_EQ(open().ended_at, std::nullopt) << "within the minute the room may still end it";
    EXPECT_EQ(survivor.close_left_by_ended_sessions(end + 60), 1);
    EXPECT_EQ(open().ended_at, starts + 129) << "at its last recorded heartbeat";
}
