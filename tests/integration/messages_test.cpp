// Messages outside the app, end to end through the server: reminders before a session and
// "starting now" reach trainees by e-mail (an SMTP server from python3-aiosmtpd) in their
// language with a one-tap join link; the link shows a page, signs the trainee in once within
// its window and refuses otherwise; after the session, the one who missed it is told of the
// recording and warned about the attendance minimum; the admin's outbox lists it all.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "tests/support/world.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

const auto starts = *daring::protocol::parse_rfc3339("2030-01-10T10:00:00+07:00");

class Messages : public ::testing::Test {
  protected:
    void SetUp() override {
        std::filesystem::create_directories(w.dir.file("mail"));
        smtp = std::make_unique<helper_process>("/usr/bin/python3 " DARING_SOURCE_DIR
                                                "/tests/support/smtp_sink.py " +
                                                w.dir.file("mail"));
        ASSERT_GT(smtp->port(), 0) << "tests/support/smtp_sink.py did not start";
        w.set_clock(starts - 30 * 3600);
        w.launch({"--smtp-url", "smtp://127.0.0.1:" + std::to_string(smtp->port()), "--mail-from",
                  "daring@dinas.example", "--public-url", "https://daring.dinas.example",
                  "--outbox-poll", "0.1"});
        w.import_users({{"siti", "Siti Rahmawati"},
                        {"maria", "Maria Ulfa"},
                        {"agus", "Agus Salim"},
                        {"rina", "Rina Kartika", "trainer"}});
        contact("siti", {{"email", "siti@umkm.example"}});
        contact("maria", {{"email", "maria@umkm.example"}, {"language", "en"}});
        training = w.add_training("Pemasaran Digital");
        w.enroll(training, {"siti", "maria", "agus"});
        w.assign(training, "rina");
        session = w.add_session(training, "Sesi 1: Lokapasar", "2030-01-10T10:00:00+07:00",
                                "2030-01-10T12:00:00+07:00");
    }

    void contact(const std::string& who, const json& fields) {
        auto r = w.admin->patch("/api/v1/users/" + std::to_string(w.user_id(who)), fields);
        ASSERT_EQ(r.status, 200) << r.body;
    }

