// The outbox against real providers' stand-ins: an SMTP server (Debian's python3-aiosmtpd) and
// a WhatsApp Cloud API stand-in that answers as scripted. The sender runs round by round on a
// test clock, so retry timing is exact.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "server/services/outbox_sender.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/notification_repo.hpp"
#include "storage/outbox_repo.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/server_process.hpp"

using namespace daring;
using nlohmann::json;

namespace {

constexpr protocol::unix_seconds t0 = 1'800'000'000;

class test_clock final : public server::clock {
  public:
    protocol::unix_seconds now() const override { return now_; }
    protocol::unix_seconds now_ = t0;
};

// A transport's options for the Cloud API stand-in on `port`.
server::whatsapp_options standin_options(int port) {
    server::whatsapp_options w;
    w.api_url = "http://127.0.0.1:" + std::to_string(port);
    w.token = "t";
    w.phone_number_id = "1";
    return w;
}

class OutboxDelivery : public ::testing::Test {
  protected:
    OutboxDelivery() : db(options()) { std::filesystem::create_directories(dir.file("got")); }
    storage::database_options options() {
        storage::database_options o;
        o.path = dir.file("outbox.db");
        return o;
    }

    std::int64_t user(const std::string& name, const std::string& phone, const std::string& email,
                      const std::string& language) {
        return db.write([&](storage::connection& c) {
            protocol::new_user u{name, "password-1", "Ibu " + name, protocol::role::trainee, {}};
            u.profile.phone = phone;
            u.profile.email = email;
            auto id = storage::insert_user(c, u, "hash", t0);
            storage::statement q(c, "UPDATE users SET language = ? WHERE id = ?");
            q.bind(1, language);
            q.bind(2, id);
            q.exec();
            return id;
        });
    }

    // A moved session, as the delivery policy words it.
    void moved_online(std::int64_t user_id) {
        db.write([&](storage::connection& c) {
            protocol::notification n;
            n.user_id = user_id;
            n.kind = "delivery_changed";
            n.text_id =
                "Sesi \"Sesi 2: Media sosial\" (14/05/2020 09:00) kini daring. "
                "Dipindahkan ke daring: PSBB (Perwali Palangka Raya No. 12 Tahun 2020).";
            n.text_en =
                "Session \"Sesi 2: Media sosial\" (14/05/2020 09:00) is now online. "
                "Moved online: PSBB (Perwali Palangka Raya No. 12 Tahun 2020).";
            n.params = {{"session_title", "Sesi 2: Media sosial"}, {"link", "#/live/7"}};
            n.expires_at = t0 + 86400;
            n.created_at = t0;
            return storage::insert_notification(c, n);
        });
    }

    // `per_second`: the channel's pace (0: as fast as the provider answers).
    std::unique_ptr<server::outbox_sender> sender(const std::string& channel,
                                                  std::unique_ptr<server::message_transport> t,
                                                  double per_second = 0) {
        std::map<std::string, std::unique_ptr<server::message_transport>> transports;
        transports[channel] = std::move(t);
        server::outbox_options o;
        o.background = false;
        o.retry.max_attempts = 4;
        o.public_url = "https://daring.dinas.example";
        o.per_second[channel] = per_second;
        return std::make_unique<server::outbox_sender>(db, clk, std::move(transports), o);
    }

    // The command starting the Cloud API stand-in, recording into got/, answering as `script`.
    std::string standin(const std::string& script) {
        return "/usr/bin/python3 " DARING_SOURCE_DIR "/tests/support/whatsapp_standin.py " +
               dir.file("got") + " " + script;
    }

    storage::outbox_row row(std::int64_t id) {
        return *db.read([&](storage::connection& c) { return storage::find_outbox(c, id); });
    }

