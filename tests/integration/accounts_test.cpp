// The account life cycle against the real binary: edit with field errors and an audit entry,
// an administrator's reset forcing a change at the next login, a self change ending the other
// sessions and sockets, deactivation (4003, login refused after the password, history kept)
// and reactivation, imports forcing a change unless told otherwise, and who may do what.
#include <gtest/gtest.h>

#include "tests/support/live_fixture.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

class Accounts : public live_fixture {
  protected:
    std::string user_path(const std::string& name) {
        return "/api/v1/users/" + std::to_string(w.user_id(name));
    }
    http_result as(const std::string& token, const std::string& method, const std::string& path,
                   const json& body = json::object()) {
        return json_request(*http, method, path, body, token);
    }
    http_result login(const std::string& user, const std::string& password) {
        return json_request(*http, "POST", "/api/v1/auth/login",
                            {{"username", user}, {"password", password}}, "");
    }
    bool audited(const std::string& action, const std::string& target) {
        for (const auto& e : admin->get("/api/v1/audit").json())
            if (e["action"] == action && e["target"] == target) return true;
        return false;
    }
};

}  // namespace

TEST_F(Accounts, AnAdministratorEditsAProfileWithFieldErrorsAndAnAuditEntry) {
    const auto path = user_path(trainee_name(1));
    auto edited = admin->patch(path, {{"full_name", "Siti Aminah"},
                                      {"phone", "0812-3456-7890"},
                                      {"email", "siti@contoh.co.id"},
                                      {"nib", "1234567890123"},
                                      {"business_name", "Keripik Siti"}});
    ASSERT_EQ(edited.status, 200) << edited.body;
    const auto u = edited.json();
    EXPECT_EQ(u["full_name"], "Siti Aminah");
    EXPECT_EQ(u["phone"], "+6281234567890");  // E.164
    EXPECT_EQ(u["email"], "siti@contoh.co.id");
    EXPECT_EQ(u["nib"], "1234567890123");
    EXPECT_EQ(admin->get(path).json()["business_name"], "Keripik Siti");
    // A landline stays as written; clearing a field with null.
    auto landline = admin->patch(path, {{"phone", "(0536) 322-1234"}, {"email", nullptr}});
    EXPECT_EQ(landline.json()["phone"], "(0536) 322-1234");
    EXPECT_TRUE(landline.json()["email"].is_null());
    for (const auto& [field, value] :
         std::vector<std::pair<std::string, json>>{{"nib", "12345"},
                                                   {"email", "siti@"},
                                                   {"phone", "08ab"},
                                                   {"nik", "123"},
                                                   {"full_name", ""},
                                                   {"active", "no"},
                                                   {"username", "lain"},
                                                   {"role", "admin"}}) {
        auto r = admin->patch(path, {{field, value}});
        EXPECT_EQ(r.status, 422) << field;
        EXPECT_EQ(r.json()["error"]["field"], field) << r.body;
    }
    EXPECT_EQ(admin->patch(path, json::object()).json()["error"]["code"], "empty_patch");
    EXPECT_EQ(admin->patch("/api/v1/users/99999", {{"full_name", "X"}}).status, 404);
    EXPECT_TRUE(audited("user.update", "user:" + std::to_string(w.user_id(trainee_name(1)))));
    // Found by NIB (kept: the last patch did not name it).
    auto found = admin->get("/api/v1/users?q=1234567890123").json();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]["username"], trainee_name(1));
}

TEST_F(Accounts, AResetForcesAChangeAtTheNextLogin) {
    const auto name = trainee_name(2);
    const auto old_token = trainee_token(2);
    auto reset = admin->post(user_path(name) + "/password-reset", json::object());
    ASSERT_EQ(reset.status, 200) << reset.body;
    const auto temporary = reset.json()["temporary_password"].get<std::string>();
    EXPECT_GE(temporary.size(), 12u);
    EXPECT_EQ(reset.header("cache-control"), "no-store");
    EXPECT_EQ(as(old_token, "GET", "/api/v1/me").status, 401);  // sessions ended
    EXPECT_EQ(login(name, world::password).status, 401);
    auto in = login(name, temporary);
    ASSERT_EQ(in.status, 200);
    EXPECT_EQ(in.json()["must_change_password"], true);
    const auto token = in.json()["token"].get<std::string>();
    EXPECT_EQ(as(token, "GET", "/api/v1/me").json()["must_change_password"], true);
    auto blocked = as(token, "GET", "/api/v1/trainings");
    EXPECT_EQ(blocked.status, 403);
    EXPECT_EQ(blocked.json()["error"]["code"], "password_change_required");
    start();
    auto ws = connect(token);
    EXPECT_EQ(ws->status(), 403);
    // Wrong current password, a too short one, the same one: field errors.
    auto wrong =
        as(token, "POST", "/api/v1/me/password", {{"current", "x"}, {"new", "baru-sekali-1"}});
    EXPECT_EQ(wrong.status, 422);
    EXPECT_EQ(wrong.json()["error"]["field"], "current");
    EXPECT_EQ(as(token, "POST", "/api/v1/me/password", {{"current", temporary}, {"new", "pendek"}})
                  .json()["error"]["field"],
              "new");
    EXPECT_EQ(as(token, "POST", "/api/v1/me/password", {{"current", temporary}, {"new", temporary}})
                  .json()["error"]["field"],
              "new");
    ASSERT_EQ(as(token, "POST", "/api/v1/me/password",
                 {{"current", temporary}, {"new", "kata-sandi-baru"}})
                  .status,
              204);
    EXPECT_EQ(as(token, "GET", "/api/v1/trainings").status, 200);  // this session goes on
    EXPECT_EQ(as(token, "GET", "/api/v1/me").json()["must_change_password"], false);
    EXPECT_EQ(login(name, temporary).status, 401);
    EXPECT_EQ(login(name, "kata-sandi-baru").json()["must_change_password"], false);
    EXPECT_TRUE(audited("user.password_reset", "user:" + std::to_string(w.user_id(name))));
}

