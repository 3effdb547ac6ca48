// The plan repository on an in-memory database with the real migrations.
#include <gtest/gtest.h>

#include "storage/attendance_repo.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/deck_repo.hpp"
#include "storage/funding_repo.hpp"
#include "storage/lease_repo.hpp"
#include "storage/live_repo.hpp"
#include "storage/migrations.hpp"
#include "storage/notification_repo.hpp"
#include "storage/quiz_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/taking_part_repo.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/engines.hpp"

using namespace daring::storage;
namespace p = daring::protocol;

namespace {

constexpr p::unix_seconds t0 = 1'600'000'000;

class PlanRepo : public ::testing::TestWithParam<sql_dialect> {
  protected:
    PlanRepo() : engine(daring::test::open_engine(GetParam())), c(*engine) {
        insert_region(c, {"62.71", "Kota Palangka Raya", 420});
        p::funding_source f{0, "DAK-2020", "DAK 2020", p::funding_kind::dak, 2020, 1000};
        funding = insert_funding_source(c, f, t0);
        admin = user("admin", p::role::admin);
        trainer = user("rina", p::role::trainer);
        trainee = user("ani", p::role::trainee);
        other = user("budi", p::role::trainee);
        training = add_training("Pemasaran digital");
    }

    std::int64_t user(const std::string& name, p::role r) {
        return insert_user(c, {name, "password-1", name, r, {}}, "hash", t0);
    }

    std::int64_t add_training(const std::string& title) {
        p::training t;
        t.title = title;
        t.region_code = "62.71";
        t.funding_source_id = funding;
        return insert_training(c, t, t0);
    }

    // A live run of a two-question quiz in a new session: the run and the questions' ids.
    struct quiz_run {
        std::int64_t run, q1, q2;
    };
    quiz_run two_question_run() {
        const auto session = add_session("Sesi kuis", t0 + 3600);
        p::quiz q;
        q.training_id = training;
        q.title = "Kuis";
        q.created_by = trainer;
        q.questions = {{0, p::question_type::single, "Pilih", {"A", "B", "C"}, 1, 0, 1},
                       {0, p::question_type::single, "Lagi", {"A", "B"}, 0, 0, 1}};
        const auto quiz = insert_quiz(c, q);
        return {insert_run(c, quiz, session, trainer, t0 + 3700, t0 + 3760), q.questions[0].id,
                q.questions[1].id};
    }

    // A session of the test's training, or of `of_training` when given.
    std::int64_t add_session(const std::string& title, p::unix_seconds starts,
                             std::int64_t of_training = 0) {
        p::session s;
        s.training_id = of_training != 0 ? of_training : training;
        s.title = title;
        s.starts_at = starts;
        s.ends_at = starts + 3600;
        s.slides = {{"Pembuka", "Selamat datang"}};
        s.current.reason = "As planned.";
        s.current.reason_id = "Sesuai rencana.";
        return insert_session(c, s, t0);
    }

    std::unique_ptr<connection> engine;
    connection& c;
    std::int64_t funding = 0, admin = 0, trainer = 0, trainee = 0, other = 0, training = 0;
};

}  // namespace

TEST_P(PlanRepo, FindsRegionsByCodeAndNothingForAnUnknownOne) {
    ASSERT_TRUE(find_region(c, "62.71"));
    EXPECT_EQ(find_region(c, "62.71")->utc_offset_minutes, 420);
    EXPECT_FALSE(find_region(c, "99.99"));
    EXPECT_EQ(list_regions(c).size(), 1u);
}