    test::temp_dir dir;
    storage::database db;
    test_clock clk;
};

TEST_F(OutboxDelivery, EmailReachesAnSmtpServerInTheUsersLanguageWithAStableMessageId) {
    test::helper_process smtp("/usr/bin/python3 " DARING_SOURCE_DIR "/tests/support/smtp_sink.py " +
                              dir.file("got") + " 1");
    ASSERT_GT(smtp.port(), 0) << "tests/support/smtp_sink.py did not start";
    const auto siti = user("siti", "0536-3221234", "siti@umkm.example", "id");
    const auto maria = user("maria", "", "maria@umkm.example", "en");
    moved_online(siti);
    moved_online(maria);
    auto s = sender(
        "email", server::make_smtp_transport({"smtp://127.0.0.1:" + std::to_string(smtp.port()), "",
                                              "", "daring@dinas.example"}));
    EXPECT_EQ(s->run_once(), 2);
    // The first message was refused for now (451): it waits for its retry, the other is sent.
    EXPECT_EQ(row(1).state, "pending");
    EXPECT_NE(row(1).last_error.find("451"), std::string::npos) << row(1).last_error;
    EXPECT_EQ(row(2).state, "sent");
    EXPECT_EQ(s->run_once(), 0);  // not due yet
    clk.now_ = row(1).next_attempt_at;
    EXPECT_EQ(s->run_once(), 1);
    EXPECT_EQ(row(1).state, "sent");
    EXPECT_EQ(row(1).attempts, 2);

    const auto got = test::json_files(dir.file("got"));
    ASSERT_EQ(got.size(), 3u);
    const auto& refused = got[0];
    const auto& english = got[1];
    const auto& indonesian = got[2];
    EXPECT_TRUE(refused["rejected"].get<bool>());
    EXPECT_EQ(indonesian["to"], json::array({"siti@umkm.example"}));
    EXPECT_EQ(indonesian["from"], "daring@dinas.example");
    EXPECT_EQ(indonesian["subject"], "Perubahan sesi: Sesi 2: Media sosial");
    const auto text_id = indonesian["text"].get<std::string>();
    EXPECT_NE(text_id.find("Yth. Ibu siti,"), std::string::npos) << text_id;
    EXPECT_NE(text_id.find("Perwali Palangka Raya No. 12 Tahun 2020"), std::string::npos);
    EXPECT_NE(text_id.find("https://daring.dinas.example/#/live/7"), std::string::npos);
    EXPECT_NE(indonesian["html"].get<std::string>().find(
                  "href=\"https://daring.dinas.example/#/live/7\""),
              std::string::npos);
    EXPECT_EQ(english["to"], json::array({"maria@umkm.example"}));
    EXPECT_EQ(english["subject"], "Session change: Sesi 2: Media sosial");
    EXPECT_NE(english["text"].get<std::string>().find("Dear Ibu maria,"), std::string::npos);
    EXPECT_NE(english["text"].get<std::string>().find("is now online"), std::string::npos);
    // The retry carries the Message-ID of the refused attempt.
    EXPECT_EQ(refused["message_id"], indonesian["message_id"]);
    EXPECT_EQ(indonesian["message_id"], server::message_id_of(1, "daring@dinas.example"));
    EXPECT_NE(english["message_id"], indonesian["message_id"]);
}

TEST_F(OutboxDelivery, WhatsAppHonoursRetryAfterBacksOffAndKeepsOneIdempotencyKey) {
    test::helper_process api(standin("429:120 500 200"));
    ASSERT_GT(api.port(), 0) << "tests/support/whatsapp_standin.py did not start";
    const auto siti = user("siti", "+6281234567890", "", "id");
    moved_online(siti);
    server::whatsapp_options w;
    w.api_url = "http://127.0.0.1:" + std::to_string(api.port()) + "/v20.0";
    w.token = "token-uji";
    w.phone_number_id = "1098765";
    w.templates = {{"delivery_changed", "daring_sesi_berubah"}};
    auto s = sender("whatsapp", server::make_whatsapp_transport(w));
    EXPECT_EQ(s->run_once(), 1);  // 429, Retry-After: 120
    EXPECT_EQ(row(1).state, "pending");
    EXPECT_EQ(row(1).next_attempt_at, t0 + 120);  // longer than the first backoff (15-30 s)
    clk.now_ = t0 + 119;
    EXPECT_EQ(s->run_once(), 0);
    clk.now_ = t0 + 120;
    EXPECT_EQ(s->run_once(), 1);  // 500: backoff after the second attempt, 30-60 s
    const auto next = row(1).next_attempt_at;
    EXPECT_GE(next, t0 + 150);
    EXPECT_LE(next, t0 + 180);
    clk.now_ = next;
    EXPECT_EQ(s->run_once(), 1);  // 200
    EXPECT_EQ(row(1).state, "sent");
    EXPECT_NE(row(1).last_error.find("wamid.3"), std::string::npos);

    const auto got = test::json_files(dir.file("got"));
    ASSERT_EQ(got.size(), 3u);
    for (const auto& r : got) {
        EXPECT_EQ(r["path"], "/v20.0/1098765/messages");
        EXPECT_EQ(r["headers"]["authorization"], "Bearer token-uji");
        EXPECT_EQ(r["headers"]["idempotency-key"], "daring-outbox-1");
    }
    const auto& body = got[2]["body"];
    EXPECT_EQ(body["messaging_product"], "whatsapp");
    EXPECT_EQ(body["to"], "6281234567890");
    EXPECT_EQ(body["type"], "template");
    EXPECT_EQ(body["template"]["name"], "daring_sesi_berubah");
    EXPECT_EQ(body["template"]["language"]["code"], "id");
    const auto& parameters = body["template"]["components"][0]["parameters"];
    ASSERT_EQ(parameters.size(), 3u);
    EXPECT_EQ(parameters[0]["text"], "Ibu siti");
    EXPECT_NE(parameters[1]["text"].get<std::string>().find("kini daring"), std::string::npos);
    EXPECT_EQ(parameters[2]["text"], "https://daring.dinas.example/#/live/7");
}

TEST_F(OutboxDelivery, AFinalRefusalFailsAtOnceAndSpentAttemptsFailWithTheAnswer) {
    test::helper_process api(standin("400 500 500 500 500"));
    ASSERT_GT(api.port(), 0);
    moved_online(user("siti", "+6281234567890", "", "id"));
    moved_online(user("dewi", "+6281298765432", "", "id"));
    auto w = standin_options(api.port());
    auto s = sender("whatsapp", server::make_whatsapp_transport(w));
    EXPECT_EQ(s->run_once(), 2);
    EXPECT_EQ(row(1).state, "failed");  // 400: a refusal no retry changes
    EXPECT_EQ(row(1).last_error, "HTTP 400, #400: scripted 400");  // read, not raw JSON
    for (int round = 0; round < 3; ++round) {
        clk.now_ = row(2).next_attempt_at;
        EXPECT_EQ(s->run_once(), 1);
    }
    EXPECT_EQ(row(2).state, "failed");  // four attempts, each 500
    EXPECT_EQ(row(2).attempts, 4);
    EXPECT_NE(row(2).last_error.find("HTTP 500"), std::string::npos);
}

}  // namespace

