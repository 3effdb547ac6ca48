#include "server/rules/delivery_policy.hpp"

#include <gtest/gtest.h>

#include "protocol/time_format.hpp"

using namespace daring::server;
using namespace daring::protocol;

namespace {

const unix_seconds now = *parse_rfc3339("2020-04-01T08:00:00+07:00");
const unix_seconds session_start = *parse_rfc3339("2020-04-20T09:00:00+07:00");
const restriction_in_force psbb{7, 5, "PSBB", "Pergub Kalteng 12/2020 (demo)"};

policy_input base() {
    policy_input in;
    in.now = now;
    in.starts_at = session_start;
    in.planned_mode = delivery_mode::in_person;
    in.policy = switch_policy::automatic;
    in.trainees = 30;
    in.trainers = 2;
    return in;
}

struct policy_case {
    const char* name;
    std::function<void(policy_input&)> setup;
    bool frozen;
    delivery_mode mode;
    session_status status;
    const char* reason_contains;
};

}  // namespace

class DeliveryPolicyTable : public ::testing::TestWithParam<policy_case> {};

TEST_P(DeliveryPolicyTable, DecidesModeStatusAndReason) {
    const auto& c = GetParam();
    auto in = base();
    c.setup(in);
    auto out = decide_delivery(in);
    EXPECT_EQ(out.frozen, c.frozen) << c.name;
    if (c.frozen) return;
    EXPECT_EQ(out.mode, c.mode) << c.name;
    EXPECT_EQ(out.status, c.status) << c.name;
    EXPECT_NE(out.reason.find(c.reason_contains), std::string::npos)
        << c.name << ": " << out.reason;
    EXPECT_FALSE(out.reason_id.empty()) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, DeliveryPolicyTable,
    ::testing::Values(
        policy_case{"no restriction keeps the plan", [](policy_input&) {}, false,
                    delivery_mode::in_person, session_status::scheduled, "As planned"},
        policy_case{"attendance within the cap keeps the plan",
                    [](policy_input& in) {
                        in.trainees = 3;
                        in.restriction = psbb;
                    },
                    false, delivery_mode::in_person, session_status::scheduled, "As planned"},
        policy_case{"attendance exactly at the cap keeps the plan",
                    [](policy_input& in) {
                        in.trainees = 3;
                        in.trainers = 2;
                        in.restriction = psbb;
                    },
                    false, delivery_mode::in_person, session_status::scheduled, "As planned"},
        policy_case{"in person over the cap goes online under auto",
                    [](policy_input& in) { in.restriction = psbb; }, false, delivery_mode::online,
                    session_status::scheduled, "Pergub Kalteng 12/2020 (demo)"},
        policy_case{"in person over the cap waits for approval under approval",
                    [](policy_input& in) {
                        in.restriction = psbb;
                        in.policy = switch_policy::approval;
                    },
                    false, delivery_mode::in_person, session_status::pending_approval,
                    "online recommended"},
        policy_case{"hybrid over the cap stays hybrid when the room part fits",
                    [](policy_input& in) {
                        in.planned_mode = delivery_mode::hybrid;
                        in.room_capacity = 5;
                        in.restriction = psbb;
                    },
                    false, delivery_mode::hybrid, session_status::scheduled, "room holds 5"},
        policy_case{"hybrid over the cap goes online when the room part does not fit",
                    [](policy_input& in) {
                        in.planned_mode = delivery_mode::hybrid;
                        in.room_capacity = 12;
                        in.restriction = psbb;
                    },
                    false, delivery_mode::online, session_status::scheduled, "Moved online"},
        policy_case{"hybrid without a room size counts everyone in the room",
                    [](policy_input& in) {
                        in.planned_mode = delivery_mode::hybrid;
                        in.restriction = psbb;
                    },
                    false, delivery_mode::online, session_status::scheduled,
                    "32 people would gather"},
        policy_case{"a planned online session stays online",
                    [](policy_input& in) {
                        in.planned_mode = delivery_mode::online;
                        in.restriction = psbb;
                    },
                    false, delivery_mode::online, session_status::scheduled, "As planned: online"},
        policy_case{"a live session never changes",
                    [](policy_input& in) {
                        in.current_status = session_status::live;
                        in.restriction = psbb;
                    },
                    true, delivery_mode::in_person, session_status::scheduled, ""},
        policy_case{"an ended session never changes",
                    [](policy_input& in) {
                        in.current_status = session_status::ended;
                        in.restriction = psbb;
                    },
                    true, delivery_mode::in_person, session_status::scheduled, ""},
        policy_case{"a cancelled session never changes",
                    [](policy_input& in) { in.current_status = session_status::cancelled; }, true,
                    delivery_mode::in_person, session_status::scheduled, ""},
        policy_case{"a session that has started keeps its delivery",
                    [](policy_input& in) {
                        in.now = in.starts_at;
                        in.restriction = psbb;
                    },
                    true, delivery_mode::in_person, session_status::scheduled, ""},
        policy_case{"an admin override wins over a restriction",
                    [](policy_input& in) {
                        in.restriction = psbb;
                        in.override_decision =
                            delivery_override{delivery_mode::in_person, session_status::scheduled,
                                              "ruang besar dengan protokol kesehatan"};
                    },
                    false, delivery_mode::in_person, session_status::scheduled, "Admin decision"},
        policy_case{"an approval is an override to online",
                    [](policy_input& in) {
                        in.restriction = psbb;
                        in.policy = switch_policy::approval;
                        in.override_decision = delivery_override{
                            delivery_mode::online, session_status::scheduled, "disetujui"};
                    },
                    false, delivery_mode::online, session_status::scheduled,
                    "Admin decision: disetujui"},
        policy_case{"a postponement keeps the planned mode and postpones",
                    [](policy_input& in) {
                        in.restriction = psbb;
                        in.override_decision = delivery_override{
                            std::nullopt, session_status::postponed, "menunggu juknis"};
                    },
                    false, delivery_mode::in_person, session_status::postponed, "menunggu juknis"},
        policy_case{"an override applies without any restriction too",
                    [](policy_input& in) {
                        in.override_decision = delivery_override{
                            delivery_mode::online, session_status::scheduled, "trainer abroad"};
                    },
                    false, delivery_mode::online, session_status::scheduled, "trainer abroad"}),
    [](const auto& info) {
        std::string n = info.param.name;
        for (auto& ch : n)
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return n;
    });

