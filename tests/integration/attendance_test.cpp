// Attendance against the real binary on a controlled clock (--test-clock-file): trainees join,
// drop, rejoin, hide the page and leave; the report must match seconds computed by hand.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/world_fixture.hpp"
#include "tests/support/ws_client.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

// 09:00 WIB two days from now: far enough that creating the plan "now" is before it.
std::int64_t session_start() {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    const std::int64_t day = 86400;
    const auto wib_midnight = ((now + 7 * 3600) / day + 2) * day - 7 * 3600;
    return wib_midnight + 9 * 3600;
}

class Attendance : public world_fixture {
  protected:
    void SetUp() override {
        set_clock(t0 - 600);
        launch();
        std::vector<person> people{{"pelatih.hadir", "Pelatih Hadir", "trainer"},
                                   {"pelatih.lain", "Pelatih Lain", "trainer"}};
        for (const auto& n : trainees) people.push_back({n, "Peserta " + n});
        w.import_users(people);
        online_training = make_training("online");
        room_training = make_training("in_person");
        online_session = make_session(online_training);
        room_session = make_session(room_training);
        trainer_token = login_token(*http, "pelatih.hadir", world::password);
        trainer = std::make_unique<api_client>(*http, trainer_token);
    }

    // (Re)starts the server on the same database; login sessions survive it.
    void launch(std::vector<std::string> extra = {}) {
        w.launch(std::move(extra));
        if (trainer) trainer = std::make_unique<api_client>(*http, trainer_token);
    }

    std::int64_t make_training(const std::string& mode) {
        const auto id = w.add_training("Pembukuan " + mode, mode);
        w.enroll(id, trainees);
        w.assign(id, "pelatih.hadir");
        return id;
    }

    std::int64_t make_session(std::int64_t training) {
        return w.add_session(training, "Sesi 1", daring::protocol::format_rfc3339(t0),
                             daring::protocol::format_rfc3339(t0 + 3600));
    }

    void set_clock(std::int64_t t) { w.set_clock(t); }
    void at(std::int64_t offset) { set_clock(t0 + offset); }

    std::string session_path(std::int64_t id) const { return world::session_path(id); }
    std::string report_path(std::int64_t id) const {
        return "/api/v1/reports/sessions/" + std::to_string(id) + "/attendance";
    }

    std::unique_ptr<ws_client> join(const std::string& user) {
        return w.join(user, online_session);
    }
    // A heartbeat the server has processed (acked) at the current clock.
    void heartbeat(ws_client& ws, bool visible = true) { w.heartbeat(ws, visible); }

    json row_of(const json& report, const std::string& username) {
        for (const auto& r : report["rows"])
            if (r["username"] == username) return r;
        return nullptr;
    }
    // Polls the report until `username` has `open` open intervals (the server processed a leave).
    json wait_open(const std::string& username, int open, std::int64_t session) {
        for (int i = 0; i < 250; ++i) {
            auto r = admin->get(report_path(session));
            auto row = row_of(r.json(), username);
            if (!row.is_null() && row["open_intervals"] == open) return r.json();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ADD_FAILURE() << username << " does not have " << open << " open intervals";
        return nullptr;
    }
    json wait_offline(const std::string& username, std::int64_t session) {
        return wait_open(username, 0, session);
    }

    const std::int64_t t0 = session_start();
    const std::vector<std::string> trainees{"ani", "budi", "citra", "dewi", "eko"};
    std::unique_ptr<api_client> trainer;
    std::string trainer_token;
    std::int64_t online_training = 0, room_training = 0, online_session = 0, room_session = 0;
};

}  // namespace

