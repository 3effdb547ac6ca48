// Decks against the real binary: PDF, PowerPoint and OpenDocument uploads convert in a child
// process to WebP pages that become slides; damaged, locked and hostile files fail with their
// codes while the server stays fast; a full queue answers 503; pages are served immutable and
// only to members; trainers edit their sessions' slides, never the schedule; the live `slide`
// carries the page. And a training's handouts.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "storage/deck_repo.hpp"
#include "tests/support/pdf_maker.hpp"
#include "tests/support/plan_fixture.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/world_fixture.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(DARING_SOURCE_DIR) + "/tests/fixtures/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Decks : public world_fixture {
  protected:
    void SetUp() override {
        w.launch(server_args);
        w.import_users({{"pelatih.dek", "Pelatih Dek", "trainer"},
                        {"pelatih.lain", "Pelatih Lain", "trainer"},
                        {"siswa.dek", "Siswa Dek", "trainee"},
                        {"orang.luar", "Orang Luar", "trainee"}});
        training = w.add_training("Pemasaran Digital bagi UMKM");
        w.enroll(training, {"siswa.dek"});
        w.assign(training, "pelatih.dek");
        session = w.add_session(training, "Sesi dek", wib_time_from_today(1, 9),
                                wib_time_from_today(1, 11), {"Pembuka"});
    }

    std::string token(const std::string& username) {
        return username == "admin" ? w.admin->token() : w.token(username);
    }

    http_result upload(const std::string& bytes, const std::string& as = "pelatih.dek",
                       const std::string& content_type = "application/octet-stream") {
        return http->request(
            "POST", world::session_path(session) + "/deck",
            {{"Authorization", "Bearer " + token(as)}, {"Content-Type", content_type}}, bytes);
    }

    // Polls the deck until it leaves `converting` (at most `limit`); the pages_done seen on
    // the way go to `progress`.
    json wait_for(std::int64_t deck, std::vector<int>* progress = nullptr,
                  std::chrono::seconds limit = std::chrono::seconds(90)) {
        const auto until = std::chrono::steady_clock::now() + limit;
        auto trainer = w.as("pelatih.dek");
        for (;;) {
            auto d = trainer.get("/api/v1/decks/" + std::to_string(deck)).json();
            if (progress) progress->push_back(d["pages_done"].get<int>());
            if (d["status"] != "converting" || std::chrono::steady_clock::now() > until) return d;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    json slides() { return w.as("pelatih.dek").get(world::session_path(session)).json()["slides"]; }

    std::vector<std::string> server_args;  // set by derived fixtures before SetUp
    std::int64_t training = 0, session = 0;
};

// LibreOffice replaced (--soffice) by a stand-in that writes down its pid and its parent's (the
// `daring convert` child) and then never ends, as a hung conversion would.
class DecksWithAHungOffice : public Decks {
  protected:
    void SetUp() override {
        const auto script = office.file("soffice");
        std::ofstream(script) << "#!/bin/sh\necho $PPID > " << office.file("converter.pid")
                              << "\necho $$ > " << office.file("soffice.pid")
                              << "\nwhile :; do sleep 1; done\n";
        std::filesystem::permissions(script, std::filesystem::perms::owner_all);
        server_args.insert(server_args.end(), {"--soffice", script});
        Decks::SetUp();
    }
    void TearDown() override {  // what a failed check left running
        for (const auto pid : {pid_in("converter.pid"), pid_in("soffice.pid")})
            if (pid > 0 && process_alive(pid)) ::kill(pid, SIGKILL);
    }

    pid_t pid_in(const std::string& name) const {
        std::ifstream in(office.file(name));
        pid_t pid = 0;
        in >> pid;
        return pid;
    }

    temp_dir office;
};

// One conversion at a time and one waiting; LibreOffice's place is taken by the stand-in that
// never ends, so the queue stays full for as long as the test needs it.
class DecksWithAShortQueue : public DecksWithAHungOffice {
  protected:
    void SetUp() override {
        server_args = {"--convert-jobs", "1", "--convert-queue", "1"};
        DecksWithAHungOffice::SetUp();
    }
};

TEST_F(Decks, APdfConvertsWithProgressAndItsPagesJoinTheSlides) {
    auto r = upload(make_pdf({.pages = 12, .title = "Pembukuan"}));
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(r.json()["status"], "converting");
    EXPECT_EQ(r.json()["session_id"], session);
    std::vector<int> progress;
    auto d = wait_for(r.json()["id"].get<std::int64_t>(), &progress);
    ASSERT_EQ(d["status"], "ready") << d.dump();
    EXPECT_EQ(d["pages"], 12);
    EXPECT_EQ(d["pages_done"], 12);
    EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));

    auto s = slides();
    ASSERT_EQ(s.size(), 13u);
    EXPECT_EQ(s[0]["title"], "Pembuka");
    EXPECT_FALSE(s[0].contains("page"));
    const auto& p3 = s[3]["page"];
    EXPECT_EQ(p3["n"], 3);
    EXPECT_EQ(p3["deck_id"], d["id"]);
    EXPECT_EQ(p3["width"], 1280);
    EXPECT_EQ(p3["height"], 720);
    EXPECT_EQ(s[3]["title"], "Pembukuan 3");  // the page's first line
    EXPECT_NE(s[3]["body"].get<std::string>().find("Pembukuan 3"), std::string::npos);
    EXPECT_GT(p3["small_bytes"].get<int>(), 100);
    EXPECT_GT(p3["large_bytes"].get<int>(), p3["small_bytes"].get<int>());
}

