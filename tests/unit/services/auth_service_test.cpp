#include "server/services/auth_service.hpp"

#include <gtest/gtest.h>

#include "storage/users_repo.hpp"
#include "tests/support/server_process.hpp"

using namespace daring::server;
using daring::protocol::role;

namespace {

struct auth_fixture {
    daring::test::temp_dir dir;
    daring::storage::database db{{dir.file("a.db"), 2}};
    manual_clock clk{1'600'000'000};
    password_hasher hasher;
    auth_service auth{db, clk, hasher};

    void add_user(const std::string& name, const std::string& password, const password_hasher& h) {
        daring::protocol::new_user u{name, password, "User " + name, role::trainee, {}};
        auto hash = h.hash(password);
        db.write([&](daring::storage::connection& c) {
            daring::storage::insert_user(c, u, hash, clk.now());
        });
    }
};

}  // namespace

TEST(AuthService, LogsInAndAuthenticatesTheIssuedToken) {
    auth_fixture f;
    f.add_user("siti", "password-1", f.hasher);
    auto out = f.auth.login("siti", "password-1", "127.0.0.1");
    auto* ok = std::get_if<login_success>(&out);
    ASSERT_NE(ok, nullptr);
    EXPECT_GE(ok->token.size(), 43u);  // 256 bits in base64url
    auto session = f.auth.authenticate(ok->token);
    ASSERT_NE(session, nullptr);
    EXPECT_EQ(session->user.username, "siti");
    EXPECT_NE(session->token_hash, ok->token);  // stored hashed
}

TEST(AuthService, ExpiresSessionsWhenIdleAndAtTheAbsoluteLimit) {
    auth_fixture f;
    f.add_user("siti", "password-1", f.hasher);
    auto idle = std::get<login_success>(f.auth.login("siti", "password-1", "a"));
    f.clk.advance(session_idle_timeout);
    EXPECT_EQ(f.auth.authenticate(idle.token), nullptr);

    auto active = std::get<login_success>(f.auth.login("siti", "password-1", "a"));
    // Used every 11 hours it stays alive until the absolute limit.
    for (int i = 0; i < 15; ++i) {
        f.clk.advance(11 * 3600);
        ASSERT_NE(f.auth.authenticate(active.token), nullptr) << i;
        f.db.write([](daring::storage::connection&) {});  // let the touch commit
    }
    f.clk.advance(11 * 3600);
    EXPECT_EQ(f.auth.authenticate(active.token), nullptr);
}

TEST(AuthService, RehashesOnLoginWhenTheCostParametersChange) {
    auth_fixture f;
    password_hasher cheap({1, 8u << 20});
    f.add_user("budi", "password-2", cheap);
    auto before = f.db.read([](daring::storage::connection& c) {
        return daring::storage::find_credentials(c, "budi");
    });
    ASSERT_TRUE(f.hasher.needs_rehash(before->password_hash));
    ASSERT_TRUE(std::holds_alternative<login_success>(f.auth.login("budi", "password-2", "a")));
    auto after = f.db.read([](daring::storage::connection& c) {
        return daring::storage::find_credentials(c, "budi");
    });
    EXPECT_FALSE(f.hasher.needs_rehash(after->password_hash));
    EXPECT_TRUE(f.hasher.verify(after->password_hash, "password-2"));
}

TEST(AuthService, RefusesUnknownUsersAndWrongPasswordsAlike) {
    auth_fixture f;
    f.add_user("siti", "password-1", f.hasher);
    EXPECT_TRUE(std::holds_alternative<login_refused>(f.auth.login("nobody", "password-1", "a")));
    EXPECT_TRUE(std::holds_alternative<login_refused>(f.auth.login("siti", "wrong-pass", "a")));
}

TEST(PasswordHasher, UsesArgon2idAtLeastAtOwaspCost) {
    password_hasher h;
    auto hash = h.hash("password-1");
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
    EXPECT_NE(hash.find("m=19456"), std::string::npos);
    EXPECT_NE(hash.find("t=2"), std::string::npos);
    EXPECT_TRUE(h.verify(hash, "password-1"));
    EXPECT_FALSE(h.verify(hash, "password-2"));
}

TEST(AuthService, TheCacheAnswersOnlySessionsReadOnceAndForgetsThemOnLogout) {
    auth_fixture f;
    f.add_user("siti", "password-1", f.hasher);
    auto ok = std::get<login_success>(f.auth.login("siti", "password-1", "a"));
    EXPECT_EQ(f.auth.cached(ok.token), nullptr);  // never read yet: the worker must
    ASSERT_NE(f.auth.authenticate(ok.token), nullptr);
    auto hit = f.auth.cached(ok.token);
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->user.username, "siti");
    EXPECT_EQ(hit->csrf_token, ok.csrf_token);
    EXPECT_EQ(f.auth.cached(ok.token + "x"), nullptr);
    f.auth.logout(ok.token);
    EXPECT_EQ(f.auth.cached(ok.token), nullptr);
    EXPECT_EQ(f.auth.authenticate(ok.token), nullptr);
}