    // The mails received so far, once there are at least `n` (waits up to 10 s).
    std::vector<json> mails(std::size_t n) {
        for (int i = 0; i < 200; ++i) {
            auto got = json_files(w.dir.file("mail"));
            if (got.size() >= n) return got;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return json_files(w.dir.file("mail"));
    }

    static std::string to_of(const json& mail) { return mail["to"][0].get<std::string>(); }
    static std::string join_link_in(const json& mail) {
        std::smatch m;
        const auto text = mail["text"].get<std::string>();
        if (!std::regex_search(text, m, std::regex(R"(https://daring\.dinas\.example(/j/\S+))")))
            return {};
        return m[1];
    }

    world w;
    std::unique_ptr<helper_process> smtp;
    std::int64_t training = 0, session = 0;
};

TEST_F(Messages, RemindersAndStartingNowCarryAOneTapJoinLinkThatWorksOnce) {
    // 24 hours before: one reminder per reachable trainee (agus has neither phone nor e-mail).
    w.set_clock(starts - 24 * 3600 + 60);
    auto got = mails(2);
    ASSERT_EQ(got.size(), 2u);
    std::map<std::string, json> by_to;
    for (const auto& m : got) by_to[to_of(m)] = m;
    EXPECT_EQ(by_to["siti@umkm.example"]["subject"], "Pengingat: Sesi 1: Lokapasar");
    EXPECT_NE(by_to["siti@umkm.example"]["text"].get<std::string>().find(
                  "dimulai 10/01/2030 10:00 WIB (daring)"),
              std::string::npos)
        << by_to["siti@umkm.example"]["text"];
    EXPECT_EQ(by_to["maria@umkm.example"]["subject"], "Reminder: Sesi 1: Lokapasar");
    const auto link = join_link_in(by_to["siti@umkm.example"]);
    ASSERT_FALSE(link.empty()) << by_to["siti@umkm.example"]["text"];
    EXPECT_NE(link, join_link_in(by_to["maria@umkm.example"]));  // each their own

    // Too early to use: a page says so, and nothing is used up.
    auto early = w.http->request("GET", link);
    EXPECT_EQ(early.status, 403);
    EXPECT_NE(early.body.find("Belum bisa bergabung"), std::string::npos);
    // An hour before: the 1-hour reminder, and still no second 24-hour one.
    w.set_clock(starts - 3600 + 60);
    got = mails(4);
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(json_files(w.dir.file("mail")).size(), 4u);

    // Ten minutes before: the page offers the button; opening it (a chat app's preview) twice
    // consumes nothing; the button signs siti in and opens the live page.
    w.set_clock(starts - 600);
    for (int i = 0; i < 2; ++i) {
        auto page = w.http->request("GET", link);
        ASSERT_EQ(page.status, 200) << page.body;
        EXPECT_NE(page.body.find("Gabung ke sesi"), std::string::npos);
        EXPECT_NE(page.body.find("method=\"post\""), std::string::npos);
        EXPECT_NE(page.header("content-security-policy").find("form-action 'self'"),
                  std::string::npos);
    }
    auto joined = w.http->request("POST", link);
    ASSERT_EQ(joined.status, 303) << joined.body;
    EXPECT_EQ(joined.header("location"), "/?joined#/live/" + std::to_string(session));
    std::smatch cookie;
    const auto set_cookie = joined.header("set-cookie");
    ASSERT_TRUE(std::regex_search(set_cookie, cookie, std::regex("daring_session=([^;]+)")));
    auto me =
        w.http->request("GET", "/api/v1/me", {{"Cookie", "daring_session=" + cookie[1].str()}});
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json()["username"], "siti");
    // Once only; a forged link is refused.
    EXPECT_EQ(w.http->request("POST", link).status, 410);
    EXPECT_NE(w.http->request("GET", link).body.find("sudah dipakai"), std::string::npos);
    auto forged = link;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(w.http->request("POST", forged).status, 404);

    // Starting: "starting now" to both, with fresh links.
    w.start(session, "rina");
    got = mails(6);
    ASSERT_EQ(got.size(), 6u);
    std::string started_link;
    for (const auto& m : {got[4], got[5]}) {
        if (to_of(m) == "siti@umkm.example") started_link = join_link_in(m);
        EXPECT_TRUE(m["subject"].get<std::string>().starts_with("Sedang dimulai") ||
                    m["subject"].get<std::string>().starts_with("Starting now"))
            << m["subject"];
    }
    ASSERT_FALSE(started_link.empty());
    EXPECT_NE(started_link, link);
    // Once the session is over, its links are refused with a page that says so.
    w.set_clock(starts + 2 * 3600);
    auto over = w.http->request("GET", started_link);
    EXPECT_EQ(over.status, 410);
    EXPECT_NE(over.body.find("Sesi sudah berakhir"), std::string::npos);
    EXPECT_EQ(w.http->request("POST", started_link).status, 410);
}

