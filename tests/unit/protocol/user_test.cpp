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

TEST(Phone, MobilesAndCountryCodesBecomeE164AndLandlinesStayAsWritten) {
    EXPECT_EQ(normalize_phone("0812-3456-7890"), "+6281234567890");
    EXPECT_EQ(normalize_phone("0812 3456 789"), "+628123456789");
    EXPECT_EQ(normalize_phone("62 812 3456 7890"), "+6281234567890");
    EXPECT_EQ(normalize_phone("+62 812-3456-7890"), "+6281234567890");
    EXPECT_EQ(normalize_phone("+65 6123 4567"), "+6561234567");
    EXPECT_EQ(normalize_phone("(0536) 322-1234"), "(0536) 322-1234");
    EXPECT_EQ(normalize_phone(" 3221234 "), "3221234");
    for (const char* bad :
         {"0812", "08ab12345678", "+62", "12345678901234567", "0812+3456789", "081-2345"}) {
        EXPECT_FALSE(normalize_phone(bad)) << bad;
    }
    EXPECT_TRUE(is_mobile_phone("+6281234567890"));
    EXPECT_FALSE(is_mobile_phone("+62536322123"));
    EXPECT_FALSE(is_mobile_phone("(0536) 322-1234"));
}

TEST(Email, PlainAddressesOnly) {
    for (const char* ok : {"siti@contoh.co.id", "a.b+c@dinas-koperasi.kalteng.go.id"})
        EXPECT_TRUE(valid_email(ok)) << ok;
    for (const char* bad :
         {"siti", "siti@", "@contoh.id", "siti@contoh", "si ti@contoh.id", "siti@@contoh.id",
          "siti@contoh..id", "siti@.contoh.id", "siti@contoh_id.id"})
        EXPECT_FALSE(valid_email(bad)) << bad;
}

TEST(UserPatch, NamesEachFieldAndRefusesWhatCannotChange) {
    auto p = parse_user_patch({{"phone", "0813 1111 2222"}, {"nib", nullptr}, {"active", false}});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->phone, "+6281311112222");
    EXPECT_EQ(p->nib, "");  // null clears
    EXPECT_EQ(p->active, false);
    EXPECT_EQ(p->fields.size(), 3u);
    user u;
    u.profile.nib = "1234567890123";
    u.profile.email = "lama@contoh.id";
    auto after = apply_patch(u, *p);
    EXPECT_EQ(after.profile.nib, "");
    EXPECT_EQ(after.profile.email, "lama@contoh.id");  // not named: kept
    for (const auto& [field, value] :
         std::vector<std::pair<std::string, json>>{{"username", "x"},
                                                   {"password", "password-1"},
                                                   {"nib", "123456789012a"},
                                                   {"active", 1},
                                                   {"full_name", nullptr}}) {
        auto r = parse_user_patch({{field, value}});
        ASSERT_FALSE(r.ok()) << field;
        EXPECT_EQ(r.err().field, field);
    }
    EXPECT_EQ(parse_user_patch(json::object()).err().code, "empty_patch");
}

TEST(PasswordChange, TheNewOneIsLongEnoughAndDifferent) {
    EXPECT_TRUE(parse_password_change({{"current", "lama-sandi"}, {"new", "baru-sandi"}}).ok());
    EXPECT_EQ(parse_password_change({{"current", "lama-sandi"}, {"new", "pendek"}}).err().field,
              "new");
    EXPECT_EQ(parse_password_change({{"current", "sama-sandi"}, {"new", "sama-sandi"}}).err().field,
              "new");
    EXPECT_EQ(parse_password_change({{"new", "baru-sandi"}}).err().field, "current");
}
