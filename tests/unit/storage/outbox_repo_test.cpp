// The outbox on an in-memory database with the real migrations: which channel reaches whom,
// one row per notification and channel, claiming, expiry, and an administrator's retry.
#include "storage/outbox_repo.hpp"

#include <gtest/gtest.h>

#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "storage/notification_repo.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/engines.hpp"

using namespace daring::storage;
namespace p = daring::protocol;

namespace {

constexpr p::unix_seconds outbox_t0 = 1'700'000'000;

class Outbox : public ::testing::TestWithParam<sql_dialect> {
  protected:
    Outbox() : engine(daring::test::open_engine(GetParam())), c(*engine) {}

    std::int64_t user(const std::string& name, const std::string& phone, const std::string& email,
                      const char* channel = nullptr) {
        p::new_user u{name, "password-1", "Ibu " + name, p::role::trainee, {}};
        u.profile.phone = phone;
        u.profile.email = email;
        auto id = insert_user(c, u, "hash", outbox_t0);
        if (channel) {
            daring::storage::statement q(c, "UPDATE users SET notify_channel = ? WHERE id = ?");
            q.bind(1, channel);
            q.bind(2, id);
            q.exec();
        }
        return id;
    }

    std::int64_t notify(std::int64_t user_id, std::optional<p::unix_seconds> expires = {}) {
        p::notification n;
        n.user_id = user_id;
        n.kind = "recording_available";
        n.text_id = "Rekaman siap";
        n.text_en = "Recording ready";
        n.params = {{"session_title", "Sesi 1"}, {"link", "#/replay/1"}};
        n.expires_at = expires;
        n.created_at = outbox_t0;
        return insert_notification(c, n);
    }

    std::string channel_of(std::int64_t user_id) {
        daring::storage::statement q(c,
                                     "SELECT group_concat(channel) FROM outbox WHERE user_id = ?");
        q.bind(1, user_id);
        q.step();
        return q.column(0).is_null() ? "" : q.column(0).as_text();
    }