TEST_P(PlanRepo, KeepsRestrictionsAndTheirEnd) {
    p::restriction r;
    r.region_code = "62.71";
    r.starts_on = 18'400;
    r.max_gathering = 5;
    r.label = "PSBB";
    r.reference = "Perwali No. 12";
    const auto id = insert_restriction(c, r, admin, t0);
    auto found = find_restriction(c, id);
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->ends_on);
    EXPECT_EQ(found->reference, "Perwali No. 12");
    set_restriction_end(c, id, 18'420);
    EXPECT_EQ(find_restriction(c, id)->ends_on, 18'420);
    EXPECT_EQ(list_restrictions(c, "62.71").size(), 1u);
    EXPECT_TRUE(list_restrictions(c, "62.01").empty());
}

TEST_P(PlanRepo, RefusesADuplicateFundingCode) {
    p::funding_source again{0, "DAK-2020", "again", p::funding_kind::dak, 2020, 1};
    EXPECT_THROW(insert_funding_source(c, again, t0), conflict_error);
    EXPECT_EQ(list_funding_sources(c).size(), 1u);
}

TEST_P(PlanRepo, UpdatesATrainingsSettings) {
    auto t = *find_training(c, training);
    t.title = "Pemasaran digital lanjutan";
    t.min_attendance_pct = 70;
    t.room_capacity = 12;
    update_training(c, t);
    auto read = *find_training(c, training);
    EXPECT_EQ(read.title, "Pemasaran digital lanjutan");
    EXPECT_EQ(read.min_attendance_pct, 70);
    EXPECT_EQ(read.room_capacity, 12);
    EXPECT_FALSE(find_training(c, training + 100));
}

TEST_P(PlanRepo, ListsTrainingsAsEachRoleMaySeeThem) {
    const auto second = add_training("Pembukuan");
    assign_trainer(c, second, trainer, t0);
    enroll(c, training, trainee, t0);
    EXPECT_EQ(list_trainings(c, p::role::admin, admin).size(), 2u);
    auto mine = list_trainings(c, p::role::trainer, trainer);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].id, second);
    auto enrolled = list_trainings(c, p::role::trainee, trainee);
    ASSERT_EQ(enrolled.size(), 1u);
    EXPECT_EQ(enrolled[0].id, training);
    EXPECT_TRUE(list_trainings(c, p::role::trainee, other).empty());
}

TEST_P(PlanRepo, AssignsAndUnassignsTrainersOnce) {
    EXPECT_TRUE(assign_trainer(c, training, trainer, t0));
    EXPECT_FALSE(assign_trainer(c, training, trainer, t0));
    EXPECT_TRUE(is_trainer_of(c, training, trainer));
    EXPECT_EQ(list_trainers(c, training).size(), 1u);
    EXPECT_TRUE(unassign_trainer(c, training, trainer));
    EXPECT_FALSE(unassign_trainer(c, training, trainer));
    EXPECT_FALSE(is_trainer_of(c, training, trainer));
}

TEST_P(PlanRepo, WithdrawsAndReEnrollsATrainee) {
    EXPECT_TRUE(enroll(c, training, trainee, t0));
    EXPECT_FALSE(enroll(c, training, trainee, t0 + 1));
    EXPECT_TRUE(is_enrolled_in(c, training, trainee));
    EXPECT_TRUE(withdraw(c, training, trainee, t0 + 2));
    EXPECT_FALSE(withdraw(c, training, trainee, t0 + 3));
    EXPECT_FALSE(is_enrolled_in(c, training, trainee));
    auto rows = list_enrollments(c, training);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].withdrawn_at, t0 + 2);
    EXPECT_TRUE(enroll(c, training, trainee, t0 + 4));  // back again
    EXPECT_TRUE(is_enrolled_in(c, training, trainee));
    EXPECT_FALSE(list_enrollments(c, training)[0].withdrawn_at);
}

TEST_P(PlanRepo, ResolvesUsernamesAndRoles) {
    auto found = find_users_by_name(c, {"ani", "rina", "nobody"});
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found.at("ani").first, trainee);
    EXPECT_EQ(found.at("rina").second, p::role::trainer);
    auto roles = find_roles(c, {trainee, admin, 9999});
    EXPECT_EQ(roles.size(), 2u);
    EXPECT_EQ(roles.at(admin), p::role::admin);
}