TEST_F(Accounts, ChangingOnesPasswordEndsTheOtherSessionsAndSockets) {
    const auto name = trainee_name(3);
    const auto mine = trainee_token(3);
    const auto other = trainee_token(3);  // another device
    start();
    auto elsewhere = connect(other);
    ASSERT_TRUE(elsewhere->next_of("welcome"));
    auto here = connect(mine);
    ASSERT_TRUE(here->next_of("welcome"));
    ASSERT_EQ(as(mine, "POST", "/api/v1/me/password",
                 {{"current", world::password}, {"new", "kata-sandi-baru"}})
                  .status,
              204);
    EXPECT_EQ(elsewhere->wait_closed(), 4001);
    EXPECT_EQ(as(other, "GET", "/api/v1/me").status, 401);
    EXPECT_EQ(as(mine, "GET", "/api/v1/me").status, 200);
    EXPECT_TRUE(here->open());
    EXPECT_EQ(login(name, world::password).status, 401);
}

TEST_F(Accounts, DeactivationClosesSocketsRefusesLoginAndKeepsHistory) {
    const auto name = trainee_name(4);
    const auto token = trainee_token(4);
    start();
    auto ws = connect(token);
    ASSERT_TRUE(ws->next_of("welcome"));
    auto off = admin->patch(user_path(name), {{"active", false}});
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_EQ(off.json()["active"], false);
    EXPECT_FALSE(off.json()["deactivated_at"].is_null());
    EXPECT_EQ(ws->wait_closed(), 4003);
    EXPECT_EQ(as(token, "GET", "/api/v1/me").status, 401);
    auto refused = login(name, world::password);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.json()["error"]["code"], "account_deactivated");
    EXPECT_EQ(login(name, "salah-sandi").status, 401);  // the password is checked first
    // The history stays: the trainee keeps their row in the session's attendance.
    const auto report =
        admin->get("/api/v1/reports/sessions/" + std::to_string(session) + "/attendance").json();
    bool listed = false;
    for (const auto& r : report["rows"]) listed = listed || r["username"] == name;
    EXPECT_TRUE(listed);
    // An administrator cannot deactivate themselves; reactivation lets the trainee in again.
    auto self =
        admin->patch("/api/v1/users/" + std::to_string(w.user_id("admin")), {{"active", false}});
    EXPECT_EQ(self.status, 409);
    ASSERT_EQ(admin->patch(user_path(name), {{"active", true}}).status, 200);
    EXPECT_EQ(login(name, world::password).status, 200);
}

TEST_F(Accounts, ImportedUsersChangeTheirPasswordUnlessTheImportSaysOtherwise) {
    const std::string csv =
        "username,password,full_name,role,phone,email,nib\n"
        "impor.satu,password-satu,Impor Satu,trainee,0813 1111 2222,satu@contoh.id,"
        "1234567890123\n";
    auto imported = admin->post_csv("/api/v1/users/import", csv);
    ASSERT_EQ(imported.status, 201) << imported.body;
    auto first = login("impor.satu", "password-satu");
    EXPECT_EQ(first.json()["must_change_password"], true);
    auto u = admin->get("/api/v1/users?q=impor.satu").json();
    ASSERT_EQ(u.size(), 1u);
    EXPECT_EQ(u[0]["phone"], "+6281311112222");
    EXPECT_EQ(u[0]["email"], "satu@contoh.id");
    const std::string plain = "username,password,full_name,role\n";
    ASSERT_EQ(admin
                  ->post_csv("/api/v1/users/import?must_change_password=false",
                             plain + "impor.dua,password-dua,Dua,trainee\n")
                  .status,
              201);
    EXPECT_EQ(login("impor.dua", "password-dua").json()["must_change_password"], false);
    EXPECT_EQ(admin
                  ->post_csv("/api/v1/users/import?must_change_password=maybe",
                             plain + "impor.tiga,password-3,T,trainee\n")
                  .status,
              400);
    auto bad = admin->post_csv("/api/v1/users/import",
                               "username,password,full_name,role,nib\n"
                               "impor.empat,password-4,E,trainee,99\n");
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()["error"]["lines"][0]["field"], "nib");
}

TEST_F(Accounts, OnlyAdministratorsManageAccounts) {
    const auto path = user_path(trainee_name(5));
    for (const auto& token : {trainer_token, trainee_token(6)}) {
        EXPECT_EQ(as(token, "PATCH", path, {{"full_name", "X"}}).status, 403);
        EXPECT_EQ(as(token, "POST", path + "/password-reset").status, 403);
    }
    EXPECT_EQ(http->request("PATCH", path).status, 401);
    EXPECT_EQ(http->request("POST", path + "/password-reset").status, 401);
    EXPECT_EQ(http->request("POST", "/api/v1/me/password").status, 401);
    // Everyone may change their own password.
    EXPECT_EQ(as(trainer_token, "POST", "/api/v1/me/password",
                 {{"current", world::password}, {"new", "sandi-pelatih-baru"}})
                  .status,
              204);
}