    std::unique_ptr<connection> engine;
    connection& c;
};

TEST_P(Outbox, EachNotificationReachesTheUserOnOneChannelTheyCanBeReachedOn) {
    const auto mobile = user("siti", "+6281234567890", "siti@umkm.example");
    const auto landline = user("budi", "0536-3221234", "budi@umkm.example");
    const auto chose_email = user("dewi", "+6281298765432", "dewi@umkm.example", "email");
    const auto chose_none = user("agus", "+6281211112222", "", "none");
    const auto chose_wa_no_mobile = user("lina", "", "lina@umkm.example", "whatsapp");
    const auto unreachable = user("rudi", "", "");
    const auto gone = user("maria", "+6281233334444", "");
    set_deactivated(c, gone, outbox_t0);
    for (auto u :
         {mobile, landline, chose_email, chose_none, chose_wa_no_mobile, unreachable, gone})
        notify(u);
    EXPECT_EQ(channel_of(mobile), "whatsapp");
    EXPECT_EQ(channel_of(landline), "email");
    EXPECT_EQ(channel_of(chose_email), "email");
    EXPECT_EQ(channel_of(chose_none), "");
    EXPECT_EQ(channel_of(chose_wa_no_mobile), "email");  // the other channel that reaches her
    EXPECT_EQ(channel_of(unreachable), "");
    EXPECT_EQ(channel_of(gone), "");
    // Queuing the same notifications again adds nothing.
    EXPECT_EQ(enqueue_outbox(c, 0, std::nullopt, outbox_t0), 0);
    EXPECT_EQ(outbox_counts(c)["whatsapp"]["pending"], 1);
    EXPECT_EQ(outbox_counts(c)["email"]["pending"], 3);
}

TEST_P(Outbox, OnlyTheChannelsTheServerSendsThroughAreQueued) {
    const auto mobile = user("siti", "+6281234567890", "siti@umkm.example");
    const auto mobile_only = user("agus", "+6281211112222", "");
    const auto chose_wa = user("lina", "+6281298765432", "lina@umkm.example", "whatsapp");
    c.channels = {false, true};  // e-mail only
    for (auto u : {mobile, mobile_only, chose_wa}) notify(u);
    EXPECT_EQ(channel_of(mobile), "email");  // not WhatsApp, which would never go out
    EXPECT_EQ(channel_of(mobile_only), "");  // nothing reaches him here
    EXPECT_EQ(channel_of(chose_wa), "email");
    c.channels = {true, false};  // WhatsApp only
    const auto email_only = user("budi", "", "budi@umkm.example");
    const auto chose_email = user("dewi", "+6281233334444", "dewi@umkm.example", "email");
    for (auto u : {email_only, chose_email}) notify(u);
    EXPECT_EQ(channel_of(email_only), "");
    EXPECT_EQ(channel_of(chose_email), "whatsapp");  // the channel that does go out
    c.channels = {false, false};
    const auto anyone = user("rudi", "+6281255556666", "rudi@umkm.example");
    notify(anyone);
    EXPECT_EQ(channel_of(anyone), "");  // no channel configured: nothing is queued
}

TEST_P(Outbox, ClaimingLeasesDueRowsWithWhatAMessageIsMadeOf) {
    const auto siti = user("siti", "+6281234567890", "");
    notify(siti);
    auto claimed = claim_due_outbox(c, outbox_t0, 10, 120);
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].channel, "whatsapp");
    EXPECT_EQ(claimed[0].attempts, 1);
    EXPECT_EQ(claimed[0].kind, "recording_available");
    EXPECT_EQ(claimed[0].params["link"], "#/replay/1");
    EXPECT_EQ(claimed[0].phone, "+6281234567890");
    EXPECT_EQ(claimed[0].language, "id");
    EXPECT_TRUE(claim_due_outbox(c, outbox_t0 + 1, 10, 120).empty());  // leased
    mark_outbox_retry(c, claimed[0].id, "HTTP 500", outbox_t0 + 60, outbox_t0 + 1);
    EXPECT_TRUE(claim_due_outbox(c, outbox_t0 + 59, 10, 120).empty());  // not due yet
    auto again = claim_due_outbox(c, outbox_t0 + 60, 10, 120);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].attempts, 2);
    // A stop in the middle of a send: the row goes back to pending at the next start.
    EXPECT_EQ(release_sending_outbox(c, outbox_t0 + 70), 1);
    auto resumed = claim_due_outbox(c, outbox_t0 + 70, 10, 120);
    ASSERT_EQ(resumed.size(), 1u);
    mark_outbox_sent(c, resumed[0].id, "HTTP 200", outbox_t0 + 71);
    auto row = find_outbox(c, resumed[0].id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->state, "sent");
    EXPECT_EQ(row->sent_at, outbox_t0 + 71);
    EXPECT_EQ(row->attempts, 3);
    EXPECT_FALSE(retry_outbox(c, row->id, outbox_t0 + 80));  // sent stays sent
}

TEST_P(Outbox, ExpiredRowsAreNeverSentAndAnAdministratorCanRetryOrCancel) {
    const auto siti = user("siti", "+6281234567890", "");
    notify(siti, outbox_t0 + 100);
    EXPECT_TRUE(claim_due_outbox(c, outbox_t0 + 100, 10, 120).empty());
    auto rows = list_outbox(c, "expired", {10, {}});
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].username, "siti");
    EXPECT_TRUE(retry_outbox(c, rows[0].id, outbox_t0 + 200));  // sent anyway, on request
    EXPECT_TRUE(cancel_outbox(c, rows[0].id, outbox_t0 + 201));
    EXPECT_FALSE(cancel_outbox(c, rows[0].id, outbox_t0 + 202));
    EXPECT_TRUE(claim_due_outbox(c, outbox_t0 + 300, 10, 120).empty());
    EXPECT_TRUE(retry_outbox(c, rows[0].id, outbox_t0 + 300));
    ASSERT_EQ(claim_due_outbox(c, outbox_t0 + 300, 10, 120).size(), 1u);
}

}  // namespace

DARING_ON_BOTH_ENGINES(Outbox);