TEST_P(PlanRepo, StoresSessionsWithSlidesAndChangesTheirPlan) {
    const auto id = add_session("Sesi 1", t0 + 86'400);
    auto s = *find_session(c, id);
    EXPECT_EQ(s.title, "Sesi 1");
    ASSERT_EQ(s.slides.size(), 1u);
    EXPECT_EQ(s.slides[0].title, "Pembuka");
    p::session_patch patch;
    patch.title = "Sesi pertama";
    patch.starts_at = t0 + 2 * 86'400;
    patch.ends_at = t0 + 2 * 86'400 + 7200;
    update_session_plan(c, id, patch);
    s = *find_session(c, id);
    EXPECT_EQ(s.title, "Sesi pertama");
    EXPECT_EQ(s.ends_at - s.starts_at, 7200);
    const auto without = list_sessions(c, training, false)[0].slides;  // counted, not loaded
    ASSERT_EQ(without.size(), 1u);
    EXPECT_TRUE(without[0].title.empty());
    EXPECT_EQ(list_sessions(c, training, true)[0].slides[0].body, "Selamat datang");
}

TEST_P(PlanRepo, StartsOnlyScheduledSessionsAndEndsOnlyLiveOnes) {
    const auto id = add_session("Sesi 1", t0 + 600);
    EXPECT_FALSE(end_session(c, id, trainer, t0));
    EXPECT_TRUE(start_session(c, id, trainer, t0 + 600, 75, 900));
    EXPECT_FALSE(start_session(c, id, trainer, t0 + 601, 75, 900));
    auto live = *find_session(c, id);
    EXPECT_EQ(live.current.status, p::session_status::live);
    EXPECT_EQ(live.present_pct, 75);
    EXPECT_EQ(live.late_after_s, 900);
    EXPECT_EQ(live.started_at, t0 + 600);
    EXPECT_TRUE(end_session(c, id, trainer, t0 + 4200));
    EXPECT_EQ(find_session(c, id)->current.status, p::session_status::ended);
    EXPECT_EQ(find_session(c, id)->ended_at, t0 + 4200);
}

TEST_P(PlanRepo, EvaluatesOnlySessionsThatHaveNotStarted) {
    const auto later = add_session("Nanti", t0 + 86'400);
    const auto held = add_session("Selesai", t0 + 600);
    set_session_status(c, held, p::session_status::ended);
    enroll(c, training, trainee, t0);
    assign_trainer(c, training, trainer, t0);
    auto rows = sessions_for_evaluation(c, {std::nullopt, training, std::nullopt, t0});
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].session.id, later);
    EXPECT_EQ(rows[0].trainees, 1);
    EXPECT_EQ(rows[0].trainers, 1);
    EXPECT_EQ(rows[0].region_code, "62.71");
}

TEST_P(PlanRepo, KeepsDecisionsInOrderAndNotifiesTheAudience) {
    const auto id = add_session("Sesi 1", t0 + 86'400);
    enroll(c, training, trainee, t0);
    assign_trainer(c, training, trainer, t0);
    p::delivery_decision d;
    d.session_id = id;
    d.to_mode = p::delivery_mode::online;
    d.reason = "PSBB";
    d.at = t0 + 10;
    insert_decision(c, d);
    d.to_mode = p::delivery_mode::in_person;
    d.at = t0 + 20;
    insert_decision(c, d);
    auto list = list_decisions(c, training);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].to_mode, p::delivery_mode::online);
    EXPECT_EQ(list[1].session_title, "Sesi 1");
    p::notification n;
    n.training_id = training;
    n.session_id = id;
    n.kind = "delivery_changed";
    n.text_id = "teks";
    n.text_en = "text";
    n.created_at = t0;
    EXPECT_EQ(notify_training_audience(c, n), 2);
    ASSERT_EQ(list_notifications(c, trainee, {10, {}}).size(), 1u);
    EXPECT_EQ(list_notifications(c, trainee, {10, {}})[0].text_id, "teks");
    EXPECT_EQ(list_notifications(c, trainer, {10, {}}).size(), 1u);
    EXPECT_TRUE(list_notifications(c, other, {10, {}}).empty());
}

