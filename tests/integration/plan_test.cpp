// The training plan over HTTP against the real binary: the PSBB story end to end, and who may
// do what.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/world_fixture.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

class Plan : public world_fixture {
  protected:
    void SetUp() override {
        w.launch();
        funding_id = w.funding();
    }

    std::int64_t create_training(const std::string& policy = "auto",
                                 const std::string& mode = "in_person") {
        auto t = admin->post("/api/v1/trainings", {{"title", "Pemasaran Digital untuk UMKM"},
                                                   {"region_code", "62.71"},
                                                   {"funding_source_id", funding_id},
                                                   {"venue", "PLUT Kalteng"},
                                                   {"planned_mode", mode},
                                                   {"switch_policy", policy}});
        EXPECT_EQ(t.status, 201) << t.body;
        return t.json()["id"];
    }

    void create_users(const std::string& prefix, int count, const std::string& role) {
        std::string csv = "username,password,full_name,role\n";
        for (int i = 1; i <= count; ++i) {
            csv += prefix + std::to_string(i) + ",password-" + prefix + ",Peserta " +
                   std::to_string(i) + "," + role + "\n";
        }
        auto r = admin->post_csv("/api/v1/users/import?must_change_password=false", csv);
        ASSERT_EQ(r.status, 201) << r.body;
    }

    std::int64_t user_id(const std::string& username) { return w.user_id(username); }

    std::int64_t create_session(std::int64_t training, int days_ahead, const std::string& title) {
        auto s = admin->post("/api/v1/trainings/" + std::to_string(training) + "/sessions",
                             {{"title", title},
                              {"starts_at", wib_time_from_today(days_ahead, 9)},
                              {"ends_at", wib_time_from_today(days_ahead, 12)},
                              {"slides", {{{"title", "Pembuka"}, {"body", "# Selamat datang"}}}}});
        EXPECT_EQ(s.status, 201) << s.body;
        return s.json()["id"];
    }

    std::int64_t funding_id = 0;
};

}  // namespace