TEST(DeliveryPolicy, GoesBackToThePlanWhenTheRestrictionIsLifted) {
    auto in = base();
    in.restriction = psbb;
    ASSERT_EQ(decide_delivery(in).mode, delivery_mode::online);
    in.restriction.reset();
    auto out = decide_delivery(in);
    EXPECT_EQ(out.mode, delivery_mode::in_person);
    EXPECT_EQ(out.status, session_status::scheduled);
    EXPECT_FALSE(out.restriction_id.has_value());
}

TEST(DeliveryPolicy, RecommendsOnlineWhileAwaitingApproval) {
    auto in = base();
    in.restriction = psbb;
    in.policy = switch_policy::approval;
    auto out = decide_delivery(in);
    ASSERT_TRUE(out.recommended_mode.has_value());
    EXPECT_EQ(*out.recommended_mode, delivery_mode::online);
    EXPECT_EQ(out.restriction_id, 7);
}

namespace {
restriction psbb_from(const char* starts, std::optional<const char*> ends, int max,
                      std::int64_t id = 1) {
    restriction r;
    r.id = id;
    r.starts_on = *parse_date(starts);
    if (ends) r.ends_on = *parse_date(*ends);
    r.max_gathering = max;
    r.label = "PSBB";
    r.reference = "ref-" + std::to_string(id);
    return r;
}
constexpr int wib = wib_utc_offset_minutes;
}  // namespace

TEST(RestrictionOn, AppliesToASessionAt2330WibOnTheFirstDay) {
    std::vector<restriction> list = {psbb_from("2020-05-11", std::nullopt, 5)};
    // 23:30 WIB on 11 May is 16:30 UTC on 11 May.
    EXPECT_TRUE(restriction_on(list, *parse_rfc3339("2020-05-11T23:30:00+07:00"), wib).has_value());
    // 23:30 WIB on 10 May is the day before.
    EXPECT_FALSE(
        restriction_on(list, *parse_rfc3339("2020-05-10T23:30:00+07:00"), wib).has_value());
}

TEST(RestrictionOn, UsesTheLocalDateNotTheUtcDate) {
    std::vector<restriction> list = {psbb_from("2020-05-11", std::nullopt, 5)};
    // 00:30 WIB on 11 May is still 10 May in UTC; the local date decides.
    const auto t = *parse_rfc3339("2020-05-11T00:30:00+07:00");
    EXPECT_EQ(format_rfc3339(t).substr(0, 10), "2020-05-10");
    EXPECT_TRUE(restriction_on(list, t, wib).has_value());
    // The same instant in a region at UTC (offset 0) falls on 10 May: not covered.
    EXPECT_FALSE(restriction_on(list, t, 0).has_value());
}

TEST(RestrictionOn, TreatsEndsOnAsInclusive) {
    std::vector<restriction> list = {psbb_from("2020-05-11", "2020-05-24", 5)};
    EXPECT_TRUE(restriction_on(list, *parse_rfc3339("2020-05-24T23:59:00+07:00"), wib).has_value());
    EXPECT_FALSE(
        restriction_on(list, *parse_rfc3339("2020-05-25T00:00:00+07:00"), wib).has_value());
}

TEST(RestrictionOn, PicksTheStrictestOfOverlappingRestrictions) {
    std::vector<restriction> list = {psbb_from("2020-05-01", std::nullopt, 20, 1),
                                     psbb_from("2020-05-10", "2020-05-20", 5, 2)};
    auto r = restriction_on(list, *parse_rfc3339("2020-05-15T10:00:00+07:00"), wib);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->id, 2);
    EXPECT_EQ(r->max_gathering, 5);
}