TEST_F(Messages, AfterTheSessionTheAbsentAreToldAndTheOutboxShowsEveryMessage) {
    // maria chooses no messages outside the app; siti keeps e-mail.
    auto maria = w.as("maria");
    EXPECT_EQ(maria.patch("/api/v1/me", {{"notify_channel", "none"}}).status, 200);
    auto refused = maria.patch("/api/v1/me", {{"email", "lain@umkm.example"}});
    EXPECT_EQ(refused.status, 422);
    EXPECT_EQ(refused.json()["error"]["field"], "email");
    w.set_clock(starts + 60);
    w.start(session, "rina");
    ASSERT_EQ(mails(1).size(), 1u);  // "starting now", sent before it would expire at the end
    w.set_clock(starts + 2 * 3600);
    auto ended = w.as("rina").post(world::session_path(session) + "/end", json::object());
    ASSERT_EQ(ended.status, 200) << ended.body;
    // siti: starting now, then the recording notice and the attendance warning.
    auto got = mails(3);
    std::vector<std::string> subjects;
    for (const auto& m : json_files(w.dir.file("mail"))) {
        EXPECT_EQ(to_of(m), "siti@umkm.example");
        subjects.push_back(m["subject"]);
    }
    std::sort(subjects.begin(), subjects.end());
    EXPECT_EQ(subjects, (std::vector<std::string>{"Kehadiran Anda: Pemasaran Digital",
                                                  "Rekaman sesi: Sesi 1: Lokapasar",
                                                  "Sedang dimulai: Sesi 1: Lokapasar"}));
    for (const auto& m : json_files(w.dir.file("mail"))) {
        if (m["subject"] == "Kehadiran Anda: Pemasaran Digital") {
            EXPECT_NE(m["text"].get<std::string>().find("tidak lagi dapat dicapai"),
                      std::string::npos);
        }
    }
    // The in-app list has them too, for maria as well (signed in again: the clock moved a day).
    w.forget_tokens();
    auto maria_now = w.as("maria");
    w.admin = std::make_unique<api_client>(
        *w.http, login_token(*w.http, "admin", server_process::admin_password));
    auto listed = maria_now.get("/api/v1/me/notifications");
    ASSERT_EQ(listed.status, 200) << listed.body;
    auto notes = listed.json();
    std::set<std::string> kinds;
    for (const auto& n : notes) kinds.insert(n["kind"].get<std::string>());
    EXPECT_TRUE(kinds.contains("absence_warning"));
    EXPECT_TRUE(kinds.contains("recording_available"));

    // The outbox: three sent e-mails, nothing for maria or agus; a sent one cannot be resent.
    auto summary = w.admin->get("/api/v1/outbox/summary").json();
    EXPECT_EQ(summary["counts"]["email"]["sent"], 3);
    EXPECT_EQ(summary["counts"]["whatsapp"]["pending"], 0);
    EXPECT_EQ(summary["configured"]["email"], true);
    EXPECT_EQ(summary["configured"]["whatsapp"], false);
    auto rows = w.admin->get("/api/v1/outbox?state=sent").json();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0]["user"]["username"], "siti");
    EXPECT_NE(rows[0]["provider_answer"].get<std::string>().find("250"), std::string::npos);
    auto again = w.admin->post(
        "/api/v1/outbox/" + std::to_string(rows[0]["id"].get<int>()) + "/retry", json::object());
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(w.admin->get("/api/v1/outbox?state=nonsense").status, 400);
    EXPECT_EQ(w.as("siti").get("/api/v1/outbox").status, 403);
}

}  // namespace

namespace {

// The last session of a training ends with siti present throughout: her certificate is issued
// then, and she is told with its verification link; maria, absent, is warned instead.
TEST_F(Messages, WhenTheTrainingIsFinishedThoseWhoCompletedGetTheirCertificate) {
    contact("maria", {{"notify_channel", "email"}});
    w.set_clock(starts);
    w.start(session, "rina");
    mails(2);  // "starting now" to both
    auto ws = w.join("siti", session);
    w.heartbeat(*ws);
    w.set_clock(starts + 2 * 3600 - 60);
    w.heartbeat(*ws);
    w.forget_tokens();
    auto ended = w.as("rina").post(world::session_path(session) + "/end", json::object());
    ASSERT_EQ(ended.status, 200) << ended.body;
    auto got = mails(5);
    json certificate;
    std::set<std::string> maria_subjects;
    for (const auto& m : got) {
        if (m["subject"] == "Sertifikat terbit: Pemasaran Digital") certificate = m;
        if (to_of(m) == "maria@umkm.example")
            maria_subjects.insert(m["subject"].get<std::string>());
    }
    std::string seen;
    for (const auto& mail : got)
        seen += to_of(mail) + ": " + mail["subject"].get<std::string>() + "\n";
    ASSERT_FALSE(certificate.is_null()) << seen;
    EXPECT_EQ(to_of(certificate), "siti@umkm.example");
    const auto text = certificate["text"].get<std::string>();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        text, m, std::regex(R"(https://daring\.dinas\.example(/api/v1/certificates/\w+))")))
        << text;
    auto verified = w.http->request("GET", m[1].str());
    EXPECT_EQ(verified.status, 200);
    EXPECT_TRUE(maria_subjects.contains("Your attendance: Pemasaran Digital"));
    EXPECT_FALSE(maria_subjects.contains("Certificate ready: Pemasaran Digital"));
}

}  // namespace