TEST_F(Plan, APsbbMovesFutureSessionsOnlineWithTheDecreeAndLiftingBringsThemBack) {
    const auto training = create_training();
    const auto t = std::to_string(training);
    create_users("peserta", 30, "trainee");
    std::string names = "username\n";
    for (int i = 1; i <= 30; ++i) names += "peserta" + std::to_string(i) + "\n";
    auto enrolled = admin->post_csv("/api/v1/trainings/" + t + "/enrollments", names);
    ASSERT_EQ(enrolled.status, 201) << enrolled.body;
    EXPECT_EQ(enrolled.json()["enrolled"], 30);

    const auto s1 = create_session(training, 3, "Sesi 1: Media sosial");
    const auto s2 = create_session(training, 4, "Sesi 2: Lokapasar");
    for (auto s : {s1, s2}) {
        auto got = admin->get("/api/v1/sessions/" + std::to_string(s)).json();
        EXPECT_EQ(got["delivery"]["mode"], "in_person");
        EXPECT_EQ(got["delivery"]["status"], "scheduled");
    }

    const std::string decree = "Pergub Kalteng No. 15 Tahun 2020 (data demo)";
    auto psbb =
        admin->post("/api/v1/regions/62.71/restrictions", {{"starts_on", wib_date_from_today(0)},
                                                           {"max_gathering", 5},
                                                           {"label", "PSBB"},
                                                           {"reference", decree}});
    ASSERT_EQ(psbb.status, 201) << psbb.body;
    auto affected = psbb.json()["affected_sessions"];
    ASSERT_EQ(affected.size(), 2u);
    for (const auto& a : affected) EXPECT_EQ(a["mode"], "online");

    for (auto s : {s1, s2}) {
        auto got = admin->get("/api/v1/sessions/" + std::to_string(s)).json();
        EXPECT_EQ(got["delivery"]["mode"], "online");
        EXPECT_EQ(got["delivery"]["status"], "scheduled");
        EXPECT_NE(got["delivery"]["reason"].get<std::string>().find(decree), std::string::npos);
        EXPECT_NE(got["delivery"]["reason_i18n"]["id"].get<std::string>().find("daring"),
                  std::string::npos);
        EXPECT_EQ(got["delivery"]["decided_by"], "system");
    }
    auto decisions = admin->get("/api/v1/trainings/" + t + "/decisions").json();
    ASSERT_EQ(decisions.size(), 2u);
    for (const auto& d : decisions) {
        EXPECT_EQ(d["from"]["mode"], "in_person");
        EXPECT_EQ(d["to"]["mode"], "online");
        EXPECT_EQ(d["restriction_reference"], decree);
        EXPECT_EQ(d["actor"]["kind"], "system");
    }
    for (int i = 1; i <= 30; ++i) {
        api_client trainee(*http,
                           login_token(*http, "peserta" + std::to_string(i), "password-peserta"));
        auto notes = trainee.get("/api/v1/me/notifications").json();
        ASSERT_EQ(notes.size(), 2u) << i;
        for (const auto& n : notes) {
            EXPECT_NE(n["text"]["id"].get<std::string>().find(decree), std::string::npos);
            EXPECT_NE(n["text"]["id"].get<std::string>().find("kini daring"), std::string::npos);
            EXPECT_NE(n["text"]["en"].get<std::string>().find("is now online"), std::string::npos);
        }
    }

    auto lifted =
        admin->patch("/api/v1/restrictions/" + std::to_string(psbb.json()["id"].get<int>()),
                     {{"ends_on", wib_date_from_today(1)}});
    ASSERT_EQ(lifted.status, 200) << lifted.body;
    EXPECT_EQ(lifted.json()["ends_on"], wib_date_from_today(1));
    const auto lifted_body = lifted.json();
    for (const auto& a : lifted_body["affected_sessions"]) EXPECT_EQ(a["mode"], "in_person");
    EXPECT_EQ(lifted_body["affected_sessions"].size(), 2u);
    for (auto s : {s1, s2}) {
        EXPECT_EQ(admin->get("/api/v1/sessions/" + std::to_string(s)).json()["delivery"]["mode"],
                  "in_person");
    }
    decisions = admin->get("/api/v1/trainings/" + t + "/decisions").json();
    ASSERT_EQ(decisions.size(), 4u);
    EXPECT_EQ(decisions[3]["to"]["mode"], "in_person");
    EXPECT_EQ(decisions[3]["restriction_reference"], decree);
    api_client first(*http, login_token(*http, "peserta1", "password-peserta"));
    EXPECT_EQ(first.get("/api/v1/me/notifications").json().size(), 4u);
}