// A live answer is applied once per client id (a resend after a lost ack changes nothing);
// a new id for the same question replaces the answer.
TEST_P(PlanRepo, RecordsALiveAnswerOncePerClientIdAndTheLatestPerQuestion) {
    const auto [run, q1, q2] = two_question_run();
    EXPECT_TRUE(record_answer(c, run, trainee, q1, 0, "a-1", t0 + 3701));
    EXPECT_FALSE(record_answer(c, run, trainee, q1, 2, "a-1", t0 + 3702)) << "a resend";
    EXPECT_EQ(run_answers(c, run)[trainee][q1], 0) << "the resend changed nothing";
    EXPECT_TRUE(record_answer(c, run, trainee, q1, 1, "a-2", t0 + 3703));
    EXPECT_TRUE(record_answer(c, run, trainee, q2, 1, "a-3", t0 + 3704));
    EXPECT_TRUE(record_answer(c, run, other, q1, 2, "a-1", t0 + 3705)) << "ids are per trainee";
    EXPECT_TRUE(record_answer(c, run, other, q2, 0, "", t0 + 3706)) << "no id: always applied";
    auto answers = run_answers(c, run);
    EXPECT_EQ(answers[trainee][q1], 1);
    EXPECT_EQ(answers[trainee][q2], 1);
    EXPECT_EQ(answers[other][q1], 2);
    EXPECT_EQ(answers[other][q2], 0);
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM quiz_answers"), 4);
}

// A presence flush moves last_seen forward only, of open intervals only, whatever the order
// and repetition of its values (PostgreSQL writes a flush in one statement).
TEST_P(PlanRepo, APresenceFlushMovesLastSeenForwardOfOpenIntervalsOnly) {
    const auto session = add_session("Sesi hadir", t0 + 3600);
    for (std::int64_t id = 1; id <= 3; ++id)
        insert_presence(
            c, {id, session, id == 3 ? other : trainee, true, t0 + 3600, t0 + 3600, std::nullopt});
    close_presence(c, 3, t0 + 3700);
    touch_presence(
        c, {{1, t0 + 3650}, {2, t0 + 3640}, {1, t0 + 3660}, {1, t0 + 3655}, {3, t0 + 3900}});
    touch_presence(c, {{2, t0 + 3620}});  // older than stored: no step back
    touch_presence(c, {});
    std::map<std::int64_t, p::unix_seconds> seen;
    for (const auto& r : presence_of(c, session, std::nullopt)) seen[r.id] = r.last_seen;
    EXPECT_EQ(seen[1], t0 + 3660);
    EXPECT_EQ(seen[2], t0 + 3640);
    EXPECT_EQ(seen[3], t0 + 3700) << "a closed interval keeps its end";
}

TEST_P(PlanRepo, ManyLiveAnswersAtOnceApplyAsOneAfterAnother) {
    const auto [run, q1, q2] = two_question_run();
    ASSERT_TRUE(record_answer(c, run, trainee, q1, 0, "earlier", t0 + 3700));
    const std::string odd = R"({"text":"a \"quoted\" \\ answer, {braced}"})";
    record_answers(c, {
                          {run, trainee, q1, "2", "earlier", t0 + 3701},  // applied before
                          {run, trainee, q2, "0", "b-1", t0 + 3702},
                          {run, trainee, q2, "1", "b-1", t0 + 3703},  // a resend in the batch
                          {run, trainee, q2, "1", "b-2", t0 + 3704},  // the latest wins
                          {run, other, q1, odd, "b-1", t0 + 3705},    // ids are per trainee
                          {run, other, q2, "0", "", t0 + 3706},
                          {run, other, q2, "1", "", t0 + 3707},  // no id: always applied
                      });
    auto answers = run_answers(c, run);
    EXPECT_EQ(answers[trainee][q1], 0) << "an id applied before is not applied again";
    EXPECT_EQ(answers[trainee][q2], 1);
    EXPECT_EQ(answers[other][q1], p::json::parse(odd)) << "quotes and backslashes intact";
    EXPECT_EQ(answers[other][q2], 1);
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM quiz_answers"), 4);
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM quiz_answer_ids"), 4);
    record_answers(c, {});
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM quiz_answers"), 4);
}