TEST_F(Decks, PageImagesAreImmutableWebPWithETagsAndOnlyForMembers) {
    auto r = upload(make_pdf({.pages = 2}));
    ASSERT_EQ(r.status, 202) << r.body;
    ASSERT_EQ(wait_for(r.json()["id"].get<std::int64_t>())["status"], "ready");
    const auto small = slides()[1]["page"]["small"].get<std::string>();
    const auto large = slides()[1]["page"]["large"].get<std::string>();

    auto img = w.as("siswa.dek").get(small);
    ASSERT_EQ(img.status, 200);
    EXPECT_EQ(img.header("content-type"), "image/webp");
    EXPECT_EQ(img.body.substr(0, 4), "RIFF");
    EXPECT_EQ(img.body.substr(8, 4), "WEBP");
    EXPECT_EQ(std::to_string(img.body.size()),
              std::to_string(slides()[1]["page"]["small_bytes"].get<int>()));
    EXPECT_EQ(img.header("cache-control"), "private, max-age=31536000, immutable");
    const auto etag = img.header("etag");
    ASSERT_EQ(etag.front(), '"');  // strong
    auto again = http->request(
        "GET", small,
        {{"Authorization", "Bearer " + w.token("siswa.dek")}, {"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(w.as("pelatih.dek").get(large).status, 200);
    // In pieces: a byte range, as the phone fetches a page ahead.
    auto piece = http->request(
        "GET", small,
        {{"Authorization", "Bearer " + w.token("siswa.dek")}, {"Range", "bytes=0-599"}});
    EXPECT_EQ(piece.status, 206);
    EXPECT_EQ(piece.body, img.body.substr(0, 600));
    EXPECT_EQ(piece.header("content-range"), "bytes 0-599/" + std::to_string(img.body.size()));

    EXPECT_EQ(w.as("orang.luar").get(small).status, 404);
    EXPECT_EQ(w.as("pelatih.lain").get(large).status, 404);
    EXPECT_EQ(http->request("GET", small).status, 401);
    // A real file's name under another deck is not served through it.
    auto other = upload(make_pdf({.pages = 1, .title = "Lain"}));
    const auto other_id = other.json()["id"].get<std::int64_t>();
    wait_for(other_id);
    const auto hash = small.substr(small.rfind('/') + 1);
    EXPECT_EQ(w.as("siswa.dek")
                  .get("/api/v1/decks/" + std::to_string(other_id) + "/pages/" + hash)
                  .status,
              404);
}

// The office kinds are told from their bytes before any conversion (their conversion, here by the
// stand-in, is not what this test is about).
TEST_F(DecksWithAHungOffice, TheTypeComesFromTheBytesNotTheName) {
    auto text = upload("Ini bukan presentasi", "pelatih.dek", "application/pdf");
    EXPECT_EQ(text.status, 415);
    EXPECT_EQ(text.json()["error"]["code"], "unsupported_type");
    auto pdf_as_text = upload(make_pdf({.pages = 1}), "pelatih.dek", "text/plain");
    EXPECT_EQ(pdf_as_text.status, 202);
    EXPECT_EQ(pdf_as_text.json()["kind"], "pdf");
    EXPECT_EQ(upload(fixture("deck.pptx")).json()["kind"], "pptx");
    EXPECT_EQ(upload(fixture("deck.odp")).json()["kind"], "odp");
}

TEST_F(Decks, OnlyTheSessionsTrainersAndAdminsUpload) {
    const auto pdf = make_pdf({.pages = 1});
    EXPECT_EQ(upload(pdf, "siswa.dek").status, 403);
    EXPECT_EQ(upload(pdf, "pelatih.lain").status, 404);
    EXPECT_EQ(upload(pdf, "admin").status, 202);
}

TEST_F(Decks, AnEndedSessionTakesNoNewDeck) {
    w.start(session, "pelatih.dek");
    ASSERT_EQ(
        w.as("pelatih.dek").post(world::session_path(session) + "/end", json::object()).status,
        200);
    auto r = upload(make_pdf({.pages = 1}));
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "session_ended");
}

TEST_F(Decks, ADamagedAndALockedPdfFailWithTheirCodesInBothLanguages) {
    auto damaged = upload("%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage");
    ASSERT_EQ(damaged.status, 202);
    auto d = wait_for(damaged.json()["id"].get<std::int64_t>());
    EXPECT_EQ(d["status"], "failed");
    EXPECT_EQ(d["error"]["code"], "damaged");
    EXPECT_EQ(d["error"]["message_id"], "Berkas rusak dan tidak dapat dibuka");

    auto locked = upload(fixture("locked.pdf"));
    ASSERT_EQ(locked.status, 202);
    auto l = wait_for(locked.json()["id"].get<std::int64_t>());
    EXPECT_EQ(l["status"], "failed");
    EXPECT_EQ(l["error"]["code"], "encrypted");
    EXPECT_NE(l["error"]["message_id"].get<std::string>().find("kata sandi"), std::string::npos);
    EXPECT_EQ(slides().size(), 1u);  // nothing appended
}

TEST_F(Decks, MoreThanThreeHundredPagesFailAsTooManyPages) {
    auto r = upload(make_pdf({.pages = 301, .shapes = 0}));
    ASSERT_EQ(r.status, 202);
    auto d = wait_for(r.json()["id"].get<std::int64_t>());
    EXPECT_EQ(d["status"], "failed");
    EXPECT_EQ(d["error"]["code"], "too_many_pages");
}

TEST_F(Decks, AFileOverFiftyMegabytesIsRefusedBeforeItIsRead) {
    auto r =
        http->raw("POST " + world::session_path(session) +
                  "/deck HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + w.token("pelatih.dek") +
                  "\r\nContent-Length: " + std::to_string((50 << 20) + 1) + "\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->json()["error"]["code"], "too_large");
}

// A server killed mid-conversion (or crashing) leaves no converter and no LibreOffice behind:
// nobody would enforce their wall limit any more, and a hung one would run for ever.
TEST_F(DecksWithAHungOffice, AConversionDiesWithItsServer) {
    ASSERT_EQ(upload(fixture("deck.odp")).status, 202);
    pid_t converter = 0, soffice = 0;
    for (int i = 0; i < 600 && soffice <= 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        converter = pid_in("converter.pid");
        soffice = pid_in("soffice.pid");
    }
    ASSERT_GT(soffice, 0) << "the stand-in LibreOffice never started";
    ASSERT_GT(converter, 0);
    EXPECT_TRUE(process_alive(converter));
    server->stop(SIGKILL);
    for (int i = 0; i < 250 && (process_alive(converter) || process_alive(soffice)); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(process_alive(converter));
    EXPECT_FALSE(process_alive(soffice));
}

// Several nodes: a deck left converting by a node that died and did not come back fails at any
// node's housekeeping (one runs at start) once that node was silent for three minutes; one
// whose node still says it converts goes on.
TEST_F(Decks, ADeadNodesConversionFailsAtHousekeepingALiveNodesGoesOn) {
    const auto trainer = w.user_id("pelatih.dek");
    EXPECT_EQ(server->stop(SIGTERM), 0);
    std::int64_t dead = 0, alive = 0;
    {
        auto db = open_test_database(dir.file("t.db"));
        daring::protocol::deck d;
        d.session_id = session;
        d.source_bytes = 10;
        d.created_by = trainer;
        const auto now = static_cast<daring::protocol::unix_seconds>(std::time(nullptr));
        d.created_at = now - 600;
        dead = daring::storage::insert_deck(*db, d, "kt-2");
        d.created_at = now;
        alive = daring::storage::insert_deck(*db, d, "kt-3");
    }
    w.launch(server_args);
    EXPECT_EQ(wait_for(dead, nullptr, std::chrono::seconds(30))["error"]["code"], "interrupted");
    EXPECT_EQ(w.admin->get("/api/v1/decks/" + std::to_string(alive)).json()["status"],
              "converting");
}

TEST_F(Decks, PowerPointAndOpenDocumentConvertThroughLibreOffice) {
    for (const char* name : {"deck.pptx", "deck.odp"}) {
        auto r = upload(fixture(name));
        ASSERT_EQ(r.status, 202) << name << r.body;
        auto d = wait_for(r.json()["id"].get<std::int64_t>());
        ASSERT_EQ(d["status"], "ready") << name << d.dump();
        EXPECT_EQ(d["pages"], 5) << name;
    }
    auto s = slides();
    ASSERT_EQ(s.size(), 11u);
    EXPECT_EQ(s[1]["title"], "Pemasaran Digital bagi UMKM");
    EXPECT_NE(s[4]["body"].get<std::string>().find("Harga jual"), std::string::npos);
    EXPECT_GT(s[1]["page"]["large_bytes"].get<int>(), 1000);  // the pictures came through
}

// The time /healthz takes, in milliseconds.
double healthz_ms(http_client& c) {
    const auto t0 = std::chrono::steady_clock::now();
    c.request("GET", "/healthz");
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

TEST_F(Decks, HostileFilesEndWithinTheirLimitsWhileTheServerStaysFast) {
    // A zip bomb dressed as a presentation: 400 MB of zeros in one slide part.
    std::string zeros(400u << 20, '\0');
    const auto bomb = make_zip_bomb_pptx(zeros);
    zeros.clear();
    zeros.shrink_to_fit();
    std::vector<std::int64_t> decks;
    for (const auto& bytes : {make_pdf({.pages = 1, .width_pt = 20000, .height_pt = 20000}),
                              make_pdf({.pages = 1, .width_pt = 2, .height_pt = 14400}),
                              make_nested_pdf(200000), bomb}) {
        auto r = upload(bytes, "admin");
        ASSERT_EQ(r.status, 202) << r.body;
        decks.push_back(r.json()["id"].get<std::int64_t>());
    }
    http_client probe(server->port());
    std::vector<double> samples;
    std::vector<json> outcome(decks.size());
    for (std::size_t i = 0; i < decks.size(); ++i) {
        for (;;) {
            samples.push_back(healthz_ms(probe));
            outcome[i] = w.admin->get("/api/v1/decks/" + std::to_string(decks[i])).json();
            if (outcome[i]["status"] != "converting") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    // A huge page is drawn at the phone's size, a thin strip within the aspect limit.
    EXPECT_EQ(outcome[0]["status"], "ready") << outcome[0].dump();
    auto s = slides();
    EXPECT_EQ(s[1]["page"]["width"], 1280);
    EXPECT_EQ(s[1]["page"]["height"], 1280);
    EXPECT_LE(s[2]["page"]["height"].get<int>(), 1280 * 3);
    EXPECT_NE(outcome[2]["status"], "converting");
    EXPECT_EQ(outcome[3]["status"], "failed") << outcome[3].dump();
    std::sort(samples.begin(), samples.end());
    ASSERT_FALSE(samples.empty());
    EXPECT_LT(samples[samples.size() * 9 / 10], 50.0) << "p90 of " << samples.size();
}

TEST_F(DecksWithAShortQueue, AFullQueueAnswers503BusyWithRetryAfter) {
    const auto office = fixture("deck.odp");
    EXPECT_EQ(upload(office).status, 202);  // converting
    EXPECT_EQ(upload(office).status, 202);  // waiting
    auto third = upload(office);
    EXPECT_EQ(third.status, 503);
    EXPECT_EQ(third.json()["error"]["code"], "busy");
    EXPECT_FALSE(third.header("retry-after").empty());
}

TEST_F(Decks, TrainersReorderRemoveAndMixPagesButNeverTheSchedule) {
    auto r = upload(make_pdf({.pages = 3}));
    const auto deck = r.json()["id"].get<std::int64_t>();
    ASSERT_EQ(wait_for(deck)["status"], "ready");
    auto trainer = w.as("pelatih.dek");
    auto p = trainer.patch(world::session_path(session),
                           {{"slides",
                             {{{"page", {{"deck_id", deck}, {"n", 3}}}},
                              {{"title", "Catatan"}, {"body", "Di antara halaman"}},
                              {{"page", {{"deck_id", deck}, {"n", 1}}}, {"title", "Sampul"}}}}});
    ASSERT_EQ(p.status, 200) << p.body;
    auto s = p.json()["slides"];
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0]["page"]["n"], 3);
    EXPECT_EQ(s[0]["title"], "Halaman 3");
    EXPECT_EQ(s[1]["title"], "Catatan");
    EXPECT_EQ(s[2]["title"], "Sampul");
    EXPECT_EQ(s[2]["page"]["n"], 1);

    auto missing = trainer.patch(world::session_path(session),
                                 {{"slides", {{{"page", {{"deck_id", deck}, {"n", 9}}}}}}});
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(missing.json()["error"]["field"], "slides[0].page");
    auto schedule = trainer.patch(
        world::session_path(session),
        {{"starts_at", wib_time_from_today(2, 9)}, {"ends_at", wib_time_from_today(2, 11)}});
    EXPECT_EQ(schedule.status, 403);
    EXPECT_EQ(w.as("pelatih.lain").patch(world::session_path(session), {{"title", "X"}}).status,
              404);
    EXPECT_EQ(w.as("siswa.dek").patch(world::session_path(session), {{"title", "X"}}).status, 403);
}

TEST_F(Decks, TheLiveSlideCarriesThePageAndAReadyDeckReachesARunningRoom) {
    w.start(session, "pelatih.dek");
    auto trainer = w.join("pelatih.dek", session);
    auto trainee = w.join("siswa.dek", session);
    auto r = upload(make_pdf({.pages = 2}));
    ASSERT_EQ(wait_for(r.json()["id"].get<std::int64_t>())["status"], "ready");
    ASSERT_TRUE(trainer->next_of("slides"));
    trainer->send_json({{"type", "show_slide"}, {"index", 2}});
    auto slide = trainee->next_of("slide");
    ASSERT_TRUE(slide);
    EXPECT_EQ((*slide)["index"], 2);
    EXPECT_EQ((*slide)["page"]["n"], 2);
    EXPECT_NE((*slide)["page"]["small"].get<std::string>().find("/api/v1/decks/"),
              std::string::npos);
    // A newcomer is welcomed on the page.
    auto again = w.join("siswa.dek", session);
    (void)again;
}

TEST_F(Decks, InkComesBackOnResumeThePointerDoesNotAndBothAreInTheRecording) {
    auto deck = upload(make_pdf({.pages = 2, .title = "Rekaman"}));
    ASSERT_EQ(wait_for(deck.json()["id"].get<std::int64_t>())["status"], "ready");
    w.start(session, "pelatih.dek");
    auto trainer = w.join("pelatih.dek", session);
    auto trainee = w.join("siswa.dek", session);
    trainer->send_json({{"type", "show_slide"}, {"index", 1}});
    ASSERT_TRUE(trainee->next_of("slide"));
    trainer->send_json({{"type", "pointer"}, {"x", 0.25}, {"y", 0.5}});
    auto pointer = trainee->next_of("pointer");
    ASSERT_TRUE(pointer);
    EXPECT_DOUBLE_EQ((*pointer)["x"].get<double>(), 0.25);
    trainer->send_json({{"type", "ink"},
                        {"id", "i1"},
                        {"stroke",
                         {{"id", "s1"},
                          {"color", "#2563eb"},
                          {"width", 5},
                          {"points", {{0.1, 0.1}, {0.2, 0.3}, {0.4, 0.3}}}}}});
    ASSERT_TRUE(trainer->next_of("ack"));
    auto ink = trainee->next_of("ink");
    ASSERT_TRUE(ink);
    const auto seq = (*ink)["seq"].get<std::uint64_t>();

    auto back = w.connect(w.token("siswa.dek"), session, seq - 1);
    ASSERT_EQ(back->status(), 101);
    auto welcome = back->next_of("welcome");
    ASSERT_TRUE(welcome);
    EXPECT_EQ((*welcome)["ink"].size(), 1u);
    EXPECT_EQ((*welcome)["resumed"], true);
    auto replayed = back->next_of("ink", std::chrono::seconds(2));
    ASSERT_TRUE(replayed);
    EXPECT_EQ((*replayed)["stroke"]["id"], "s1");
    for (const auto& m : back->skipped) EXPECT_NE(m["type"], "pointer");

    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the journal's flush
    ASSERT_EQ(
        w.as("pelatih.dek").post(world::session_path(session) + "/end", json::object()).status,
        200);
    json events;
    for (int i = 0; i < 50; ++i) {
        auto rec = w.as("siswa.dek").get(world::session_path(session) + "/recording");
        events = rec.json()["events"];
        bool has_pointer = false;
        for (const auto& e : events) has_pointer = has_pointer || e["type"] == "pointer";
        if (has_pointer) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    int inks = 0, pointers = 0;
    std::int64_t last_at = 0;
    for (const auto& e : events) {
        if (e["type"] == "ink") ++inks;
        if (e["type"] == "pointer") ++pointers;
        EXPECT_GE(e["at_ms"].get<std::int64_t>(), last_at);  // one timeline, in time order
        last_at = e["at_ms"].get<std::int64_t>();
    }
    EXPECT_EQ(inks, 1);
    EXPECT_EQ(pointers, 1);

    // The offline file carries the small picture of the page shown, within its budget: the
    // pages (base64) and 60 kB (there is no audio).
    http_result offline;
    for (int i = 0; i < 60; ++i) {  // ready once the end is in the stored timeline
        offline = w.as("siswa.dek").get(world::session_path(session) + "/recording/offline");
        if (offline.status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_EQ(offline.status, 200);
    EXPECT_NE(offline.body.find("data:image/webp;base64,"), std::string::npos);
    const auto page_bytes = slides()[1]["page"]["small_bytes"].get<std::size_t>();
    EXPECT_LE(offline.body.size(), (page_bytes + 2) / 3 * 4 + 60 * 1024);
    EXPECT_EQ(offline.body.find(slides()[2]["page"]["small"].get<std::string>() + "\":\"data:"),
              std::string::npos);  // a page never shown stays out
}

TEST_F(Decks, HandoutsListWithTheirSizesAndDownloadOnlyForMembers) {
    const std::string pdf = make_pdf({.pages = 1});
    auto up =
        http->request("POST", world::training_path(training) + "/materials?name=Modul%201.pdf",
                      {{"Authorization", "Bearer " + w.token("pelatih.dek")}}, pdf);
    ASSERT_EQ(up.status, 201) << up.body;
    EXPECT_EQ(up.json()["name"], "Modul 1.pdf");
    EXPECT_EQ(up.json()["content_type"], "application/pdf");
    EXPECT_EQ(up.json()["bytes"], pdf.size());
    auto list = w.as("siswa.dek").get(world::training_path(training) + "/materials");
    ASSERT_EQ(list.status, 200);
    ASSERT_EQ(list.json()["materials"].size(), 1u);
    EXPECT_EQ(list.json()["bytes"], pdf.size());
    const auto url = list.json()["materials"][0]["url"].get<std::string>();
    auto file = w.as("siswa.dek").get(url);
    ASSERT_EQ(file.status, 200);
    EXPECT_EQ(file.body, pdf);
    EXPECT_NE(file.header("content-disposition").find("attachment"), std::string::npos);
    EXPECT_EQ(w.as("orang.luar").get(url).status, 404);
    EXPECT_EQ(w.as("orang.luar").get(world::training_path(training) + "/materials").status, 404);

    auto bad = http->request("POST", world::training_path(training) + "/materials?name=..%2Fx",
                             {{"Authorization", "Bearer " + w.token("pelatih.dek")}}, pdf);
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(w.as("siswa.dek").del("/api/v1/materials/" + up.json()["id"].dump()).status, 403);
    EXPECT_EQ(w.as("pelatih.dek").del("/api/v1/materials/" + up.json()["id"].dump()).status, 204);
    EXPECT_EQ(w.as("siswa.dek").get(url).status, 404);
}

}  // namespace