TEST(AuthService, CachedSessionsLastTheTtlAndForgetUserDropsEveryOneOfTheUser) {
    auth_fixture f;
    f.add_user("siti", "password-1", f.hasher);
    f.add_user("budi", "password-2", f.hasher);
    auto a = std::get<login_success>(f.auth.login("siti", "password-1", "a"));
    auto b = std::get<login_success>(f.auth.login("siti", "password-1", "b"));
    auto c = std::get<login_success>(f.auth.login("budi", "password-2", "c"));
    for (const auto* t : {&a.token, &b.token, &c.token}) ASSERT_TRUE(f.auth.authenticate(*t));
    f.clk.advance(session_cache_ttl - 1);
    EXPECT_NE(f.auth.cached(a.token), nullptr);
    f.clk.advance(1);
    EXPECT_EQ(f.auth.cached(a.token), nullptr);  // stale: read the database again
    for (const auto* t : {&a.token, &b.token, &c.token}) ASSERT_TRUE(f.auth.authenticate(*t));
    f.auth.forget_user(std::get<login_success>(f.auth.login("siti", "password-1", "a")).user.id);
    EXPECT_EQ(f.auth.cached(a.token), nullptr);
    EXPECT_EQ(f.auth.cached(b.token), nullptr);
    EXPECT_NE(f.auth.cached(c.token), nullptr);
}

TEST(SessionCache, RefusesToCacheASessionReadBeforeARemoval) {
    session_cache cache;
    daring::storage::auth_session session;
    session.token_hash = "h1";
    session.user.id = 7;
    auto s = std::make_shared<const daring::storage::auth_session>(session);
    const auto before = cache.epoch();
    cache.forget("h1");  // a logout that ran while the session was being read
    cache.put(s, 100, before);
    EXPECT_EQ(cache.find("h1", 100), nullptr);
    cache.put(s, 100, cache.epoch());
    EXPECT_NE(cache.find("h1", 100), nullptr);
    EXPECT_EQ(cache.find("h1", 99), nullptr);  // a clock that went back trusts nothing
}

TEST(SessionCache, AFullCacheStartsOverInsteadOfGrowing) {
    session_cache cache;
    daring::storage::auth_session s;
    for (std::size_t i = 0; i < session_cache_capacity; ++i) {
        s.token_hash = "h" + std::to_string(i);
        cache.put(std::make_shared<const daring::storage::auth_session>(s), 100, cache.epoch());
    }
    EXPECT_EQ(cache.size(), session_cache_capacity);
    s.token_hash = "one more";
    cache.put(std::make_shared<const daring::storage::auth_session>(s), 100, cache.epoch());
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_NE(cache.find("one more", 100), nullptr);
}
