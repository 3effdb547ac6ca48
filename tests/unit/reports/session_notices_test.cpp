// Reminders from two nodes sharing one PostgreSQL database: whichever round runs first sends
// them, the other node's concurrent round skips instead of queuing the same reminder again.
#include "server/reports/session_notices.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/connection.hpp"
#include "storage/funding_repo.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_connection.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/pg_cluster.hpp"

using namespace daring;
using storage::connection;

namespace {

constexpr protocol::unix_seconds t0 = 1'700'000'000;

// A training with one online session starting in 30 minutes and one enrolled trainee.
void seed_session_soon(connection& c) {
    storage::insert_region(c, {"62.71", "Kota Palangka Raya", 420});
    protocol::funding_source f;
    f.code = "DAK-2026";
    f.name = "DAK";
    f.amount_idr = 1000000;
    const auto funding = storage::insert_funding_source(c, f, t0 - 86400);
    protocol::new_user u{"ani", "password-1", "Ibu Ani", protocol::role::trainee, {}};
    u.profile.phone = "+6281234567890";
    const auto ani = storage::insert_user(c, u, "hash", t0 - 86400);
    protocol::training t;
    t.title = "Pembukuan UMKM";
    t.region_code = "62.71";
    t.funding_source_id = funding;
    t.planned_mode = protocol::delivery_mode::online;
    const auto training = storage::insert_training(c, t, t0 - 86400);
    storage::enroll(c, training, ani, t0 - 86400);
    protocol::session s;
    s.training_id = training;
    s.title = "Sesi 1";
    s.starts_at = t0 + 1800;
    s.ends_at = t0 + 9000;
    s.current.mode = protocol::delivery_mode::online;
    storage::insert_session(c, s, t0 - 86400);
}

std::int64_t reminders_written(connection& c) {
    return c.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'session_reminder'");
}

}  // namespace

TEST(Reminders, TwoNodesAtOnceSendEachReminderOnceAndTheSecondNeverWaits) {
    const auto uri =
        test::shared_pg_cluster().create_database("remind_" + std::to_string(::getpid()));
    storage::pg_connection a(uri), b(uri);
    storage::apply_migrations(a);
    a.begin();
    seed_session_soon(a);
    a.exec("COMMIT");

    a.begin();
    EXPECT_EQ(server::send_due_reminders(a, t0), 1);
    // Node B's round while A's is not committed: it skips (without the lock it would wait on
    // A's reminder row and then queue the reminder a second time).
    b.begin();
    EXPECT_EQ(server::send_due_reminders(b, t0), 0);
    b.exec("COMMIT");
    a.exec("COMMIT");
    // B's next round sees what A committed.
    b.begin();
    EXPECT_EQ(server::send_due_reminders(b, t0 + 60), 0);
    b.exec("COMMIT");
    EXPECT_EQ(reminders_written(b), 1);
}