TEST_P(PlanRepo, ARoomHasOneOwnerWhoseLeaseAnotherNodeTakesOnlyOnceExpired) {
    const auto s = add_session("Sesi 1", t0 + 3600);
    const std::int64_t ms = 1'600'000'000'000, ttl = 5000;
    EXPECT_FALSE(lease_of(c, s));
    auto a = claim_lease(c, s, "node-a", ms, ttl);
    EXPECT_EQ(a.node_id, "node-a");
    EXPECT_EQ(a.epoch, 1);
    EXPECT_EQ(a.expires_ms, ms + ttl);

    auto b = claim_lease(c, s, "node-b", ms + ttl - 1, ttl);
    EXPECT_EQ(b.node_id, "node-a") << "a live lease stays with its owner";
    EXPECT_EQ(b.epoch, 1);
    EXPECT_EQ(b.expires_ms, ms + ttl);

    EXPECT_EQ(renew_leases(c, "node-a", ms + 2 * ttl), std::vector<std::int64_t>{s});
    b = claim_lease(c, s, "node-b", ms + ttl, ttl);
    EXPECT_EQ(b.node_id, "node-a") << "renewed past the old expiry";

    b = claim_lease(c, s, "node-b", ms + 2 * ttl, ttl);
    EXPECT_EQ(b.node_id, "node-b") << "expired: the other node takes it";
    EXPECT_EQ(b.epoch, 2) << "a new owner raises the epoch";
    EXPECT_TRUE(renew_leases(c, "node-a", ms + 3 * ttl).empty()) << "the old owner lost it";
    EXPECT_EQ(lease_of(c, s)->node_id, "node-b");

    b = claim_lease(c, s, "node-b", ms + 2 * ttl + 1, ttl);
    EXPECT_EQ(b.epoch, 2) << "the owner's own claim renews without a new epoch";
    EXPECT_EQ(b.expires_ms, ms + 3 * ttl + 1);

    release_lease(c, s, "node-a");
    EXPECT_EQ(claim_lease(c, s, "node-a", ms + 2 * ttl + 2, ttl).node_id, "node-b")
        << "only the owner gives a lease up";
    release_lease(c, s, "node-b");
    EXPECT_EQ(lease_of(c, s)->expires_ms, 0);
    a = claim_lease(c, s, "node-a", ms + 2 * ttl + 2, ttl);
    EXPECT_EQ(a.node_id, "node-a") << "a released room is free at once";
    EXPECT_EQ(a.epoch, 3) << "and its next owner's epoch is above every earlier one";
    release_lease(c, s, "node-a");
    EXPECT_EQ(claim_lease(c, s, "node-a", ms + 2 * ttl + 3, ttl).epoch, 4)
        << "the same node taking a released room again gets a new epoch too";
}

// A training's reports read each kind of evidence once for all its sessions: the scoped reads
// return the rows of every session of that training (none of another's), by session, and of
// one trainee when asked.
TEST_P(PlanRepo, ScopedReadsCoverEverySessionOfATrainingAndOneTraineeWhenAsked) {
    const auto s1 = add_session("Sesi 1", t0 + 3600);
    const auto s2 = add_session("Sesi 2", t0 + 7200);
    const auto foreign = add_session("Sesi lain", t0 + 3600, add_training("Pembukuan"));
    std::int64_t id = 0;
    for (const auto s : {s1, s2, foreign})
        for (const auto u : {trainee, other}) {
            insert_presence(c, {++id, s, u, true, t0, t0 + 60, t0 + 60});
            record_checkin(c, s, u, t0 + 5);
            insert_mark(c, {0, s, u, "present", "", trainer, "", t0 + 10});
            insert_question(c, {s, id, u, "", "Tanya?", false, "q" + std::to_string(id), t0});
        }
    append_events(c, {{s2, 1, 1000, "chat", "{}", std::nullopt},
                      {s1, 2, 2000, "hand", "{}", std::nullopt},
                      {s1, 1, 1000, "chat", "{}", std::nullopt},
                      {s1, 3, 3000, "slide", "{}", std::nullopt},
                      {foreign, 1, 1000, "chat", "{}", std::nullopt}});
    const auto whole = session_scope::of_training(training);

    std::map<std::int64_t, int> per;
    for (const auto& r : presence_in(c, whole)) ++per[r.session_id];
    EXPECT_EQ(per, (std::map<std::int64_t, int>{{s1, 2}, {s2, 2}}));
    const auto mine = presence_in(c, whole, trainee);
    ASSERT_EQ(mine.size(), 2U);
    EXPECT_TRUE(mine[0].user_id == trainee && mine[1].user_id == trainee);
    EXPECT_EQ(presence_in(c, session_scope::of_session(foreign)).size(), 2U);

    const auto checkins = checkins_in(c, whole, other);
    ASSERT_EQ(checkins.size(), 2U);
    EXPECT_EQ(checkins.at(s2), (std::map<std::int64_t, p::unix_seconds>{{other, t0 + 5}}));
    EXPECT_EQ(marks_in(c, whole).size(), 4U);
    EXPECT_EQ(marks_in(c, whole, trainee).size(), 2U);

    std::vector<std::pair<std::int64_t, std::uint64_t>> order;
    for (const auto& e : session_events_in(c, whole, {"chat", "hand"}))
        order.emplace_back(e.session_id, e.seq);
    EXPECT_EQ(order,
              (std::vector<std::pair<std::int64_t, std::uint64_t>>{{s1, 1}, {s1, 2}, {s2, 1}}))
        << "by session and seq, of the asked types only";

    const auto counts = taking_part_counts_in(c, whole, other);
    ASSERT_EQ(counts.size(), 2U);
    EXPECT_EQ(counts.at(s1).at(other).questions, 1);
    EXPECT_FALSE(counts.at(s1).contains(trainee));
    EXPECT_EQ(taking_part_counts_in(c, whole).at(s2).size(), 2U);
}