namespace {

// A trainee who missed a session but can still make the minimum is told how many of the
// sessions to come she needs, not all of them.
TEST_F(Messages, AnAbsenceWarningSaysHowManyOfTheSessionsToComeAreStillNeeded) {
    auto patched = w.admin->patch("/api/v1/trainings/" + std::to_string(training),
                                  {{"min_attendance_pct", 50}});
    ASSERT_EQ(patched.status, 200) << patched.body;
    for (int day = 11; day <= 13; ++day)
        w.add_session(training, "Sesi " + std::to_string(day - 9),
                      "2030-01-" + std::to_string(day) + "T10:00:00+07:00",
                      "2030-01-" + std::to_string(day) + "T12:00:00+07:00");
    w.set_clock(starts + 60);
    w.start(session, "rina");
    w.set_clock(starts + 2 * 3600);
    ASSERT_EQ(w.as("rina").post(world::session_path(session) + "/end", json::object()).status, 200);
    // Missed 1 of 1 held, 3 to come, 50%: 2 of 4 in all, so 2 of the 3.
    std::string warning;
    for (int i = 0; i < 200 && warning.empty(); ++i) {
        for (const auto& m : json_files(w.dir.file("mail")))
            if (m["subject"] == "Kehadiran Anda: Pemasaran Digital") warning = m["text"];
        if (warning.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_FALSE(warning.empty());
    EXPECT_NE(warning.find("kini 0% (minimum 50%)"), std::string::npos) << warning;
    EXPECT_NE(warning.find("Hadiri sedikitnya 2 dari 3 sesi berikutnya"), std::string::npos)
        << warning;
    // maria reads English in the app.
    w.forget_tokens();
    w.admin = std::make_unique<api_client>(
        *w.http, login_token(*w.http, "admin", server_process::admin_password));
    bool seen = false;
    for (const auto& n : w.as("maria").get("/api/v1/me/notifications").json()) {
        if (n["kind"] != "absence_warning") continue;
        seen = true;
        EXPECT_NE(n["text"]["en"].get<std::string>().find("Attend at least 2 of the 3 remaining"),
                  std::string::npos)
            << n.dump();
    }
    EXPECT_TRUE(seen);
}

}  // namespace

namespace {

// The server sends e-mail only: a trainee with a mobile number (WhatsApp by default) is mailed,
// and no WhatsApp message waits for a channel that will never send it.
TEST_F(Messages, WithEMailAloneATraineeWithAMobileNumberIsMailed) {
    contact("agus", {{"phone", "+6281211112222"}, {"email", "agus@umkm.example"}});
    w.set_clock(starts + 60);
    w.start(session, "rina");
    std::set<std::string> to;
    for (const auto& m : mails(3)) to.insert(to_of(m));
    EXPECT_EQ(to, (std::set<std::string>{"agus@umkm.example", "maria@umkm.example",
                                         "siti@umkm.example"}));
    w.forget_tokens();  // signed in again: the clock moved a day
    w.admin = std::make_unique<api_client>(
        *w.http, login_token(*w.http, "admin", server_process::admin_password));
    const auto summary = w.admin->get("/api/v1/outbox/summary").json();
    for (const auto& [state, n] : summary["counts"]["whatsapp"].items()) EXPECT_EQ(n, 0) << state;
}

}  // namespace
