// Reports and certificates against the real binary on a controlled clock. A fixed scenario
// (July 2021, Kota Palangka Raya under PPKM Darurat) is played through the API and live sockets;
// the JSON reports must equal tests/golden/*.json, which tests/golden/expected.py computes
// independently from the same scenario; the CSV and XLSX renderings must read back (Python's csv
// module, openpyxl) to the same values.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "storage/notices_due_repo.hpp"
#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/world_fixture.hpp"
#include "tests/support/ws_client.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

// 2021-07-05 09:00 WIB.
constexpr std::int64_t day1 = 1625450400;
constexpr std::int64_t day2 = day1 + 86400;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Runs tests/golden/read_back.py on a CSV or XLSX file: its rows as JSON (list of lists).
json read_back(const std::string& path) {
    const std::string cmd =
        "/usr/bin/python3 " DARING_SOURCE_DIR "/tests/golden/read_back.py '" + path + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return nullptr;
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int rc = ::pclose(p);
    EXPECT_EQ(rc, 0) << out;
    return json::parse(out, nullptr, false);
}

const char* const injection_names[] = {"=HYPERLINK(\"x\")",          "@SUM(1)",          "+1", "-1",
                                       "Koma, \"Kutip\"; Baris dua", "Siti 'Aminah' Nur"};

class Reports : public world_fixture {
  protected:
    void SetUp() override {
        set_clock(day1 - 4 * 86400);  // 2021-07-01 09:00 WIB
        w.launch({"--late-after", "5"});
        play_scenario();
    }