// Several nodes assign presence ids in memory: each from a block no other node was given.
TEST_P(PlanRepo, IdBlocksNeverOverlapAndStartAboveTheHighestUsed) {
    const auto a = reserve_ids(c, "presence", 1000, 41);
    EXPECT_EQ(a, 42);
    const auto b = reserve_ids(c, "presence", 1000, 41);
    EXPECT_EQ(b, a + 1000) << "the next block starts where the last one ended";
    const auto d = reserve_ids(c, "presence", 10, 5000);
    EXPECT_EQ(d, 5001) << "above ids used since (a node that reserved nothing before)";
    EXPECT_EQ(reserve_ids(c, "other", 5, 0), 1) << "each name its own sequence";
    const auto s = add_session("Sesi 1", t0 + 3600);
    insert_presence(c, {1, s, trainee, true, t0, t0 + 30, std::nullopt, "a"});
    insert_presence(c, {2, s, other, true, t0, t0 + 40, t0 + 50, "a"});
    insert_presence(c, {3, s, other, true, t0, t0 + 35, std::nullopt, "b"});
    EXPECT_TRUE(ended_presence_of(c, s, trainee).empty()) << "an open interval is not read";
    EXPECT_EQ(ended_presence_of(c, s, other).size(), 1U);
    EXPECT_EQ(close_open_presence_of(c, s, "a"), 1) << "node a's open interval only";
    EXPECT_EQ(presence_of(c, s, trainee).at(0).ended_at, t0 + 30)
        << "ends at its last recorded heartbeat";
    EXPECT_EQ(presence_of(c, s, trainee).at(0).node, "a");
    EXPECT_FALSE(presence_of(c, s, other).at(1).ended_at) << "node b still records it";
}

// A node restarted under the same id ends the intervals it left open, and no other node's.
TEST_P(PlanRepo, ANodeEndsOnlyItsOwnIntervalsLeftOpen) {
    const auto s = add_session("Sesi 1", t0 + 3600);
    insert_presence(c, {1, s, trainee, true, t0, t0 + 30, std::nullopt, "a"});
    insert_presence(c, {2, s, other, true, t0, t0 + 40, std::nullopt, "b"});
    insert_presence(c, {3, s, other, true, t0, t0 + 20, std::nullopt});
    EXPECT_EQ(close_dangling_presence_of_node(c, "b"), 1);
    const auto rows = presence_of(c, s);
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_FALSE(rows[0].ended_at);
    EXPECT_EQ(rows[1].ended_at, t0 + 40);
    EXPECT_FALSE(rows[2].ended_at);
    EXPECT_EQ(rows[2].node, "") << "one node's intervals carry no node";
}

