#include "server/http/router.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

namespace {
handler answer(int status) {
    return [status](request_context&) {
        http_response r;
        r.status = status;
        return r;
    };
}
}  // namespace

TEST(Router, MatchesTypedParameters) {
    router r;
    r.add("GET", "/api/v1/trainings/{id:int}/sessions", access::signed_in(), answer(200));
    auto m = r.find("GET", "/api/v1/trainings/42/sessions");
    ASSERT_EQ(m.result, router::match::kind::found);
    EXPECT_EQ(m.params.integer("id"), 42);
    EXPECT_EQ(*m.pattern, "/api/v1/trainings/{id:int}/sessions");
}

TEST(Router, DoesNotMatchAnIntParameterWithText) {
    router r;
    r.add("GET", "/api/v1/users/{id:int}", access::signed_in(), answer(200));
    EXPECT_EQ(r.find("GET", "/api/v1/users/abc").result, router::match::kind::not_found);
    EXPECT_EQ(r.find("GET", "/api/v1/users/-1").result, router::match::kind::not_found);
}

TEST(Router, DecodesTextParameters) {
    router r;
    r.add("GET", "/api/v1/regions/{code}", access::signed_in(), answer(200));
    auto m = r.find("GET", "/api/v1/regions/62%2E71");
    ASSERT_EQ(m.result, router::match::kind::found);
    EXPECT_EQ(m.params.text("code"), "62.71");
}

TEST(Router, Answers405WithTheAllowedMethods) {
    router r;
    r.add("GET", "/api/v1/users", access::signed_in(), answer(200));
    r.add("POST", "/api/v1/users", access::signed_in(), answer(201));
    auto m = r.find("DELETE", "/api/v1/users");
    EXPECT_EQ(m.result, router::match::kind::method_not_allowed);
    EXPECT_EQ(m.allowed, "GET, POST");
}

TEST(Router, KnowsTheBodyLimitOfARouteBeforeTheBodyArrives) {
    router r;
    r.add("POST", "/api/v1/users/import", access::signed_in(), answer(201), {import_body_limit});
    r.add("POST", "/api/v1/users", access::signed_in(), answer(201));
    EXPECT_EQ(r.body_limit("POST", "/api/v1/users/import"), import_body_limit);
    EXPECT_EQ(r.body_limit("POST", "/api/v1/users"), default_body_limit);
    EXPECT_EQ(r.body_limit("POST", "/nowhere"), default_body_limit);
}

TEST(Access, AllowsOnlyTheListedRoles) {
    auto admin_only = access::roles({daring::protocol::role::admin});
    EXPECT_TRUE(admin_only.allows(daring::protocol::role::admin));
    EXPECT_FALSE(admin_only.allows(daring::protocol::role::trainee));
    EXPECT_FALSE(admin_only.is_public());
    EXPECT_TRUE(access::anyone().is_public());
}
