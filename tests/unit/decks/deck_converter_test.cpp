// The conversion queue on several nodes: a node's start fails and clears only its own
// unfinished conversions (another node's go on, in their own work dirs), and its housekeeping
// keeps its conversions alive while failing those of a node that fell silent. On a database file
// with the real migrations; no conversion runs.
#include "server/decks/deck_converter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/deck_repo.hpp"
#include "storage/funding_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::server;
namespace fs = std::filesystem;
namespace p = daring::protocol;
namespace st = daring::storage;

namespace {

constexpr p::unix_seconds t0 = 1'600'000'000;

class DeckConverter : public ::testing::Test {
  protected:
    DeckConverter() : db(database_options()), clk(t0) {
        db.write([&](st::connection& c) {
            st::insert_region(c, {"62.71", "Kota Palangka Raya", p::wib_utc_offset_minutes});
            p::funding_source f{0, "DAK", "DAK", p::funding_kind::dak, 2020, 1};
            p::training t;
            t.title = "Pemasaran";
            t.region_code = "62.71";
            t.funding_source_id = st::insert_funding_source(c, f, 0);
            p::session s;
            s.training_id = st::insert_training(c, t, 0);
            s.title = "Sesi dek";
            s.starts_at = t0 + 3600;
            s.ends_at = t0 + 7200;
            session = st::insert_session(c, s, 0);
            trainer =
                st::insert_user(c, {"rina", "password-1", "Rina", p::role::trainer, {}}, "hash", 0);
        });
    }

    st::database_options database_options() {
        st::database_options o;
        o.path = dir.file("t.db");
        return o;
    }

    // The converter of node `node`; not started. Its child is `daring convert`, or `converter`.
    std::unique_ptr<deck_converter> converter(const std::string& node,
                                              const std::string& converter = {}) {
        deck_options o;
        o.assets_dir = dir.file("assets");
        o.node = node;
        o.converter = converter;
        return std::make_unique<deck_converter>(db, clk, o);
    }

    // A deck `node` converts, uploaded at t0, with a file in its work dir.
    std::int64_t converting_on(const std::string& node) {
        p::deck d;
        d.session_id = session;
        d.source_bytes = 10;
        d.created_by = trainer;
        d.created_at = t0;
        const auto id = db.write([&](st::connection& c) { return st::insert_deck(c, d, node); });
        const auto work = work_of(node, id);
        fs::create_directories(work);
        std::ofstream(work / "deck.pdf") << "%PDF";
        return id;
    }

    fs::path work_of(const std::string& node, std::int64_t id) const {
        return fs::path(dir.file("assets")) / "work" / node / ("deck-" + std::to_string(id));
    }

    // The session's slides now.
    std::size_t slide_count() {
        return db.read([&](st::connection& c) { return st::find_session(c, session)->slides; })
            .size();
    }

    // Polls deck `id` until it leaves `converting` (at most 20 s).
    p::deck_status settled(std::int64_t id) {
        for (int i = 0; i < 400 && deck(id).status == p::deck_status::converting; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return deck(id).status;
    }

    p::deck deck(std::int64_t id) {
        return *db.read([&](st::connection& c) { return st::find_deck(c, id); });
    }

    daring::test::temp_dir dir;
    st::database db;
    manual_clock clk;
    std::int64_t session = 0, trainer = 0;
};

}  // namespace

TEST_F(DeckConverter, AStartFailsAndClearsOnlyItsOwnNodesConversions) {
    const auto others = converting_on("a"), mine = converting_on("b");
    auto b = converter("b");
    b->start();
    EXPECT_EQ(deck(mine).status, p::deck_status::failed);
    EXPECT_EQ(deck(mine).error_code, p::deck_interrupted);
    EXPECT_FALSE(fs::exists(work_of("b", mine)));
    EXPECT_EQ(deck(others).status, p::deck_status::converting) << "node a still converts it";
    EXPECT_TRUE(fs::exists(work_of("a", others) / "deck.pdf"));
    // New uploads of node b go to its own work dir, private to the server's user.
    const auto work = b->make_work_dir();
    EXPECT_EQ(work.parent_path(), fs::path(dir.file("assets")) / "work" / "b");
    EXPECT_EQ(fs::status(work.parent_path()).permissions(), fs::perms::owner_all);
    EXPECT_EQ(fs::status(work.parent_path().parent_path()).permissions(), fs::perms::owner_all);
}

TEST_F(DeckConverter, OneNodesStartClearsEveryConversionLeft) {
    const auto left = converting_on("");
    auto single = converter("");
    single->start();
    EXPECT_EQ(deck(left).status, p::deck_status::failed);
    EXPECT_FALSE(fs::exists(work_of("", left)));
    EXPECT_EQ(single->make_work_dir().parent_path(), fs::path(dir.file("assets")) / "work");
}

TEST_F(DeckConverter, HousekeepingKeepsItsOwnAliveAndFailsASilentNodes) {
    const auto silent = converting_on("a"), mine = converting_on("b");
    auto b = converter("b");
    b->housekeeping(t0 + deck_converter::abandoned_after_s);  // a: silent exactly the limit
    EXPECT_EQ(deck(silent).status, p::deck_status::converting);
    b->housekeeping(t0 + deck_converter::abandoned_after_s + 1);
    EXPECT_EQ(deck(silent).status, p::deck_status::failed);
    EXPECT_EQ(deck(silent).error_code, p::deck_interrupted);
    // Node b's own conversion lives on past the limit: each round said it is alive.
    b->housekeeping(t0 + 2 * deck_converter::abandoned_after_s + 30);
    EXPECT_EQ(deck(mine).status, p::deck_status::converting);
}

// A conversion that ends after another node gave it up (this node looked silent) adds no
// slides: the trainer was told it failed and may have uploaded it again.
TEST_F(DeckConverter, AConversionGivenUpMeanwhileAddsNoSlides) {
    // A stand-in for `daring convert`: one page, once the test lets it go on.
    const auto script = dir.file("convert");
    std::ofstream(script) << "#!/bin/sh\nwhile [ ! -e " << dir.file("go")
                          << " ]; do sleep 0.05; done\nprintf x > \"$7/1-large.webp\"\n"
                          << "printf x > \"$7/1-small.webp\"\necho 'pages 1'\n"
                          << "echo 'page 1 1280 720'\necho done\n";
    fs::permissions(script, fs::perms::owner_all);
    auto b = converter("b", script);
    b->start();
    std::ofstream(dir.file("go")) << "";
    const auto first = b->add(session, trainer, p::deck_kind::pdf, "%PDF-1.4");
    ASSERT_TRUE(first);
    ASSERT_EQ(settled(first->id), p::deck_status::ready) << "the stand-in converts";
    EXPECT_EQ(slide_count(), 1U);
    fs::remove(dir.file("go"));
    const auto second = b->add(session, trainer, p::deck_kind::pdf, "%PDF-1.4");
    ASSERT_TRUE(second);
    EXPECT_EQ(db.write([&](st::connection& c) {
        return st::fail_abandoned_decks(c, t0 + 1000, t0 + 1);  // by another node
    }),
              1);
    std::ofstream(dir.file("go")) << "";
    for (int i = 0; i < 400 && (b->stats().converting > 0 || b->stats().waiting > 0); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(b->stats().converting, 0U);
    EXPECT_EQ(deck(second->id).status, p::deck_status::failed);
    EXPECT_EQ(deck(second->id).error_code, p::deck_interrupted);
    EXPECT_EQ(slide_count(), 1U) << "the given-up deck's page is not added";
}