namespace {

TEST_F(OutboxDelivery, AProviderThatDoesNotAnswerIsTriedAgainLater) {
    test::helper_process api(standin("hang 200"));
    ASSERT_GT(api.port(), 0);
    moved_online(user("siti", "+6281234567890", "", "en"));
    auto w = standin_options(api.port());
    w.timeout_s = 1;
    auto s = sender("whatsapp", server::make_whatsapp_transport(w));
    EXPECT_EQ(s->run_once(), 1);  // no answer within the timeout
    EXPECT_EQ(row(1).state, "pending");
    EXPECT_NE(row(1).last_error.find("imeout"), std::string::npos) << row(1).last_error;
    clk.now_ = row(1).next_attempt_at;
    EXPECT_EQ(s->run_once(), 1);
    EXPECT_EQ(row(1).state, "sent");
    const auto got = test::json_files(dir.file("got"));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1]["body"]["template"]["name"], "daring_delivery_changed");  // no file: default
    EXPECT_EQ(got[1]["body"]["template"]["language"]["code"], "en");
}

}  // namespace

namespace {

TEST_F(OutboxDelivery, StoppingEndsACallInFlightAndTheMessageWaitsForTheNextStart) {
    test::helper_process api(standin("hang"));
    ASSERT_GT(api.port(), 0);
    moved_online(user("siti", "+6281234567890", "", "id"));
    auto w = standin_options(api.port());
    std::map<std::string, std::unique_ptr<server::message_transport>> transports;
    transports["whatsapp"] = server::make_whatsapp_transport(w);  // 30 s timeout
    server::outbox_options o;
    o.poll_s = 0.05;
    o.public_url = "https://daring.dinas.example";
    {
        server::outbox_sender s(db, clk, std::move(transports), o);
        for (int i = 0; i < 200 && test::json_files(dir.file("got")).empty(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ASSERT_EQ(test::json_files(dir.file("got")).size(), 1u);  // the call is in flight
    }                                                             // the server stops here
    const auto r = row(1);
    EXPECT_EQ(r.state, "pending");
    EXPECT_NE(r.last_error.find("aborted"), std::string::npos) << r.last_error;
}

}  // namespace

namespace {

// --whatsapp-per-second: a round with more messages than the pace allows spreads them out; each
// send starts at least 1/rate after the previous one (a lower bound, never an upper one).
TEST_F(OutboxDelivery, APacedChannelSpreadsItsSendsOverTime) {
    test::helper_process api(standin(""));
    ASSERT_GT(api.port(), 0);
    for (int i = 0; i < 5; ++i)
        moved_online(
            user("peserta" + std::to_string(i), "+62812345678" + std::to_string(i), "", "id"));
    auto s = sender("whatsapp", server::make_whatsapp_transport(standin_options(api.port())), 4);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(s->run_once(), 5);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, std::chrono::milliseconds(1000));  // four gaps of 250 ms at 4 per second
    EXPECT_EQ(test::json_files(dir.file("got")).size(), 5u);
    for (std::int64_t id = 1; id <= 5; ++id) EXPECT_EQ(row(id).state, "sent");
}

}  // namespace