// What a node that died around a session's end left open ends at its last heartbeat once the
// session has been over a while; a live session's and a later-ended one's stay open.
TEST_P(PlanRepo, IntervalsLeftOpenByAnEndedSessionEndAtTheirLastHeartbeat) {
    const auto ended = add_session("Sesi 1", t0 + 3600);
    const auto later = add_session("Sesi 2", t0 + 7200);
    const auto live = add_session("Sesi 3", t0 + 9000);
    for (const auto s : {ended, later, live})
        ASSERT_TRUE(start_session(c, s, trainer, t0, 80, 600));
    ASSERT_TRUE(end_session(c, ended, trainer, t0 + 100));
    ASSERT_TRUE(end_session(c, later, trainer, t0 + 200));
    insert_presence(c, {1, ended, trainee, true, t0, t0 + 90, std::nullopt, "a"});
    insert_presence(c, {2, ended, other, true, t0, t0 + 40, t0 + 50, "b"});
    insert_presence(c, {3, later, trainee, true, t0, t0 + 190, std::nullopt, "a"});
    insert_presence(c, {4, live, trainee, true, t0, t0 + 95, std::nullopt, "a"});
    EXPECT_EQ(close_presence_of_ended_sessions(c, t0 + 150), 1);
    EXPECT_EQ(presence_of(c, ended, trainee).at(0).ended_at, t0 + 90) << "its last heartbeat";
    EXPECT_EQ(presence_of(c, ended, other).at(0).ended_at, t0 + 50) << "an ended one is kept";
    EXPECT_FALSE(presence_of(c, later).at(0).ended_at) << "ended after the bound";
    EXPECT_FALSE(presence_of(c, live).at(0).ended_at) << "a live session's room records it";
    EXPECT_EQ(close_presence_of_ended_sessions(c, t0 + 150), 0) << "nothing twice";
}

// Several nodes convert decks: a node's start fails only its own unfinished conversions; a
// node that stays silent for the limit (it died and did not come back) has its conversions
// failed by any other; one that keeps saying they are alive keeps them.
TEST_P(PlanRepo, DeckConversionsFailAtTheirNodesStartOrWhenTheirNodeFellSilent) {
    const auto s = add_session("Sesi dek", t0 + 3600);
    const auto deck_of = [&](const std::string& node) {
        p::deck d;
        d.session_id = s;
        d.kind = p::deck_kind::pdf;
        d.source_bytes = 100;
        d.created_by = trainer;
        d.created_at = t0;
        return insert_deck(c, d, node);
    };
    const auto mine = deck_of("a"), alive = deck_of("b"), silent = deck_of("c"),
               single = deck_of("");
    const auto status = [&](std::int64_t id) { return find_deck(c, id)->status; };
    EXPECT_EQ(fail_unfinished_decks(c, t0 + 10, "a"), 1);
    EXPECT_EQ(status(mine), p::deck_status::failed);
    EXPECT_EQ(find_deck(c, mine)->error_code, p::deck_interrupted);
    EXPECT_EQ(status(alive), p::deck_status::converting) << "another node's start";
    keep_conversions_alive(c, "b", t0 + 200);
    EXPECT_EQ(fail_abandoned_decks(c, t0 + 250, t0 + 70), 2);
    EXPECT_EQ(status(alive), p::deck_status::converting) << "said alive at t0 + 200";
    EXPECT_EQ(status(silent), p::deck_status::failed);
    EXPECT_EQ(find_deck(c, silent)->error_code, p::deck_interrupted);
    EXPECT_EQ(status(single), p::deck_status::failed);
    EXPECT_EQ(fail_abandoned_decks(c, t0 + 250, t0 + 70), 0) << "nothing twice";
    EXPECT_EQ(fail_unfinished_decks(c, t0 + 260, ""), 0) << "the failed are not counted again";
    EXPECT_EQ(fail_abandoned_decks(c, t0 + 400, t0 + 220), 1) << "b fell silent after all";
}

DARING_ON_BOTH_ENGINES(PlanRepo);
