// Storage errors are answers, not 500s: a full disk (a small tmpfs this test mounts), a
// database locked by another process. Reads and the server keep going; writes recover by
// themselves when the cause goes away.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/plan_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/world.hpp"
#include "tests/support/ws_client.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

// A file system of `mib` MiB mounted on a temporary folder (tmpfs); unmounted at the end.
class small_disk {
  public:
    explicit small_disk(int mib) : path_(dir_.file("disk")) {
        std::filesystem::create_directories(path_);
        const std::string options = "size=" + std::to_string(mib) + "m";
        mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
        if (!mounted_) why_ = std::strerror(errno);
    }
    ~small_disk() {
        if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    const std::string& why() const { return why_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Writes a filler file until the file system is full.
    void fill() {
        std::FILE* f = std::fopen(file("filler").c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::string block(64 * 1024, 'x');
        while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
        }
        std::fclose(f);
        std::ofstream(file("crumbs")) << std::string(512 * 1024, 'y');  // the last bytes too
    }
    void free_space() {
        std::filesystem::remove(file("filler"));
        std::filesystem::remove(file("crumbs"));
    }
    temp_dir& dir() { return dir_; }

  private:
    temp_dir dir_;
    std::string path_;
    bool mounted_ = false;
    std::string why_;
};

json region(const std::string& code) {
    return {{"code", code}, {"name", "Wilayah " + code}, {"utc_offset_minutes", 420}};
}

}  // namespace

TEST(Storage, AFullDiskAnswers507KeepsReadsAndRecoversWhenSpaceReturns) {
    small_disk disk(16);
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.why() << ")";
    std::filesystem::create_directories(disk.dir().file("web"));
    auto server = std::make_unique<server_process>(disk.file("t.db"), disk.dir().file("web"));
    auto http = std::make_unique<http_client>(server->port());
    api_client admin(*http, login_token(*http, "admin", server_process::admin_password));
    ASSERT_EQ(admin.post("/api/v1/regions", region("62.71")).status, 201);

    disk.fill();
    auto refused = admin.post("/api/v1/regions", region("62.72"));
    EXPECT_EQ(refused.status, 507) << refused.body;
    EXPECT_EQ(refused.json()["error"]["code"], "storage_full");
    auto ready = http->request("GET", "/readyz");
    EXPECT_EQ(ready.status, 503);
    EXPECT_EQ(ready.json()["error"]["code"], "storage_full");
    auto regions = admin.get("/api/v1/regions");
    EXPECT_EQ(regions.status, 200);  // reads go on
    EXPECT_EQ(regions.json().size(), 1u);
    EXPECT_EQ(http->request("GET", "/healthz").status, 200);

    // A restart on the still-full disk serves reads and says why writes fail.
    EXPECT_EQ(server->stop(SIGTERM), 0);
    server = std::make_unique<server_process>(disk.file("t.db"), disk.dir().file("web"));
    http = std::make_unique<http_client>(server->port());
    api_client again(*http, admin.token());
    EXPECT_EQ(again.get("/api/v1/regions").json().size(), 1u);
    EXPECT_EQ(again.post("/api/v1/regions", region("62.73")).status, 507);

    disk.free_space();
    auto saved = again.post("/api/v1/regions", region("62.74"));
    EXPECT_EQ(saved.status, 201) << saved.body;
    EXPECT_EQ(http->request("GET", "/readyz").status, 200);
    EXPECT_EQ(again.get("/api/v1/regions").json().size(), 2u);  // nothing refused was kept
    EXPECT_EQ(server->stop(SIGTERM), 0);
}

TEST(Storage, ADatabaseLockedElsewhereAnswers503BusyAndThenWorks) {
    temp_dir dir;
    std::filesystem::create_directories(dir.file("web"));
    server_process server(dir.file("t.db"), dir.file("web"));
    http_client http(server.port());
    api_client admin(http, login_token(http, "admin", server_process::admin_password));
    {
        SQLite::Database other(dir.file("t.db"), SQLite::OPEN_READWRITE);
        // Waits out a write of the server's own still in flight (its start's housekeeping, the
        // login's), rather than failing with "database is locked" itself.
        other.setBusyTimeout(5000);
        other.exec("BEGIN IMMEDIATE");  // held past the server's 5 s busy timeout
        auto r = admin.post("/api/v1/regions", region("62.71"));
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_EQ(r.json()["error"]["code"], "busy");
        EXPECT_EQ(r.header("retry-after"), "1");
        EXPECT_EQ(http.request("GET", "/readyz").json()["error"]["code"], "busy");
        other.exec("ROLLBACK");
    }
    EXPECT_EQ(admin.post("/api/v1/regions", region("62.71")).status, 201);
    EXPECT_EQ(http.request("GET", "/readyz").status, 200);
}

// PostgreSQL stopped while the server serves: requests answer 503 storage_unavailable (reads and
// writes, /readyz says so), the live room goes on without it (slides reach the trainee, no
// socket closes), and once PostgreSQL is back every request works again without a restart.
// Runs on a cluster of its own, since it stops it.
TEST(Storage, PostgresStoppedAndStartedAnswers503ThenWorksAndTheLiveRoomNeverCloses) {
    pg_cluster cluster;
    world w;
    w.database = cluster.create_database("outage");
    w.launch();
    w.import_users({{"pelatih.pg", "Pelatih PG", "trainer"}, {"siswa.pg", "Siswa PG", "trainee"}});
    const auto training = w.add_training("Pembukuan di PostgreSQL");
    w.enroll(training, {"siswa.pg"});
    w.assign(training, "pelatih.pg");
    const auto session = w.add_session(training, "Sesi PG", wib_time_from_today(1, 9),
                                       wib_time_from_today(1, 11), {"Satu", "Dua", "Tiga"});
    w.start(session, "pelatih.pg");
    auto trainer = w.join("pelatih.pg", session);
    auto trainee = w.join("siswa.pg", session);

    cluster.stop();
    const auto read = w.admin->get("/api/v1/trainings");
    EXPECT_EQ(read.status, 503) << read.body;
    EXPECT_EQ(read.json()["error"]["code"], "storage_unavailable");
    EXPECT_EQ(read.header("retry-after"), "5");
    const auto write = w.admin->post("/api/v1/regions", region("62.72"));
    EXPECT_EQ(write.status, 503) << write.body;
    EXPECT_NE(w.http->request("GET", "/readyz").status, 200);
    trainer->send_json({{"type", "show_slide"}, {"index", 1}});
    auto seen = trainee->next_of("slide");
    ASSERT_TRUE(seen) << "the room stopped with the database";
    EXPECT_EQ((*seen)["index"], 1);

    // Back: the very first read works (a pooled reader whose session ended reconnects before it
    // is lent out), and so does the first write (BEGIN reconnects).
    cluster.start();
    const auto again = w.admin->get("/api/v1/trainings");
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(w.admin->post("/api/v1/regions", region("62.72")).status, 201);
    trainer->send_json({{"type", "show_slide"}, {"index", 2}});
    seen = trainee->next_of("slide");
    ASSERT_TRUE(seen) << "the trainee's socket did not survive the outage";
    EXPECT_EQ((*seen)["index"], 2);
}