TEST_F(Attendance, TheReportMatchesHandComputedSecondsForJoinsDropsRejoinsAndHiddenPages) {
    at(0);
    ASSERT_EQ(trainer->post(session_path(online_session) + "/start", json::object()).status, 200);
    // ani: +0..+1000 (drops), back +1100, hidden +2000..+2300, stays to the end (+3600).
    auto ani = join("ani");
    // eko: two tabs, +0..+2000 and +100..+3000: the union counts once.
    auto eko1 = join("eko");
    at(100);
    auto eko2 = join("eko");
    at(1000);
    heartbeat(*ani);
    ani->drop();
    wait_offline("ani", online_session);
    // budi joins 1000 s late (past the 15-minute mark) and stays: 2600 s < 75% of 3600.
    auto budi = join("budi");
    at(1100);
    ani = join("ani");
    at(2000);
    heartbeat(*ani, false);
    heartbeat(*eko1);
    eko1->close();
    wait_open("eko", 1, online_session);
    at(2300);
    heartbeat(*ani, true);
    at(3000);
    heartbeat(*eko2);
    eko2->close();
    wait_offline("eko", online_session);
    // dewi was off sick: excused by hand, with the reason kept.
    auto dewi_id = admin->get("/api/v1/users?q=dewi").json()[0]["id"].get<std::int64_t>();
    auto no_reason = trainer->post(session_path(online_session) + "/attendance/marks",
                                   {{"user_id", dewi_id}, {"status", "excused"}});
    EXPECT_EQ(no_reason.status, 422);
    EXPECT_EQ(no_reason.json()["error"]["field"], "reason");
    auto mark = trainer->post(
        session_path(online_session) + "/attendance/marks",
        {{"user_id", dewi_id}, {"status", "excused"}, {"reason", "Sakit, surat dokter"}});
    ASSERT_EQ(mark.status, 201) << mark.body;
    // The browser heartbeats every 20 s; here the clock jumps, so the last ones come at the end.
    // (A connection silent for more than a minute ends where it was last heard from.)
    at(3600);
    heartbeat(*ani);
    heartbeat(*budi);
    ASSERT_EQ(trainer->post(session_path(online_session) + "/end", json::object()).status, 200);
    auto report = wait_offline("ani", online_session);
    wait_offline("budi", online_session);
    report = admin->get(report_path(online_session)).json();

    EXPECT_EQ(report["window"]["seconds"], 3600);
    EXPECT_EQ(report["thresholds"]["present_pct"], 75);
    auto ani_row = row_of(report, "ani");
    EXPECT_EQ(ani_row["seconds_present"], 1000 + 900 + 1300);
    EXPECT_EQ(ani_row["seconds_away"], 300);
    EXPECT_EQ(ani_row["status"], "present");
    EXPECT_EQ(ani_row["via"], "online");
    EXPECT_EQ(ani_row["intervals"], 4);
    EXPECT_EQ(ani_row["first_join"], daring::protocol::format_rfc3339(t0));
    EXPECT_EQ(ani_row["last_seen"], daring::protocol::format_rfc3339(t0 + 3600));
    auto eko_row = row_of(report, "eko");
    EXPECT_EQ(eko_row["seconds_present"], 3000);
    EXPECT_EQ(eko_row["status"], "present");
    auto budi_row = row_of(report, "budi");
    EXPECT_EQ(budi_row["seconds_present"], 2600);
    EXPECT_EQ(budi_row["status"], "partial");
    EXPECT_EQ(budi_row["first_join"], daring::protocol::format_rfc3339(t0 + 1000));
    auto citra_row = row_of(report, "citra");  // enrolled, never joined
    EXPECT_EQ(citra_row["status"], "absent");
    EXPECT_EQ(citra_row["seconds_present"], 0);
    EXPECT_TRUE(citra_row["first_join"].is_null());
    EXPECT_TRUE(citra_row["via"].is_null());
    auto dewi_row = row_of(report, "dewi");
    EXPECT_EQ(dewi_row["status"], "excused");
    EXPECT_EQ(dewi_row["via"], "mark");
    EXPECT_EQ(dewi_row["mark"]["remark"], "Sakit, surat dokter");
    EXPECT_EQ(report["summary"]["present"], 2);
    EXPECT_EQ(report["summary"]["absent"], 1);

    // A later mark supersedes the earlier one; both are kept.
    ASSERT_EQ(
        trainer
            ->post(session_path(online_session) + "/attendance/marks",
                   {{"user_id", dewi_id}, {"status", "present"}, {"reason", "Hadir lewat telepon"}})
            .status,
        201);
    EXPECT_EQ(row_of(admin->get(report_path(online_session)).json(), "dewi")["status"], "present");
    EXPECT_EQ(
        trainer->get(session_path(online_session) + "/attendance/marks").json()["items"].size(),
        2u);

    // The thresholds were stored when it went live: a restart with another setting changes nothing.
    server.reset();
    launch({"--present-pct", "50"});
    auto again = admin->get(report_path(online_session)).json();
    EXPECT_EQ(again["thresholds"]["present_pct"], 75);
    EXPECT_EQ(row_of(again, "budi")["status"], "partial");
}

