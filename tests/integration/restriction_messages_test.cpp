// The restriction story through the server with a WhatsApp stand-in and an SMTP server: an
// administrator records a PSBB, every trainee gets one message on their channel with the
// decree, the in-app notice stays as it was; and a server killed while hundreds of messages
// are pending delivers every one after the restart, once per row at a provider that honours
// Idempotency-Key.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "tests/support/test_database.hpp"
#include "tests/support/world.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

const auto restricted_session_start = *daring::protocol::parse_rfc3339("2030-01-10T10:00:00+07:00");
const std::string decree = "Perwali Palangka Raya No. 7 Tahun 2030 (uji)";

class RestrictionMessages : public ::testing::Test {
  protected:
    void start(const std::string& wa_args) {
        std::filesystem::create_directories(w.dir.file("wa"));
        std::filesystem::create_directories(w.dir.file("mail"));
        wa = std::make_unique<helper_process>("/usr/bin/python3 " DARING_SOURCE_DIR
                                              "/tests/support/whatsapp_standin.py " +
                                              w.dir.file("wa") + " " + wa_args);
        mail = std::make_unique<helper_process>("/usr/bin/python3 " DARING_SOURCE_DIR
                                                "/tests/support/smtp_sink.py " +
                                                w.dir.file("mail"));
        ASSERT_GT(wa->port(), 0);
        ASSERT_GT(mail->port(), 0);
        w.set_clock(restricted_session_start - 3 * 86400);
        w.launch(args());
        training = w.add_training("Pembukuan UMKM", "in_person");
        session = w.add_session(training, "Sesi 1: Kas", "2030-01-10T10:00:00+07:00",
                                "2030-01-10T12:00:00+07:00");
    }

    std::vector<std::string> args() const {
        return {"--whatsapp-api-url",
                "http://127.0.0.1:" + std::to_string(wa->port()),
                "--whatsapp-token",
                "token-uji",
                "--whatsapp-phone-number-id",
                "1098765",
                "--smtp-url",
                "smtp://127.0.0.1:" + std::to_string(mail->port()),
                "--mail-from",
                "daring@dinas.example",
                "--public-url",
                "https://daring.dinas.example",
                "--outbox-poll",
                "0.05",
                "--whatsapp-per-second",
                "1000",
                "--mail-per-second",
                "1000"};
    }

    // Trainees straight into the database (every `email_every`-th with an e-mail address, the
    // others with a mobile number), enrolled in the training.
    void add_trainees(int count, int email_every) {
        auto db = daring::test::open_test_database(w.dir.file("t.db"));
        daring::storage::transaction txn(*db);
        daring::storage::statement u(
            *db,
            "INSERT INTO users (username, password_hash, full_name, role, created_at, phone, "
            "email) VALUES (?, 'x', ?, 'trainee', 1, ?, ?)");
        daring::storage::statement e(
            *db, "INSERT INTO enrollments (training_id, user_id, enrolled_at) VALUES (?, ?, 1)");
        for (int i = 0; i < count; ++i) {
            const bool phone = i % email_every != 0;
            char number[24];
            std::snprintf(number, sizeof number, "+62812%08d", i);
            u.bind(1, "umkm" + std::to_string(i));
            u.bind(2, "Peserta " + std::to_string(i));
            if (phone)
                u.bind(3, std::string(number));
            else
                u.bind(3);
            if (phone)
                u.bind(4);
            else
                u.bind(4, "umkm" + std::to_string(i) + "@umkm.example");
            u.exec();
            u.reset();
            e.bind(1, training);
            e.bind(2, db->last_insert_id());
            e.exec();
            e.reset();
        }
        txn.commit();
    }

    void record_psbb() {
        auto r = w.admin->post("/api/v1/regions/62.71/restrictions",
                               {{"starts_on", "2030-01-05"},
                                {"ends_on", "2030-01-20"},
                                {"max_gathering", 5},
                                {"label", "PSBB Kota Palangka Raya"},
                                {"reference", decree}});
        ASSERT_EQ(r.status, 201) << r.body;
    }

    // Waits (up to `seconds`) until `dir` holds at least `n` records.
    std::vector<json> wait_for(const std::string& dir, std::size_t n, int seconds = 30) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        while (std::chrono::steady_clock::now() < until) {
            if (json_files(dir).size() >= n) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return json_files(dir);
    }