TEST_F(Plan, ApprovalPolicyHoldsSessionsUntilAnAdminDecides) {
    const auto training = create_training("approval");
    create_users("appr", 8, "trainee");
    std::string names;
    for (int i = 1; i <= 8; ++i) names += "appr" + std::to_string(i) + "\n";
    ASSERT_EQ(
        admin->post_csv("/api/v1/trainings/" + std::to_string(training) + "/enrollments", names)
            .status,
        201);
    const auto s = std::to_string(create_session(training, 5, "Sesi 1"));
    ASSERT_EQ(
        admin
            ->post("/api/v1/regions/62.71/restrictions", {{"starts_on", wib_date_from_today(0)},
                                                          {"max_gathering", 5},
                                                          {"label", "PPKM Level 3"},
                                                          {"reference", "SE 3/2021 (demo)"}})
            .status,
        201);
    auto pending = admin->get("/api/v1/sessions/" + s).json();
    EXPECT_EQ(pending["delivery"]["status"], "pending_approval");
    EXPECT_EQ(pending["delivery"]["recommended_mode"], "online");

    auto approved = admin->post("/api/v1/sessions/" + s + "/delivery",
                                {{"mode", "online"}, {"reason", "Disetujui Kepala Dinas"}});
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.json()["delivery"]["mode"], "online");
    EXPECT_EQ(approved.json()["delivery"]["status"], "scheduled");
    EXPECT_TRUE(approved.json()["delivery"]["overridden"].get<bool>());
    EXPECT_NE(approved.json()["delivery"]["decided_by"], "system");

    auto postponed =
        admin->post("/api/v1/sessions/" + s + "/delivery",
                    {{"action", "postpone"}, {"reason", "Menunggu juknis kementerian"}});
    EXPECT_EQ(postponed.json()["delivery"]["status"], "postponed");
    auto cleared = admin->post("/api/v1/sessions/" + s + "/delivery", {{"action", "clear"}});
    EXPECT_EQ(cleared.json()["delivery"]["status"], "pending_approval");
    auto decisions =
        admin->get("/api/v1/trainings/" + std::to_string(training) + "/decisions").json();
    ASSERT_EQ(decisions.size(), 4u);
    EXPECT_EQ(decisions[1]["actor"]["kind"], "admin");

    auto bad =
        admin->post("/api/v1/sessions/" + s + "/delivery", {{"mode", "teleport"}, {"reason", "x"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()["error"]["field"], "mode");
}

TEST_F(Plan, ValidatesWithFieldNamesAndRefusesDuplicates) {
    auto dup_region = admin->post(
        "/api/v1/regions", {{"code", "62.71"}, {"name", "Lagi"}, {"utc_offset_minutes", 420}});
    EXPECT_EQ(dup_region.status, 409);
    EXPECT_EQ(dup_region.json()["error"]["field"], "code");
    auto dup_funding = admin->post("/api/v1/funding-sources", {{"code", "DAK-2020"},
                                                               {"name", "x"},
                                                               {"kind", "DAK"},
                                                               {"fiscal_year", 2020},
                                                               {"amount_idr", 1}});
    EXPECT_EQ(dup_funding.status, 409);
    auto unknown_region = admin->post("/api/v1/trainings", {{"title", "x"},
                                                            {"region_code", "62.99"},
                                                            {"funding_source_id", funding_id},
                                                            {"planned_mode", "in_person"},
                                                            {"switch_policy", "auto"}});
    EXPECT_EQ(unknown_region.status, 422);
    EXPECT_EQ(unknown_region.json()["error"]["field"], "region_code");
    auto unknown_funding = admin->post("/api/v1/trainings", {{"title", "x"},
                                                             {"region_code", "62.71"},
                                                             {"funding_source_id", 999},
                                                             {"planned_mode", "in_person"},
                                                             {"switch_policy", "auto"}});
    EXPECT_EQ(unknown_funding.json()["error"]["field"], "funding_source_id");
    const auto training = create_training();
    auto backwards = admin->post("/api/v1/trainings/" + std::to_string(training) + "/sessions",
                                 {{"title", "x"},
                                  {"starts_at", wib_time_from_today(2, 10)},
                                  {"ends_at", wib_time_from_today(2, 9)}});
    EXPECT_EQ(backwards.status, 422);
    EXPECT_EQ(backwards.json()["error"]["field"], "ends_at");
    auto restriction_unknown_region = admin->post(
        "/api/v1/regions/62.99/restrictions",
        {{"starts_on", "2020-05-11"}, {"max_gathering", 5}, {"label", "PSBB"}, {"reference", "x"}});
    EXPECT_EQ(restriction_unknown_region.status, 404);
    create_users("trainer", 1, "trainer");
    auto not_trainee = admin->post("/api/v1/trainings/" + std::to_string(training) + "/enrollments",
                                   {{"user_ids", {user_id("trainer1"), 424242}}});
    EXPECT_EQ(not_trainee.status, 422);
    EXPECT_EQ(not_trainee.json()["error"]["lines"].size(), 2u);
    auto not_trainer = admin->post("/api/v1/trainings/" + std::to_string(training) + "/trainers",
                                   {{"user_id", 1}});
    EXPECT_EQ(not_trainer.status, 422);
}

TEST_F(Plan, WithdrawalAndEnrollmentChangesReEvaluateTheSessions) {
    const auto training = create_training();
    const auto t = std::to_string(training);
    create_users("wdr", 6, "trainee");
    std::string names;
    for (int i = 1; i <= 6; ++i) names += "wdr" + std::to_string(i) + "\n";
    ASSERT_EQ(admin->post_csv("/api/v1/trainings/" + t + "/enrollments", names).status, 201);
    const auto s = std::to_string(create_session(training, 3, "Sesi 1"));
    ASSERT_EQ(
        admin
            ->post("/api/v1/regions/62.71/restrictions", {{"starts_on", wib_date_from_today(0)},
                                                          {"max_gathering", 5},
                                                          {"label", "PSBB"},
                                                          {"reference", "demo"}})
            .status,
        201);
    EXPECT_EQ(admin->get("/api/v1/sessions/" + s).json()["delivery"]["mode"], "online");  // 6 > 5
    EXPECT_EQ(
        admin->del("/api/v1/trainings/" + t + "/enrollments/" + std::to_string(user_id("wdr6")))
            .status,
        204);
    EXPECT_EQ(admin->get("/api/v1/sessions/" + s).json()["delivery"]["mode"],
              "in_person");  // 5 fit
    auto list = admin->get("/api/v1/trainings/" + t + "/enrollments").json();
    ASSERT_EQ(list.size(), 6u);
    EXPECT_FALSE(list[5]["withdrawn_at"].is_null());
    EXPECT_EQ(
        admin->del("/api/v1/trainings/" + t + "/enrollments/" + std::to_string(user_id("wdr6")))
            .status,
        404);
}

TEST_F(Plan, EndingATrainersAssignmentHidesTheTrainingAndReEvaluatesTheSessions) {
    const auto training = create_training();
    const auto t = std::to_string(training);
    create_users("una", 4, "trainee");
    create_users("unt", 2, "trainer");
    ASSERT_EQ(admin->post_csv("/api/v1/trainings/" + t + "/enrollments", "una1\nuna2\nuna3\nuna4\n")
                  .status,
              201);
    for (const char* trainer : {"unt1", "unt2"}) {
        ASSERT_EQ(
            admin->post("/api/v1/trainings/" + t + "/trainers", {{"user_id", user_id(trainer)}})
                .status,
            201);
    }
    const auto s = std::to_string(create_session(training, 3, "Sesi 1"));
    ASSERT_EQ(
        admin
            ->post("/api/v1/regions/62.71/restrictions", {{"starts_on", wib_date_from_today(0)},
                                                          {"max_gathering", 5},
                                                          {"label", "PSBB"},
                                                          {"reference", "demo"}})
            .status,
        201);
    EXPECT_EQ(admin->get("/api/v1/sessions/" + s).json()["delivery"]["mode"],
              "online");  // 4 + 2 > 5
    api_client unt2(*http, login_token(*http, "unt2", "password-unt"));
    EXPECT_EQ(unt2.get("/api/v1/trainings/" + t).status, 200);
    // Only an admin ends an assignment.
    const auto path = "/api/v1/trainings/" + t + "/trainers/" + std::to_string(user_id("unt2"));
    EXPECT_EQ(unt2.del(path).status, 403);
    EXPECT_EQ(admin->del(path).status, 204);
    EXPECT_EQ(admin->get("/api/v1/sessions/" + s).json()["delivery"]["mode"],
              "in_person");  // 4 + 1 fit
    EXPECT_EQ(unt2.get("/api/v1/trainings/" + t).status, 404);
    const auto detail = admin->get("/api/v1/trainings/" + t).json();
    ASSERT_EQ(detail["trainers"].size(), 1u);
    EXPECT_EQ(detail["trainers"][0]["id"], user_id("unt1"));
    auto again = admin->del(path);
    EXPECT_EQ(again.status, 404);
    EXPECT_EQ(again.json()["error"]["code"], "not_assigned");
    EXPECT_EQ(
        admin->del("/api/v1/trainings/999999/trainers/" + std::to_string(user_id("unt1"))).status,
        404);
    // The decision log records the way back to the room.
    const auto decisions = admin->get("/api/v1/trainings/" + t + "/decisions").json();
    ASSERT_FALSE(decisions.empty());
    EXPECT_EQ(decisions.back()["from"]["mode"], "online");
    EXPECT_EQ(decisions.back()["to"]["mode"], "in_person");
}

TEST_F(Plan, ChangingATrainingsSettingsReDecidesItsFutureSessionsAndIsAudited) {
    const auto training = create_training();
    const auto t = std::to_string(training);
    const auto s = std::to_string(create_session(training, 3, "Sesi 1"));
    EXPECT_EQ(admin->get("/api/v1/sessions/" + s).json()["delivery"]["mode"], "in_person");
    auto changed = admin->patch(
        "/api/v1/trainings/" + t,
        {{"planned_mode", "online"}, {"pass_score", 75}, {"title", "Pemasaran Digital (ubah)"}});
    ASSERT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(changed.json()["planned_mode"], "online");
    EXPECT_EQ(changed.json()["pass_score"], 75);
    EXPECT_EQ(changed.json()["min_attendance_pct"], 80);  // untouched
    EXPECT_EQ(changed.json()["region_code"], "62.71");    // untouched
    EXPECT_EQ(admin->get("/api/v1/sessions/" + s).json()["delivery"]["mode"], "online");
    EXPECT_EQ(admin->get("/api/v1/trainings/" + t).json()["title"], "Pemasaran Digital (ubah)");
    const auto decisions = admin->get("/api/v1/trainings/" + t + "/decisions").json();
    ASSERT_FALSE(decisions.empty());
    EXPECT_EQ(decisions.back()["to"]["mode"], "online");
    // What cannot change, bad values and strangers.
    auto region = admin->patch("/api/v1/trainings/" + t, {{"region_code", "62.03"}});
    EXPECT_EQ(region.status, 422);
    EXPECT_EQ(region.json()["error"]["field"], "region_code");
    EXPECT_EQ(admin->patch("/api/v1/trainings/" + t, {{"min_attendance_pct", 101}})
                  .json()["error"]["field"],
              "min_attendance_pct");
    EXPECT_EQ(admin->patch("/api/v1/trainings/" + t, json::object()).json()["error"]["code"],
              "empty_patch");
    EXPECT_EQ(admin->patch("/api/v1/trainings/999999", {{"title", "x"}}).status, 404);
    create_users("ptr", 1, "trainer");
    ASSERT_EQ(
        admin->post("/api/v1/trainings/" + t + "/trainers", {{"user_id", user_id("ptr1")}}).status,
        201);
    api_client trainer(*http, login_token(*http, "ptr1", "password-ptr"));
    EXPECT_EQ(trainer.patch("/api/v1/trainings/" + t, {{"title", "x"}}).status, 403);
    auto audit = admin->get("/api/v1/audit").json();
    bool found = false;
    for (const auto& a : audit) {
        if (a["action"] == "training.update" && a["target"] == "training:" + t) {
            found = true;
            EXPECT_EQ(a["detail"]["pass_score"], 75);
        }
    }
    EXPECT_TRUE(found) << audit.dump();
}

// Every route of the plan, six kinds of caller, the status each must get.
TEST_F(Plan, AuthorizationMatrixCoversEveryRoute) {
    const auto training = create_training();
    const auto other_training = create_training();
    const auto t = std::to_string(training);
    create_users("ta", 1, "trainee");  // ta1: enrolled
    create_users("tb", 1, "trainee");  // tb1: not enrolled
    create_users("ra", 1, "trainer");  // ra1: assigned
    create_users("rb", 1, "trainer");  // rb1: not assigned
    create_users("tc", 1, "trainee");  // enrolled by admin during the matrix
    ASSERT_EQ(
        admin->post("/api/v1/trainings/" + t + "/enrollments", {{"user_ids", {user_id("ta1")}}})
            .status,
        201);
    ASSERT_EQ(
        admin->post("/api/v1/trainings/" + t + "/trainers", {{"user_id", user_id("ra1")}}).status,
        201);
    ASSERT_EQ(admin
                  ->post("/api/v1/trainings/" + std::to_string(other_training) + "/trainers",
                         {{"user_id", user_id("rb1")}})
                  .status,
              201);
    const auto s = std::to_string(create_session(training, 6, "Sesi"));
    auto restriction =
        admin->post("/api/v1/regions/62.71/restrictions", {{"starts_on", "2020-05-11"},
                                                           {"ends_on", "2020-05-24"},
                                                           {"max_gathering", 5},
                                                           {"label", "PSBB"},
                                                           {"reference", "demo"}});
    const auto r = std::to_string(restriction.json()["id"].get<int>());

    std::map<std::string, std::unique_ptr<api_client>> who;
    who["anonymous"] = std::make_unique<api_client>(*http, "");
    who["trainee_enrolled"] =
        std::make_unique<api_client>(*http, login_token(*http, "ta1", "password-ta"));
    who["trainee_other"] =
        std::make_unique<api_client>(*http, login_token(*http, "tb1", "password-tb"));
    who["trainer_assigned"] =
        std::make_unique<api_client>(*http, login_token(*http, "ra1", "password-ra"));
    who["trainer_other"] =
        std::make_unique<api_client>(*http, login_token(*http, "rb1", "password-rb"));
    who["admin"] = std::make_unique<api_client>(*http, admin->token());
    const std::vector<std::string> order = {"anonymous",        "trainee_enrolled", "trainee_other",
                                            "trainer_assigned", "trainer_other",    "admin"};

    struct route_case {
        std::string method, path;
        json body;
        std::vector<int> expected;  // in `order`
    };
    const json session_body = {{"title", "Sesi baru"},
                               {"starts_at", wib_time_from_today(7, 9)},
                               {"ends_at", wib_time_from_today(7, 11)}};
    const std::vector<int> admin_only_create = {401, 403, 403, 403, 403, 201};
    const std::vector<int> admin_only_ok = {401, 403, 403, 403, 403, 200};
    const std::vector<int> visible = {401, 200, 404, 200, 404, 200};
    const std::vector<int> any_signed_in = {401, 200, 200, 200, 200, 200};
    std::vector<route_case> cases = {
        {"GET", "/api/v1/regions", nullptr, any_signed_in},
        {"POST",
         "/api/v1/regions",
         {{"code", "62.01"}, {"name", "Kotawaringin Barat"}, {"utc_offset_minutes", 420}},
         admin_only_create},
        {"GET", "/api/v1/regions/62.71/restrictions", nullptr, any_signed_in},
        {"POST",
         "/api/v1/regions/62.71/restrictions",
         {{"starts_on", "2021-07-03"},
          {"max_gathering", 10},
          {"label", "PPKM"},
          {"reference", "demo"}},
         admin_only_create},
        {"PATCH", "/api/v1/restrictions/" + r, {{"ends_on", "2020-05-20"}}, admin_only_ok},
        {"GET", "/api/v1/funding-sources", nullptr, admin_only_ok},
        {"POST",
         "/api/v1/funding-sources",
         {{"code", "APBD-2021"},
          {"name", "APBD"},
          {"kind", "APBD"},
          {"fiscal_year", 2021},
          {"amount_idr", 5}},
         admin_only_create},
        {"POST",
         "/api/v1/trainings",
         {{"title", "Pembukuan Koperasi"},
          {"region_code", "62.71"},
          {"funding_source_id", funding_id},
          {"planned_mode", "online"},
          {"switch_policy", "auto"}},
         admin_only_create},
        {"GET", "/api/v1/trainings", nullptr, any_signed_in},
        {"GET", "/api/v1/trainings/" + t, nullptr, visible},
        {"PATCH", "/api/v1/trainings/" + t, {{"description", "Diubah"}}, admin_only_ok},
        {"POST",
         "/api/v1/trainings/" + t + "/trainers",
         {{"user_id", user_id("ra1")}},
         admin_only_ok},
        {"POST",
         "/api/v1/trainings/" + t + "/enrollments",
         {{"user_ids", {user_id("tc1")}}},
         admin_only_create},
        {"GET", "/api/v1/trainings/" + t + "/enrollments", nullptr, {401, 403, 403, 200, 404, 200}},
        {"DELETE",
         "/api/v1/trainings/" + t + "/enrollments/" + std::to_string(user_id("tc1")),
         nullptr,
         {401, 403, 403, 403, 403, 204}},
        {"POST", "/api/v1/trainings/" + t + "/sessions", session_body, admin_only_create},
        {"GET", "/api/v1/sessions/" + s, nullptr, visible},
        // A session's content (title, slides, deck) is its trainers' too; its schedule the
        // administrators' alone.
        {"PATCH",
         "/api/v1/sessions/" + s,
         {{"title", "Sesi (ubah)"}},
         {401, 403, 403, 200, 404, 200}},
        {"PATCH",
         "/api/v1/sessions/" + s,
         {{"starts_at", wib_time_from_today(8, 9)}, {"ends_at", wib_time_from_today(8, 11)}},
         {401, 403, 403, 403, 404, 200}},
        {"GET", "/api/v1/sessions/" + s + "/decks", nullptr, {401, 403, 403, 200, 404, 200}},
        {"POST",
         "/api/v1/sessions/" + s + "/deck",
         {{"not", "a deck"}},
         {401, 403, 403, 415, 404, 415}},
        {"GET", "/api/v1/trainings/" + t + "/materials", nullptr, visible},
        {"POST",
         "/api/v1/sessions/" + s + "/delivery",
         {{"mode", "online"}, {"reason", "uji"}},
         admin_only_ok},
        {"GET", "/api/v1/trainings/" + t + "/decisions", nullptr, visible},
        {"GET", "/api/v1/me/notifications", nullptr, any_signed_in},
        // Accounts and the office's records.
        {"GET", "/api/v1/users", nullptr, admin_only_ok},
        {"GET", "/api/v1/users/" + std::to_string(user_id("tc1")), nullptr, admin_only_ok},
        {"PATCH",
         "/api/v1/users/" + std::to_string(user_id("tc1")),
         {{"nib", "9120001234567"}},
         admin_only_ok},
        {"POST", "/api/v1/users/" + std::to_string(user_id("tc1")) + "/password-reset",
         json::object(), admin_only_ok},
        {"GET", "/api/v1/audit", nullptr, admin_only_ok},
        // Everyone signed in may change their own password; a wrong current one is refused.
        {"POST",
         "/api/v1/me/password",
         {{"current", "not-my-password"}, {"new", "a-new-password"}},
         {401, 422, 422, 422, 422, 422}},
    };
    for (const auto& c : cases) {
        for (std::size_t i = 0; i < order.size(); ++i) {
            auto& client = *who[order[i]];
            http_result res;
            if (c.method == "GET")
                res = client.get(c.path);
            else if (c.method == "POST")
                res = client.post(c.path, c.body);
            else if (c.method == "PATCH")
                res = client.patch(c.path, c.body);
            else
                res = client.del(c.path);
            EXPECT_EQ(res.status, c.expected[i])
                << c.method << " " << c.path << " as " << order[i] << ": " << res.body;
            if (res.status >= 400) {
                EXPECT_TRUE(res.json()["error"]["code"].is_string()) << c.path;
            }
        }
    }
    // Trainees and trainers see only their own trainings in the list.
    EXPECT_EQ(who["trainee_enrolled"]->get("/api/v1/trainings").json().size(), 1u);
    EXPECT_EQ(who["trainee_other"]->get("/api/v1/trainings").json().size(), 0u);
    EXPECT_EQ(who["trainer_other"]->get("/api/v1/trainings").json().size(), 1u);
    EXPECT_GE(who["admin"]->get("/api/v1/trainings").json().size(), 3u);
}