TEST_F(Attendance, TraineesSeeTheirSecondsAndTrainersTheRosterLive) {
    at(0);
    ASSERT_EQ(trainer->post(session_path(online_session) + "/start", json::object()).status, 200);
    auto ani = join("ani");
    auto first = ani->next_of("attendance");
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)["seconds_present"], 0);
    at(61);  // the next figure comes about a minute later
    auto second = ani->next_of("attendance", std::chrono::seconds(5));
    ASSERT_TRUE(second);
    EXPECT_GE((*second)["seconds_present"].get<int>(), 60);
    auto t = std::make_unique<ws_client>(server->port(), session_path(online_session) + "/live",
                                         std::vector<std::pair<std::string, std::string>>{
                                             {"Authorization", "Bearer " + trainer_token}});
    auto roster = t->next_of("roster");
    ASSERT_TRUE(roster);
    ASSERT_EQ((*roster)["participants"].size(), 1u);
    EXPECT_EQ((*roster)["participants"][0]["name"], "Peserta ani");
    EXPECT_EQ((*roster)["participants"][0]["online"], true);
    EXPECT_GE((*roster)["participants"][0]["seconds_present"].get<int>(), 60);
}

TEST_F(Attendance, InRoomCheckInWithARotatingCodeAndThrottledGuesses) {
    const auto code_path = session_path(room_session) + "/checkin-code";
    const auto checkin_path = session_path(room_session) + "/checkin";
    at(-3600);  // too early
    EXPECT_EQ(trainer->get(code_path).status, 409);
    at(-60);
    auto code = trainer->get(code_path);
    ASSERT_EQ(code.status, 200) << code.body;
    const std::string current = code.json()["code"];
    EXPECT_EQ(current.size(), 6u);
    EXPECT_TRUE(code.json()["qr_svg"].get<std::string>().starts_with("<svg"));
    auto svg = trainer->get(code_path + "?format=svg");
    EXPECT_EQ(svg.status, 200);
    EXPECT_NE(svg.body.find("<path"), std::string::npos);
    // Not for other trainers, nor for trainees.
    api_client other(*http, login_token(*http, "pelatih.lain", world::password));
    EXPECT_EQ(other.get(code_path).status, 404);
    api_client ani(*http, login_token(*http, "ani", world::password));
    EXPECT_EQ(ani.get(code_path).status, 403);
    // The online session has no room to check in to.
    EXPECT_EQ(trainer->get(session_path(online_session) + "/checkin-code").json()["error"]["code"],
              "checkin_not_in_room");

    const std::string wrong = current == "000000" ? "111111" : "000000";
    auto bad = ani.post(checkin_path, {{"code", wrong}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()["error"]["field"], "code");
    EXPECT_EQ(ani.post(checkin_path, json::object()).status, 422);
    // The code stays good for one more step after it turns, then expires.
    at(-60 + 30);
    auto ok = ani.post(checkin_path, {{"code", current}});
    EXPECT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ani.post(checkin_path, {{"code", current}}).json()["already_checked_in"], true);
    api_client budi(*http, login_token(*http, "budi", world::password));
    at(-60 + 90);
    EXPECT_EQ(budi.post(checkin_path, {{"code", current}}).json()["error"]["code"], "invalid_code");
    // Guessing is throttled: after five wrong codes even the right one waits.
    for (int i = 0; i < 4; ++i) EXPECT_EQ(budi.post(checkin_path, {{"code", wrong}}).status, 422);
    auto fresh = trainer->get(code_path).json()["code"].get<std::string>();
    auto throttled = budi.post(checkin_path, {{"code", fresh}});
    EXPECT_EQ(throttled.status, 429);
    EXPECT_FALSE(throttled.header("retry-after").empty());
    // citra checks in 20 minutes after the start: present, but late.
    at(20 * 60);
    api_client citra(*http, login_token(*http, "citra", world::password));
    EXPECT_EQ(citra.post(checkin_path, {{"code", trainer->get(code_path).json()["code"]}}).status,
              201);

    auto report = trainer->get(report_path(room_session)).json();
    EXPECT_EQ(row_of(report, "ani")["status"], "present");
    EXPECT_EQ(row_of(report, "ani")["via"], "in_person");
    EXPECT_EQ(row_of(report, "citra")["status"], "late");
    EXPECT_EQ(row_of(report, "budi")["status"], "absent");
    // Reports are for staff: trainees 403, a trainer of another training 404.
    EXPECT_EQ(ani.get(report_path(room_session)).status, 403);
    EXPECT_EQ(other.get(report_path(room_session)).status, 404);
    EXPECT_EQ(admin->get(report_path(room_session) + "?format=pdf").status, 400);
}

