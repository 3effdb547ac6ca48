// Paged lists against the real binary: 1,200 users walked page by page by their Link headers
// while more are added, with no duplicate and no gap; the last page has no Link; bad paging
// parameters are 400 with the field named; the other growing lists page the same way.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/support/test_database.hpp"
#include "tests/support/world_fixture.hpp"

using namespace daring::test;
using nlohmann::json;

namespace {

class Paging : public world_fixture {
  protected:
    void SetUp() override { w.launch(); }
    // Users straight into the database (their passwords do not matter here), as another
    // process would: committed rows the server reads at once.
    void add_users_directly(int from, int count) {
        auto db = daring::test::open_test_database(dir.file("t.db"));
        daring::storage::transaction txn(*db);
        daring::storage::statement q(*db,
                                     "INSERT INTO users (username, password_hash, full_name, "
                                     "role, created_at) VALUES (?, 'x', ?, 'trainee', 1)");
        for (int i = from; i < from + count; ++i) {
            q.bind(1, "massal" + std::to_string(i));
            q.bind(2, "Peserta " + std::to_string(i));
            q.exec();
            q.reset();
        }
        txn.commit();
    }
    static std::optional<std::string> next_of(const http_result& r) {
        static const std::regex link(R"(^<([^>]+)>; rel="next"$)");
        std::smatch m;
        const auto header = r.header("link");
        if (header.empty()) return std::nullopt;
        EXPECT_TRUE(std::regex_match(header, m, link)) << header;
        return m.size() > 1 ? std::optional(m[1].str()) : std::nullopt;
    }
};

}  // namespace

TEST_F(Paging, WalkingTwelveHundredUsersWhileMoreArriveSeesEachOnce) {
    add_users_directly(0, 1200);
    std::set<std::int64_t> before;
    {
        auto db = daring::test::open_test_database(dir.file("t.db"));
        daring::storage::statement q(*db, "SELECT id FROM users");
        while (q.step()) before.insert(q.column(0).as_int64());
    }
    std::vector<std::int64_t> seen;
    std::optional<std::string> next = "/api/v1/users?role=trainee&limit=100";
    int pages = 0, added = 1200;
    while (next) {
        auto page = admin->get(*next);
        ASSERT_EQ(page.status, 200) << page.body;
        const auto rows = page.json();
        ASSERT_TRUE(rows.is_array());
        ASSERT_LE(rows.size(), 100u);
        for (const auto& u : rows) {
            EXPECT_EQ(u["role"], "trainee");
            seen.push_back(u["id"].get<std::int64_t>());
        }
        next = next_of(page);
        if (next) {
            EXPECT_NE(next->find("role=trainee"), std::string::npos) << *next;
        }
        if (++pages < 20 && next) {  // new trainees arrive during the walk
            add_users_directly(added, 7);
            added += 7;
        }
        ASSERT_LT(pages, 100);
    }
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    const std::set<std::int64_t> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a user appeared twice";
    for (auto id : before) {
        if (id > 1) {
            EXPECT_TRUE(unique.contains(id)) << "user " << id << " was skipped";
        }
    }
    EXPECT_EQ(unique.size(), static_cast<std::size_t>(added));  // those added during it too
    // The default page is 50; the last page of a short list has no Link.
    EXPECT_EQ(admin->get("/api/v1/users").json().size(), 50u);
    auto last = admin->get("/api/v1/users?q=massal1199");
    EXPECT_EQ(last.json().size(), 1u);
    EXPECT_TRUE(last.header("link").empty());
}

TEST_F(Paging, BadLimitsAndCursorsAre400WithTheFieldNamed) {
    for (const auto& [path, field] : std::vector<std::pair<std::string, std::string>>{
             {"/api/v1/audit?actor_id=1x", "actor_id"},
             {"/api/v1/trainings?year=2020a", "year"},
             {"/api/v1/trainings?funding_source_id=0", "funding_source_id"}}) {
        auto r = admin->get(path);
        EXPECT_EQ(r.status, 400) << path;
        EXPECT_EQ(r.json()["error"]["field"], field) << path;
    }
    for (const char* q :
         {"limit=0", "limit=501", "limit=x", "cursor=bm9uc2Vuc2U", "cursor=%25%25"}) {
        auto r = admin->get(std::string("/api/v1/users?") + q);
        EXPECT_EQ(r.status, 400) << q;
        EXPECT_EQ(r.json()["error"]["field"], std::string(q).substr(0, std::string(q).find('=')))
            << q;
    }
    // A cursor of another list's shape (restrictions need two numbers) is refused too.
    add_users_directly(0, 3);
    auto first = admin->get("/api/v1/users?limit=1");
    const auto cursor = first.header("link").substr(first.header("link").find("cursor=") + 7);
    w.funding();  // region 62.71 exists
    const auto restrictions = admin->get("/api/v1/regions/62.71/restrictions?cursor=" +
                                         cursor.substr(0, cursor.find('>')));
    EXPECT_EQ(restrictions.status, 400) << restrictions.body;
    EXPECT_EQ(restrictions.json()["error"]["field"], "cursor");
}

TEST_F(Paging, TheOtherGrowingListsPageByTheirLinks) {
    const auto training = w.add_training("Pelatihan panjang");
    std::vector<person> people;
    std::vector<std::string> names;
    for (int i = 0; i < 7; ++i) {
        people.push_back({"ikut" + std::to_string(i), "Ikut " + std::to_string(i)});
        names.push_back(people.back().username);
    }
    w.import_users(people);
    w.enroll(training, names);
    auto walk = [&](std::string path) {
        std::vector<json> all;
        std::optional<std::string> next = path;
        while (next) {
            auto r = admin->get(*next);
            EXPECT_EQ(r.status, 200) << *next << " " << r.body;
            for (const auto& x : r.json()) all.push_back(x);
            next = next_of(r);
        }
        return all;
    };
    EXPECT_EQ(walk(world::training_path(training) + "/enrollments?limit=3").size(), 7u);
    for (int i = 0; i < 4; ++i) w.add_training("Tambahan " + std::to_string(i));
    EXPECT_EQ(walk("/api/v1/trainings?limit=2").size(), 5u);
    EXPECT_EQ(walk("/api/v1/trainings?limit=2&q=tambahan").size(), 4u);
    EXPECT_EQ(walk("/api/v1/audit?limit=2").size(),
              admin->get("/api/v1/audit?limit=1000").json().size());
    const auto imports = walk("/api/v1/audit?limit=1&action=user.");
    ASSERT_FALSE(imports.empty());
    for (const auto& e : imports) EXPECT_TRUE(e["action"].get<std::string>().starts_with("user."));
}