    void set_clock(std::int64_t t) {
        const bool jump = t - now > 6 * 3600;
        now = t;
        w.set_clock(t);
        if (jump && http) relogin();  // login sessions expire after 12 idle hours
    }
    void relogin() {
        admin = std::make_unique<api_client>(
            *http, login_token(*http, "admin", server_process::admin_password));
        if (trainer)
            trainer = std::make_unique<api_client>(
                *http, login_token(*http, "pelatih.emas", "password-emas"));
        for (auto& [user, token] : tokens) token = login_token(*http, user, "password-emas");
    }
    // Moves the clock to `t` in steps of 30 s, every open socket sending a heartbeat at each step
    // (as browsers do), so no connection looks silent.
    void advance_to(std::int64_t t) {
        while (now < t) {
            set_clock(std::min(t, now + 30));
            for (auto& [name, ws] : sockets) heartbeat(*ws);
        }
    }
    void heartbeat(ws_client& ws) { w.heartbeat(ws); }
    void join(const std::string& user, std::int64_t session) {
        auto& token = tokens[user];
        if (token.empty()) token = login_token(*http, user, "password-emas");
        auto ws = w.connect(token, session);
        ASSERT_EQ(ws->status(), 101);
        ASSERT_TRUE(ws->next_of("welcome"));
        sockets[user] = std::move(ws);
    }
    // Sends a message with an id and waits for its ack (the server stored it).
    void say(const std::string& user, json message) {
        static int next_id = 0;
        const auto id = "m" + std::to_string(++next_id);
        message["id"] = id;
        sockets[user]->send_json(message);
        for (int i = 0; i < 50; ++i) {
            auto ack = sockets[user]->next_of("ack");
            ASSERT_TRUE(ack) << user << " got no ack for " << message.dump();
            if ((*ack)["id"] == id) return;
        }
        ADD_FAILURE() << "no ack " << id;
    }
    void leave(const std::string& user) {
        heartbeat(*sockets[user]);
        sockets[user]->close();
        sockets[user]->wait_closed();
        sockets.erase(user);
        // The leave is processed once the report shows no open interval for the user.
        for (int i = 0; i < 250; ++i) {
            bool open = false;
            const auto report = admin
                                    ->get("/api/v1/reports/sessions/" +
                                          std::to_string(current_session) + "/attendance")
                                    .json();
            for (const auto& r : report["rows"])
                if (r["username"] == user && r["open_intervals"] != 0) open = true;
            if (!open) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ADD_FAILURE() << user << " still online";
    }
    void run_session(std::int64_t session, const std::function<void()>& during) {
        current_session = session;
        set_clock(day_of(session));
        ASSERT_EQ(
            trainer->post("/api/v1/sessions/" + std::to_string(session) + "/start", json::object())
                .status,
            200);
        during();
        advance_to(day_of(session) + 3600);
        ASSERT_EQ(
            trainer->post("/api/v1/sessions/" + std::to_string(session) + "/end", json::object())
                .status,
            200);
        for (auto& [name, ws] : sockets) ws->wait_closed();
        sockets.clear();
        // The notices owed at the end (absence warnings, certificates) are written by a worker
        // on the clock of its pass: wait for it, so what it judges is the state at the end and
        // not what the test does next (a late pass would issue a certificate for a post-test
        // taken after the session, dated then).
        auto db = daring::test::open_test_database(dir.file("t.db"));
        for (int i = 0; i < 200 && daring::storage::owes_notices(*db, session); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ASSERT_FALSE(daring::storage::owes_notices(*db, session)) << "notices not written in 10 s";
    }
    std::int64_t day_of(std::int64_t session) const { return session == s1 ? day1 : day2; }

    void play_scenario() {
        const auto funding = add_region_and_funding(*admin);
        ASSERT_EQ(funding, 1);
        ASSERT_EQ(admin
                      ->post("/api/v1/regions", {{"code", "62.02"},
                                                 {"name", "Kabupaten Kotawaringin Timur"},
                                                 {"utc_offset_minutes", 420}})
                      .status,
                  201);
        std::string csv =
            "username,password,full_name,role,nib,email\n"
            "pelatih.emas,password-emas,Rina Kartika,trainer,,\n"
            "ani,password-emas,Peserta ani,trainee,9120001234567,ani@umkm.example\n";
        for (const char* n : {"budi", "citra", "dewi"})
            csv += std::string(n) + ",password-emas,Peserta " + n + ",trainee,,\n";
        ASSERT_EQ(admin->post_csv("/api/v1/users/import?must_change_password=false", csv).status,
                  201);
        int k = 0;
        for (const char* name : injection_names) {
            auto u = admin->post("/api/v1/users", {{"username", "unik" + std::to_string(++k)},
                                                   {"password", "password-emas"},
                                                   {"full_name", name},
                                                   {"role", "trainee"}});
            ASSERT_EQ(u.status, 201) << u.body;
        }
        training = add_training(*admin, "Pembukuan UMKM", funding, "in_person");
        ASSERT_EQ(training, 1);
        const auto tp = "/api/v1/trainings/" + std::to_string(training);
        ASSERT_EQ(
            admin
                ->post_csv(tp + "/enrollments",
                           "ani\nbudi\ncitra\ndewi\nunik1\nunik2\nunik3\nunik4\nunik5\nunik6\n")
                .status,
            201);
        ASSERT_EQ(admin->post(tp + "/trainers", {{"user_id", 2}}).status, 201);
        // Replay counts toward completion in this training (stored on each session at start).
        ASSERT_EQ(admin->patch(tp, {{"replay_counts_for_completion", true}}).status, 200);
        for (auto [title, start] :
             {std::pair{"Sesi 1: Kas", day1}, std::pair{"Sesi 2: Laba rugi", day2}}) {
            auto s = admin->post(tp + "/sessions",
                                 {{"title", title},
                                  {"starts_at", daring::protocol::format_rfc3339(start)},
                                  {"ends_at", daring::protocol::format_rfc3339(start + 3600)},
                                  {"slides", {{{"title", "S0"}, {"body", "nol"}}}}});
            ASSERT_EQ(s.status, 201) << s.body;
            (start == day1 ? s1 : s2) = s.json()["id"];
        }
        // A second training in another region, never held.
        const auto other = add_training(*admin, "Pemasaran Digital", funding, "online", "62.02");
        ASSERT_EQ(other, 2);
        ASSERT_EQ(
            admin
                ->post("/api/v1/trainings/" + std::to_string(other) + "/sessions",
                       {{"title", "Sesi 1"},
                        {"starts_at", daring::protocol::format_rfc3339(day1 + 5 * 86400)},
                        {"ends_at", daring::protocol::format_rfc3339(day1 + 5 * 86400 + 7200)}})
                .status,
            201);

        set_clock(day1 -
                  3 * 86400);  // 2021-07-02: PPKM Darurat from the 3rd moves both sessions online
        auto ppkm = admin->post("/api/v1/regions/62.71/restrictions",
                                {{"starts_on", "2021-07-03"},
                                 {"ends_on", "2021-07-20"},
                                 {"max_gathering", 0},
                                 {"label", "PPKM Darurat"},
                                 {"reference", "Inmendagri No. 15 Tahun 2021"}});
        ASSERT_EQ(ppkm.status, 201) << ppkm.body;

        trainer = std::make_unique<api_client>(*http,
                                               login_token(*http, "pelatih.emas", "password-emas"));
        // Pre-test and post-test, taken self-paced.
        auto make_quiz = [&](const char* kind) -> std::int64_t {
            auto q = trainer->post(tp + "/quizzes", {{"title", std::string("Tes ") + kind},
                                                     {"kind", kind},
                                                     {"questions",
                                                      {{{"type", "single"},
                                                        {"prompt", "Kas masuk dicatat di?"},
                                                        {"options", {"debit", "kredit"}},
                                                        {"correct", 0}},
                                                       {{"type", "true_false"},
                                                        {"prompt", "Laba = pendapatan - beban"},
                                                        {"correct", true}}}}});
            EXPECT_EQ(q.status, 201) << q.body;
            return q.json()["id"];
        };
        pre = make_quiz("pre_test");
        post = make_quiz("post_test");
        auto submit = [&](const std::string& user, std::int64_t quiz, int a1, bool a2) {
            auto& token = tokens[user];
            if (token.empty()) token = login_token(*http, user, "password-emas");
            api_client me(*http, token);
            auto r = me.post("/api/v1/quizzes/" + std::to_string(quiz) + "/submissions",
                             {{"answers",
                               {{{"question_id", question_of(quiz, 0)}, {"answer", a1}},
                                {{"question_id", question_of(quiz, 1)}, {"answer", a2}}}}});
            EXPECT_EQ(r.status, 201) << r.body;
        };
        submit("ani", pre, 1, true);     // 50
        submit("budi", pre, 0, true);    // 100
        submit("citra", pre, 1, false);  // 0

        // Session 1: ani all hour; budi from 09:10 (late with --late-after 5); citra 09:00-09:30;
        // dewi excused by a mark; the rest absent.
        run_session(s1, [&] {
            join("ani", s1);
            join("citra", s1);
            advance_to(day1 + 600);
            join("budi", s1);
            // Taking part at 09:10: ani chats three times, budi asks and raises his hand, citra
            // upvotes his question.
            for (int i = 0; i < 3; ++i) say("ani", {{"type", "chat"}, {"text", "Catatan kas"}});
            say("budi", {{"type", "question"}, {"text", "Bagaimana mencatat utang?"}});
            say("budi", {{"type", "hand"}, {"up", true}});
            auto asked = sockets["citra"]->next_of("question");
            ASSERT_TRUE(asked);
            say("citra", {{"type", "vote"}, {"question_id", (*asked)["question"]["id"]}});
            advance_to(day1 + 1800);
            leave("citra");
            ASSERT_EQ(
                trainer
                    ->post(
                        "/api/v1/sessions/" + std::to_string(s1) + "/attendance/marks",
                        {{"user_id", 6}, {"status", "excused"}, {"reason", "Sakit, surat dokter"}})
                    .status,
                201);
        });
        // Session 2: ani, budi and citra all hour.
        run_session(s2, [&] {
            join("ani", s2);
            join("budi", s2);
            join("citra", s2);
        });
        // After both: citra replays 45 minutes of session 1 at 2x (75%: attended by replay);
        // budi replays 10 minutes of it at 1x.
        set_clock(day2 + 3700);
        replay("citra", s1, {{0, true, 0}, {2'700'000, false, 1350}, {3'500'000, true, 0}});
        replay("budi", s1, {{0, true, 0}, {600'000, false, 600}});
        set_clock(day2 + 7200);
        submit("ani", post, 0, true);    // 100
        submit("budi", post, 0, false);  // 50
        submit("citra", post, 0, true);  // 100
        set_clock(day2 + 86400);         // reports pulled on 2021-07-07
    }

    struct progress {
        std::int64_t position_ms;
        bool playing;
        std::int64_t after_s;  // clock advance before this report
    };
    void replay(const std::string& user, std::int64_t session, std::vector<progress> reports) {
        api_client me(*http, tokens[user]);
        for (const auto& p : reports) {
            set_clock(now + p.after_s);
            auto r = me.post("/api/v1/sessions/" + std::to_string(session) + "/recording/progress",
                             {{"position_ms", p.position_ms}, {"playing", p.playing}});
            ASSERT_EQ(r.status, 200) << r.body;
        }
    }

    std::int64_t question_of(std::int64_t quiz, int index) {
        return trainer->get("/api/v1/quizzes/" + std::to_string(quiz))
            .json()["questions"][index]["id"];
    }

    json golden(const std::string& name) {
        return json::parse(slurp(DARING_SOURCE_DIR "/tests/golden/" + name));
    }

    // The CSV and XLSX renderings of `path` read back to the rows of `expected`.
    void expect_spreadsheets(const std::string& path, const std::string& stem,
                             const json& expected_rows) {
        for (const char* format : {"csv", "xlsx"}) {
            SCOPED_TRACE(format);
            auto r = admin->get(path + (path.find('?') == std::string::npos ? "?" : "&") +
                                "format=" + format);
            ASSERT_EQ(r.status, 200) << r.body;
            EXPECT_EQ(r.chunks, 1) << "not streamed";
            EXPECT_EQ(r.header("transfer-encoding"), "chunked");
            EXPECT_EQ(r.header("content-disposition"), std::string("attachment; filename=\"") +
                                                           stem + "-2021-07-07." + format + "\"");
            if (std::string(format) == "csv") {
                EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
                EXPECT_EQ(r.body.rfind("\xEF\xBB\xBF", 0), 0u) << "no BOM";
            }
            const auto file = dir.file(stem + "." + format);
            std::ofstream(file, std::ios::binary) << r.body;
            auto back = read_back(file);
            ASSERT_TRUE(back.is_object()) << back;
            const auto& rows = back["rows"];
            if (std::string(format) == "xlsx") last_types = back["types"];
            ASSERT_EQ(rows.size(), expected_rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i)
                EXPECT_EQ(rows[i], expected_rows[i]) << "row " << i;
        }
    }

    json last_types;  // cell types of the last XLSX read back
    std::int64_t now = 0;
    std::unique_ptr<api_client> trainer;
    std::map<std::string, std::string> tokens;
    std::map<std::string, std::unique_ptr<ws_client>> sockets;
    std::int64_t training = 0, s1 = 0, s2 = 0, pre = 0, post = 0, current_session = 0;
};

TEST_F(Reports, EqualTheIndependentlyComputedGoldenFiles) {
    const auto tp = std::to_string(training);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/api/v1/reports/sessions/" + std::to_string(s1) + "/attendance",
         "session_attendance.json"},
        {"/api/v1/reports/trainings/" + tp + "/attendance", "training_attendance.json"},
        {"/api/v1/reports/trainings/" + tp + "/completion", "completion.json"},
        {"/api/v1/reports/funding-sources/1", "funding.json"},
        {"/api/v1/reports/funding-sources/1?region=62.71&from=2021-07-06&to=2021-07-31",
         "funding_filtered.json"},
    };
    for (const auto& [path, file] : cases) {
        SCOPED_TRACE(file);
        auto r = admin->get(path);
        ASSERT_EQ(r.status, 200) << r.body;
        const auto expected = golden(file);
        EXPECT_EQ(r.json(), expected) << "got:\n" << r.json().dump(2);
    }
}

// Who missed a session hears of its recording; who attended does not.
TEST_F(Reports, TraineesWhoMissedASessionAreToldItsRecordingCanBeReplayed) {
    auto replay_notices = [&](const std::string& user) {
        api_client me(
            *http, tokens[user].empty() ? login_token(*http, user, "password-emas") : tokens[user]);
        std::vector<std::int64_t> sessions;
        const auto list = me.get("/api/v1/me/notifications").json();
        for (const auto& n : list) {
            if (n["kind"] != "recording_available") continue;
            sessions.push_back(n["session_id"]);
            EXPECT_NE(n["text"]["id"].get<std::string>().find(
                          "#/replay/" + std::to_string(n["session_id"].get<std::int64_t>())),
                      std::string::npos);
        }
        std::sort(sessions.begin(), sessions.end());
        return sessions;
    };
    EXPECT_TRUE(replay_notices("ani").empty());                         // present in both
    EXPECT_TRUE(replay_notices("budi").empty());                        // late counts as attended
    EXPECT_EQ(replay_notices("citra"), std::vector<std::int64_t>{s1});  // partial in session 1
    EXPECT_EQ(replay_notices("dewi"), (std::vector<std::int64_t>{s1, s2}));  // excused, then absent
    EXPECT_EQ(replay_notices("unik1"), (std::vector<std::int64_t>{s1, s2}));
    // The notice says what happened: joined too little, or never joined.
    auto notice_of = [&](const std::string& user, std::int64_t session) {
        api_client me(
            *http, tokens[user].empty() ? login_token(*http, user, "password-emas") : tokens[user]);
        for (const auto& n : me.get("/api/v1/me/notifications").json())
            if (n["kind"] == "recording_available" && n["session_id"] == session) return n["text"];
        return json();
    };
    const auto partial = notice_of("citra", s1);
    EXPECT_NE(partial["id"].get<std::string>().find("hanya"), std::string::npos) << partial;
    EXPECT_NE(partial["id"].get<std::string>().find("belum cukup untuk tercatat hadir"),
              std::string::npos)
        << partial;
    EXPECT_NE(partial["en"].get<std::string>().find("not enough to count as present"),
              std::string::npos);
    const auto never = notice_of("unik1", s1);
    EXPECT_NE(never["id"].get<std::string>().find("Anda tidak bergabung di sesi"),
              std::string::npos)
        << never;
    EXPECT_EQ(never["id"].get<std::string>().find("hanya"), std::string::npos);
}

TEST_F(Reports, EachTraineesOwnProgressIsTheirRowOfTheCompletionReport) {
    // The trainee's view reads only their own evidence; it must still agree with the report.
    const auto tp = std::to_string(training);
    auto report = admin->get("/api/v1/reports/trainings/" + tp + "/completion").json();
    ASSERT_FALSE(report["rows"].empty());
    // Each trainee's participation per session, as the sessions' reports have it.
    std::map<std::string, json> taking_part;
    for (auto [id, title] : {std::pair{s1, "Sesi 1: Kas"}, std::pair{s2, "Sesi 2: Laba rugi"}}) {
        auto session =
            admin->get("/api/v1/reports/sessions/" + std::to_string(id) + "/attendance").json();
        for (const auto& r : session["rows"]) {
            auto p = r["participation"];
            p["session_id"] = id;
            p["title"] = title;
            taking_part[r["username"].get<std::string>()].push_back(p);
        }
    }
    for (const auto& row : report["rows"]) {
        const auto user = row["username"].get<std::string>();
        SCOPED_TRACE(user);
        auto& token = tokens[user];
        if (token.empty()) token = login_token(*http, user, "password-emas");
        api_client me(*http, token);
        auto mine = me.get("/api/v1/me/trainings/" + tp + "/completion");
        ASSERT_EQ(mine.status, 200) << mine.body;
        auto expected = row;
        expected["training"] = report["training"];
        expected["finished"] = report["finished"];
        expected["participation"] = taking_part[user];
        EXPECT_EQ(mine.json(), expected);
    }
}

TEST_F(Reports, SpreadsheetsReadBackToTheSameValuesAndNamesStayText) {
    const auto expected = golden("spreadsheets.json");
    expect_spreadsheets("/api/v1/reports/sessions/" + std::to_string(s1) + "/attendance",
                        "kehadiran-sesi-" + std::to_string(s1), expected["session_attendance"]);
    // Typed cells in XLSX: numbers, date-times and text, with "-1" as a name staying text.
    ASSERT_TRUE(last_types.is_array());
    EXPECT_EQ(last_types[1][0], "int");
    EXPECT_EQ(last_types[1][2], "str");
    EXPECT_EQ(last_types[1][3], "str");  // the 13-digit NIB stays text, not a rounded number
    EXPECT_EQ(last_types[1][7], "datetime");
    EXPECT_EQ(last_types[1][9], "int");
    expect_spreadsheets("/api/v1/reports/trainings/" + std::to_string(training) + "/attendance",
                        "kehadiran-pelatihan-" + std::to_string(training),
                        expected["training_attendance"]);
    expect_spreadsheets("/api/v1/reports/trainings/" + std::to_string(training) + "/completion",
                        "kelulusan-pelatihan-" + std::to_string(training), expected["completion"]);
    expect_spreadsheets("/api/v1/reports/funding-sources/1", "laporan-dak-DAK-2020",
                        expected["funding"]);
    EXPECT_EQ(last_types.back().back(), "int");  // the funding amount is a number
    // Pre/post comparison and quiz results as spreadsheets.
    for (const char* format : {"csv", "xlsx"}) {
        auto r = admin->get("/api/v1/reports/trainings/" + std::to_string(training) +
                            "/pre-post?format=" + format);
        ASSERT_EQ(r.status, 200);
        const auto file = dir.file(std::string("pre-post.") + format);
        std::ofstream(file, std::ios::binary) << r.body;
        const auto back = read_back(file)["rows"];
        ASSERT_EQ(back.size(), 11u);
        EXPECT_EQ(back[0], json({"ID peserta", "Nama pengguna", "Nama lengkap",
                                 "Nilai pre-test (%)", "Nilai post-test (%)", "Peningkatan"}));
        EXPECT_EQ(back[1], json({"3", "ani", "Peserta ani", "50", "100", "50"}));
        EXPECT_EQ(back[2], json({"4", "budi", "Peserta budi", "100", "50", "-50"}));
        EXPECT_EQ(back[4], json({"6", "dewi", "Peserta dewi", "", "", ""}));
        auto q =
            admin->get("/api/v1/quizzes/" + std::to_string(post) + "/results?format=" + format);
        ASSERT_EQ(q.status, 200);
        const auto qfile = dir.file(std::string("results.") + format);
        std::ofstream(qfile, std::ios::binary) << q.body;
        const auto rows = read_back(qfile)["rows"];
        ASSERT_EQ(rows.size(), 4u);  // header and three trainees
        EXPECT_EQ(rows[0][8], "Jawaban 1");
        EXPECT_EQ(rows[2], json({"4", "budi", "Peserta budi", "1", "2", "50", "self_paced",
                                 "2021-07-06 11:00:00", "0", "false"}));
    }
    // English column titles on request.
    auto en = admin->get("/api/v1/reports/trainings/" + std::to_string(training) +
                         "/completion?format=csv&lang=en");
    EXPECT_EQ(en.body.find("User ID,Username,Full name,NIB,E-mail,Sessions attended"), 3u);
}

TEST_F(Reports, OnlyStaffOfTheTrainingSeeReports) {
    const auto tp = std::to_string(training);
    const std::vector<std::string> paths = {
        "/api/v1/reports/sessions/" + std::to_string(s1) + "/attendance",
        "/api/v1/reports/trainings/" + tp + "/attendance",
        "/api/v1/reports/trainings/" + tp + "/completion",
        "/api/v1/reports/trainings/" + tp + "/pre-post",
        "/api/v1/quizzes/" + std::to_string(pre) + "/results",
        "/api/v1/reports/funding-sources/1"};
    ASSERT_EQ(admin
                  ->post_csv("/api/v1/users/import?must_change_password=false",
                             "username,password,full_name,role\npelatih.lain,password-emas,Pelatih "
                             "Lain,trainer\n")
                  .status,
              201);
    api_client other(*http, login_token(*http, "pelatih.lain", "password-emas"));
    api_client trainee(*http, tokens["ani"]);
    for (const auto& p : paths) {
        SCOPED_TRACE(p);
        for (const char* format : {"", "?format=csv", "?format=xlsx"}) {
            EXPECT_EQ(trainee.get(p + format).status, 403);
            const auto got = other.get(p + format);
            EXPECT_EQ(got.status, p.find("funding") != std::string::npos ? 403 : 404) << got.body;
            EXPECT_EQ(got.json()["error"]["code"].is_string(), true);
        }
        if (p.find("funding") == std::string::npos) {
            EXPECT_EQ(trainer->get(p).status, 200);
        }
    }
    EXPECT_EQ(admin->get("/api/v1/reports/trainings/" + tp + "/completion?format=pdf").status, 400);
    EXPECT_EQ(
        admin->get("/api/v1/reports/funding-sources/1?from=2021-13-01").json()["error"]["field"],
        "from");
    EXPECT_EQ(admin->get("/api/v1/reports/funding-sources/1?from=2021-07-09&to=2021-07-01").status,
              400);
    EXPECT_EQ(admin->get("/api/v1/reports/funding-sources/99").status, 404);
}

TEST_F(Reports, CertificatesForCompletedTraineesOnlyStableAndVerifiable) {
    const auto tp = "/api/v1/trainings/" + std::to_string(training) + "/certificates/";
    api_client ani(*http, tokens["ani"]);
    api_client budi(*http, tokens["budi"]);
    // budi attended both sessions but scored 50 on the post-test.
    auto refused = budi.get(tp + "4");
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.json()["error"]["code"], "not_completed");
    EXPECT_NE(
        refused.json()["error"]["message"].get<std::string>().find("below the pass score of 60"),
        std::string::npos);
    EXPECT_EQ(budi.get(tp + "3").status, 403);  // someone else's
    // Each trainee reads their own progress.
    auto mine = budi.get("/api/v1/me/trainings/" + std::to_string(training) + "/completion").json();
    EXPECT_EQ(mine["user_id"], 4);
    EXPECT_EQ(mine["completed"], false);
    EXPECT_EQ(mine["reason"], "post_test_below_pass");
    EXPECT_EQ(mine["post_percent"], 50.0);
    EXPECT_EQ(admin->get("/api/v1/me/trainings/" + std::to_string(training) + "/completion").status,
              403);
    EXPECT_EQ(budi.get("/api/v1/me/trainings/999/completion").status, 404);
    auto page = ani.get(tp + "3");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    const auto csp = page.header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(page.body.find("<script"), std::string::npos);
    EXPECT_NE(page.body.find("size: A4 landscape"), std::string::npos);
    EXPECT_NE(page.body.find("Peserta ani"), std::string::npos);
    EXPECT_NE(page.body.find("Pembukuan UMKM"), std::string::npos);
    EXPECT_NE(page.body.find("5-6 Juli 2021"), std::string::npos);
    EXPECT_NE(page.body.find("<span id=\"hours\">2</span> jam"),
              std::string::npos);  // two full hours online
    EXPECT_NE(page.body.find("Dinas Koperasi dan UKM Provinsi Kalimantan Tengah"),
              std::string::npos);
    EXPECT_NE(page.body.find("<svg"), std::string::npos);
    auto info = ani.get(tp + "3?format=json").json();
    EXPECT_EQ(info["number"], "000001/DKUKM-KT/2021");
    const std::string code = info["code"];
    EXPECT_EQ(code.size(), 12u);
    EXPECT_NE(page.body.find(code), std::string::npos);
    EXPECT_EQ(info["verify_url"],
              "http://127.0.0.1/api/v1/certificates/" + code);  // the Host the client used
    // Stable: the same number and code every time, also for an admin.
    EXPECT_EQ(admin->get(tp + "3?format=json").json()["number"], "000001/DKUKM-KT/2021");
    EXPECT_EQ(trainer->get(tp + "3?format=json").json()["code"], code);

    http_client anyone(server->port());
    auto verified = anyone.request("GET", "/api/v1/certificates/" + code, {});
    ASSERT_EQ(verified.status, 200);
    EXPECT_EQ(verified.json(), json({{"valid", true},
                                     {"full_name", "Peserta ani"},
                                     {"training_title", "Pembukuan UMKM"},
                                     {"date", "2021-07-07"}}));
    auto html = anyone.request("GET", "/api/v1/certificates/" + code, {{"Accept", "text/html"}});
    EXPECT_NE(html.body.find("Sertifikat sah"), std::string::npos);
    EXPECT_EQ(anyone.request("GET", "/api/v1/certificates/ZZZZZZZZZZZZ", {}).status, 404);
    EXPECT_EQ(anyone.request("GET", "/api/v1/certificates/x", {}).status, 404);
    int limited = 0;
    for (int i = 0; i < 40; ++i)
        limited += anyone.request("GET", "/api/v1/certificates/" + code, {}).status == 429;
    EXPECT_GT(limited, 0);
    auto last = anyone.request("GET", "/api/v1/certificates/" + code, {});
    EXPECT_EQ(last.status, 429);
    EXPECT_FALSE(last.header("retry-after").empty());
}

}  // namespace