    world w;
    std::unique_ptr<helper_process> wa, mail;
    std::int64_t training = 0, session = 0;
};

TEST_F(RestrictionMessages, APsbbReachesEveryTraineeOnceWithTheDecree) {
    start("");
    add_trainees(30, 2);
    record_psbb();
    const auto whatsapp = wait_for(w.dir.file("wa"), 15);
    const auto mails = wait_for(w.dir.file("mail"), 15);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more arrives
    ASSERT_EQ(json_files(w.dir.file("wa")).size(), 15u);
    ASSERT_EQ(json_files(w.dir.file("mail")).size(), 15u);
    EXPECT_EQ(w.admin->get("/api/v1/outbox?state=sent&limit=500").json().size(), 30u);
    std::set<std::string> phones;
    for (const auto& r : whatsapp) {
        phones.insert(r["body"]["to"].get<std::string>());
        const auto text =
            r["body"]["template"]["components"][0]["parameters"][1]["text"].get<std::string>();
        EXPECT_NE(text.find(decree), std::string::npos) << text;
        EXPECT_EQ(text.find("Dipindahkan ke daring: Dipindahkan ke daring"), std::string::npos);
        EXPECT_NE(text.find("kini daring"), std::string::npos) << text;
    }
    EXPECT_EQ(phones.size(), 15u);
    std::set<std::string> addresses;
    for (const auto& m : mails) {
        addresses.insert(m["to"][0].get<std::string>());
        EXPECT_NE(m["text"].get<std::string>().find(decree), std::string::npos);
    }
    EXPECT_EQ(addresses.size(), 15u);
    // Each trainee's in-app notice is the text the message carried.
    const auto first =
        whatsapp.front()["body"]["template"]["components"][0]["parameters"][1]["text"];
    auto db = daring::test::open_test_database(w.dir.file("t.db"));
    daring::storage::statement q(*db,
                                 "SELECT count(*) FROM notifications WHERE kind = "
                                 "'delivery_changed' AND text_id = ?");
    q.bind(1, first.get<std::string>());
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.column(0).as_int(), 30);
}

TEST_F(RestrictionMessages, AKillWhileHundredsArePendingLosesNoneAndSendsEachRowOnce) {
    start("--delay-ms 10");
    add_trainees(500, 5);  // 400 on WhatsApp, 100 by e-mail
    record_psbb();
    wait_for(w.dir.file("wa"), 60);
    ASSERT_EQ(w.server->stop(SIGKILL), 128 + SIGKILL);
    const auto before = json_files(w.dir.file("wa")).size();
    EXPECT_LT(before, 400u) << "the kill came too late to test anything";
    w.launch(args());
    wait_for(w.dir.file("wa"), 400, 60);
    wait_for(w.dir.file("mail"), 100, 60);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto got = json_files(w.dir.file("wa"));
    std::map<std::string, int> delivered, duplicates;
    for (const auto& r : got) {
        const auto key = r["headers"]["idempotency-key"].get<std::string>();
        (r["duplicate"].get<bool>() ? duplicates : delivered)[key]++;
    }
    EXPECT_EQ(delivered.size(), 400u);
    for (const auto& [key, n] : delivered) EXPECT_EQ(n, 1) << key;
    // A duplicate can only be a row that was being sent when the server died (one batch).
    EXPECT_LE(duplicates.size(), 20u);
    // E-mail has no such key: each address gets its message, at most once more.
    std::map<std::string, int> per_address;
    for (const auto& m : json_files(w.dir.file("mail"))) per_address[m["to"][0]]++;
    EXPECT_EQ(per_address.size(), 100u);
    for (const auto& [address, n] : per_address)
        EXPECT_TRUE(n == 1 || n == 2) << address << " " << n;
    auto summary = w.admin->get("/api/v1/outbox/summary").json();
    EXPECT_EQ(summary["counts"]["whatsapp"]["sent"], 400);
    EXPECT_EQ(summary["counts"]["email"]["sent"], 100);
    EXPECT_EQ(summary["counts"]["whatsapp"]["pending"], 0);
    EXPECT_EQ(summary["counts"]["email"]["pending"], 0);
}

}  // namespace
