#include "protocol/user.hpp"

#include <gtest/gtest.h>

using namespace daring::protocol;

namespace {
json valid_user() {
    return {{"username", "siti.r"}, {"password", "rahasia-123"}, {"full_name", "Siti Rahmawati"},
            {"role", "trainee"},    {"nik", "6271011234567890"}, {"region_code", "62.71"}};
}
}  // namespace

TEST(NewUser, AcceptsAValidTrainee) {
    auto r = parse_new_user(valid_user());
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(r->user_role, role::trainee);
    EXPECT_EQ(r->profile.nik, "6271011234567890");
}

TEST(NewUser, NamesTheFieldThatIsWrong) {
    struct bad_case {
        const char* field;
        json value;
    };
    for (const auto& c : std::vector<bad_case>{{"nik", "123"},
                                               {"nik", "62710112345678ab"},
                                               {"password", "short"},
                                               {"password", std::string(129, 'x')},
                                               {"role", "superuser"},
                                               {"username", "Has Space"},
                                               {"phone", "call me"},
                                               {"region_code", "6"},
                                               {"full_name", ""},
                                               {"full_name", 42}}) {
        auto body = valid_user();
        body[c.field] = c.value;
        auto r = parse_new_user(body);
        ASSERT_FALSE(r.ok()) << c.field;
        EXPECT_EQ(r.err().field, c.field);
    }
}

TEST(NewUser, ReportsAMissingRequiredField) {
    auto body = valid_user();
    body.erase("username");
    auto r = parse_new_user(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, "missing_field");
    EXPECT_EQ(r.err().field, "username");
}

TEST(UserImport, ReturnsEveryRowWithItsLine) {
    auto r = parse_user_import(
        "username,password,full_name,role\n"
        "a.one,password-1,A One,trainee\n"
        "b.two,password-2,\"Two, B\",trainer\n");
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[1].line, 3);
    EXPECT_EQ((*r)[1].user.full_name, "Two, B");
}

TEST(UserImport, ListsEveryBadLineAndImportsNothing) {
    auto r = parse_user_import(
        "username,password,full_name,role,nik\n"
        "ok.user,password-1,Ok,trainee,\n"
        "bad.nik,password-1,Bad,trainee,12\n"
        "ok.user,password-1,Duplicate,trainee,\n"
        "short,x,Short,trainee,\n"
        "too,few\n");
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.err().lines.size(), 4u);
    EXPECT_EQ(r.err().lines[0].line, 3);
    EXPECT_EQ(r.err().lines[0].field, "nik");
    EXPECT_EQ(r.err().lines[1].line, 4);
    EXPECT_EQ(r.err().lines[2].field, "password");
    EXPECT_EQ(r.err().lines[3].line, 6);
}

TEST(UserImport, RefusesUnknownColumns) {
    auto r = parse_user_import("username,colour\nx,y\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, "invalid_csv_header");
}

TEST(NewUser, RefusesControlCharactersInNames) {
    for (const char* field : {"username", "full_name"}) {
        auto body = valid_user();
        body[field] = std::string("Siti\0R", 6);
        auto r = parse_new_user(body);
        ASSERT_FALSE(r.ok()) << field;
        EXPECT_EQ(r.err().field, field);
        body[field] = "Siti\tR";
        EXPECT_FALSE(parse_new_user(body).ok()) << field;
    }
}