TEST_F(Attendance, AKillDuringHeartbeatsLosesNoIntervalStartAndAtMostOneFlush) {
    // 200 more trainees on the online session; the server flushes heartbeats every second.
    server.reset();
    launch({"--presence-flush", "1"});
    constexpr int crowd = 200;
    std::vector<person> phone_owners;
    std::vector<std::string> names;
    for (int i = 1; i <= crowd; ++i) {
        names.push_back("hp" + std::to_string(i));
        phone_owners.push_back({names.back(), "Peserta HP " + std::to_string(i)});
    }
    w.import_users(phone_owners);
    w.enroll(online_training, names);
    at(0);
    ASSERT_EQ(trainer->post(session_path(online_session) + "/start", json::object()).status, 200);
    std::vector<std::unique_ptr<ws_client>> phones;
    for (int i = 1; i <= crowd; ++i) phones.push_back(join("hp" + std::to_string(i)));
    // Heartbeats at +30 are flushed (we wait for the flush); those at +40 may not be.
    at(30);
    for (auto& p : phones) heartbeat(*p);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    at(40);
    for (auto& p : phones) heartbeat(*p);
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    phones.clear();
    {
        auto db = daring::test::open_test_database(dir.file("t.db"));
        EXPECT_EQ(daring::test::integrity_of(*db), "ok");
    }
    at(50);
    launch();
    auto report = admin->get(report_path(online_session)).json();
    int seen = 0;
    for (const auto& row : report["rows"]) {
        const std::string name = row["username"];
        if (!name.starts_with("hp")) continue;
        ++seen;
        // Every interval's start survived; presence reaches the last flushed heartbeat or later.
        EXPECT_EQ(row["first_join"], daring::protocol::format_rfc3339(t0)) << name;
        EXPECT_EQ(row["open_intervals"], 0) << name;  // closed at restart
        const auto present = row["seconds_present"].get<int>();
        EXPECT_GE(present, 30) << name;
        EXPECT_LE(present, 40) << name;
    }
    EXPECT_EQ(seen, crowd);
}

// The bodies parsed by the attendance and training handlers themselves: every wrong JSON type
// at every field is a 422 naming it, and nothing is stored.
TEST_F(Attendance, HandlerBodiesRefuseEveryWrongTypeAtEveryField) {
    at(0);
    const json wrong[] = {json(nullptr), json(true),       json(2.5),
                          json("teks"),  json::array({1}), json::object({{"a", 1}})};
    const auto dewi = w.user_id("dewi");
    struct body_case {
        std::string path;
        api_client* as;
        json valid;
    };
    api_client ani(*http, w.token("ani"));
    const body_case cases[] = {
        {session_path(online_session) + "/attendance/marks",
         trainer.get(),
         {{"user_id", dewi}, {"status", "excused"}, {"reason", "Sakit"}}},
        {session_path(room_session) + "/checkin", &ani, {{"code", "123456"}}},
        {world::training_path(online_training) + "/trainers",
         admin.get(),
         {{"user_id", w.user_id("pelatih.lain")}}},
    };
    for (const auto& c : cases) {
        for (auto it = c.valid.begin(); it != c.valid.end(); ++it) {
            for (const auto& value : wrong) {
                if (value.type() == it.value().type()) continue;
                if (value.is_number() && it.value().is_number()) continue;
                json body = c.valid;
                body[it.key()] = value;
                auto r = c.as->post(c.path, body);
                EXPECT_EQ(r.status, 422) << c.path << " " << it.key() << " = " << value.dump();
                EXPECT_EQ(r.json()["error"]["field"], it.key()) << c.path << " " << r.body;
            }
        }
    }
    EXPECT_TRUE(
        trainer->get(session_path(online_session) + "/attendance/marks").json()["items"].empty());
}
