#include "protocol/plan.hpp"

#include <gtest/gtest.h>

using namespace daring::protocol;

TEST(PlanParsing, AcceptsARegionFromTheReferenceData) {
    auto r = parse_region(
        {{"code", "62.71"}, {"name", "Kota Palangka Raya"}, {"utc_offset_minutes", 420}});
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(r->code, "62.71");
}

TEST(PlanParsing, NamesTheBadFieldOfARestriction) {
    json good = {{"starts_on", "2020-05-11"},
                 {"max_gathering", 5},
                 {"label", "PSBB"},
                 {"reference", "Pergub 12/2020"}};
    EXPECT_TRUE(parse_restriction(good).ok());
    auto backwards = good;
    backwards["ends_on"] = "2020-05-01";
    EXPECT_EQ(parse_restriction(backwards).err().field, "ends_on");
    auto bad_date = good;
    bad_date["starts_on"] = "11/05/2020";
    EXPECT_EQ(parse_restriction(bad_date).err().field, "starts_on");
    auto negative = good;
    negative["max_gathering"] = -1;
    EXPECT_EQ(parse_restriction(negative).err().field, "max_gathering");
}

TEST(PlanParsing, ALiftNeedsEndsOnAndNothingElse) {
    EXPECT_TRUE(parse_restriction_patch({{"ends_on", "2020-06-01"}}).ok());
    auto cleared = parse_restriction_patch({{"ends_on", nullptr}});
    ASSERT_TRUE(cleared.ok());
    EXPECT_FALSE(cleared->ends_on.has_value());
    EXPECT_EQ(parse_restriction_patch(json::object()).err().field, "ends_on");
    EXPECT_EQ(
        parse_restriction_patch({{"ends_on", "2020-06-01"}, {"max_gathering", 3}}).err().field,
        "max_gathering");
}

TEST(PlanParsing, ValidatesTrainingEnumsAndDefaults) {
    json t = {{"title", "Pemasaran digital"},
              {"region_code", "62.71"},
              {"funding_source_id", 1},
              {"planned_mode", "in_person"},
              {"switch_policy", "auto"}};
    auto ok = parse_training(t);
    ASSERT_TRUE(ok.ok()) << ok.err().message;
    EXPECT_EQ(ok->min_attendance_pct, 80);
    EXPECT_EQ(ok->pass_score, 60);
    auto bad_mode = t;
    bad_mode["planned_mode"] = "offline";
    EXPECT_EQ(parse_training(bad_mode).err().field, "planned_mode");
    auto bad_policy = t;
    bad_policy["switch_policy"] = "sometimes";
    EXPECT_EQ(parse_training(bad_policy).err().field, "switch_policy");
    auto bad_pct = t;
    bad_pct["min_attendance_pct"] = 120;
    EXPECT_EQ(parse_training(bad_pct).err().field, "min_attendance_pct");
}

TEST(PlanParsing, ATrainingPatchChangesOnlyWhatItNames) {
    training t;
    t.title = "Lama";
    t.region_code = "62.71";
    t.funding_source_id = 3;
    t.room_capacity = 20;
    auto p =
        parse_training_patch({{"title", "Baru"}, {"pass_score", 70}, {"planned_mode", "hybrid"}});
    ASSERT_TRUE(p.ok()) << p.err().message;
    auto changed = apply_patch(t, *p);
    EXPECT_EQ(changed.title, "Baru");
    EXPECT_EQ(changed.pass_score, 70);
    EXPECT_EQ(changed.planned_mode, delivery_mode::hybrid);
    EXPECT_EQ(changed.min_attendance_pct, 80);
    EXPECT_EQ(changed.room_capacity, 20);
    EXPECT_EQ(changed.region_code, "62.71");
    auto cleared = parse_training_patch({{"room_capacity", nullptr}});
    ASSERT_TRUE(cleared.ok());
    EXPECT_FALSE(apply_patch(t, *cleared).room_capacity.has_value());
    EXPECT_EQ(parse_training_patch({{"region_code", "62.03"}}).err().field, "region_code");
    EXPECT_EQ(parse_training_patch({{"funding_source_id", 2}}).err().field, "funding_source_id");
    EXPECT_EQ(parse_training_patch({{"pass_score", 101}}).err().field, "pass_score");
    EXPECT_EQ(parse_training_patch({{"title", ""}}).err().field, "title");
    EXPECT_EQ(parse_training_patch({{"switch_policy", "never"}}).err().field, "switch_policy");
    EXPECT_EQ(parse_training_patch({{"room_capacity", 0}}).err().field, "room_capacity");
    EXPECT_EQ(parse_training_patch(json::object()).err().code, "empty_patch");
}

TEST(PlanParsing, RequiresASessionToEndAfterItStarts) {
    json s = {{"title", "Sesi 1"},
              {"starts_at", "2020-05-11T09:00:00+07:00"},
              {"ends_at", "2020-05-11T08:00:00+07:00"}};
    EXPECT_EQ(parse_session(s).err().field, "ends_at");
    s["ends_at"] = "2020-05-12T09:00:00+07:00";
    EXPECT_EQ(parse_session(s).err().field, "ends_at");  // longer than 12 hours
    s["ends_at"] = "2020-05-11T11:00:00+07:00";
    EXPECT_TRUE(parse_session(s).ok());
}

TEST(PlanParsing, NamesTheSlideThatIsWrong) {
    json s = {{"title", "Sesi 1"},
              {"starts_at", "2020-05-11T09:00:00+07:00"},
              {"ends_at", "2020-05-11T11:00:00+07:00"},
              {"slides",
               {{{"title", "Pembuka"}, {"body", "Selamat datang"}}, {{"body", "tanpa judul"}}}}};
    auto r = parse_session(s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().field, "slides[1].title");
    s["slides"][1]["title"] = "Isi";
    s["slides"][1]["body"] = std::string(slide_body_limit + 1, 'x');
    EXPECT_EQ(parse_session(s).err().field, "slides[1].body");
}

TEST(PlanParsing, ReadsDeliveryRequests) {
    auto approve =
        parse_delivery_request({{"mode", "online"}, {"reason", "disetujui kepala dinas"}});
    ASSERT_TRUE(approve.ok());
    EXPECT_EQ(approve->action, delivery_request::kind::set_mode);
    auto postpone = parse_delivery_request({{"action", "postpone"}, {"reason", "menunggu juknis"}});
    ASSERT_TRUE(postpone.ok());
    EXPECT_EQ(postpone->action, delivery_request::kind::postpone);
    EXPECT_EQ(parse_delivery_request({{"mode", "online"}}).err().field, "reason");
    EXPECT_EQ(parse_delivery_request({{"action", "explode"}, {"reason", "x"}}).err().field,
              "action");
    EXPECT_TRUE(parse_delivery_request({{"action", "clear"}}).ok());
}

TEST(PlanParsing, ReadsUsernameCsvWithOrWithoutHeader) {
    auto r = parse_username_csv("username\npeserta01\npeserta02\npeserta01\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->size(), 2u);
    EXPECT_TRUE(parse_username_csv("peserta01\n").ok());
    EXPECT_FALSE(parse_username_csv("a,b\n").ok());
}

TEST(PlanParsing, ValidatesFundingSources) {
    json f = {{"code", "DAK-2020-KUKM"},
              {"name", "DAK Nonfisik PK2UKM"},
              {"kind", "DAK"},
              {"fiscal_year", 2020},
              {"amount_idr", 1500000000}};
    EXPECT_TRUE(parse_funding_source(f).ok());
    f["kind"] = "loan";
    EXPECT_EQ(parse_funding_source(f).err().field, "kind");
}

TEST(PlanParsing, RefusesControlCharactersInTitlesAndLabelsButKeepsLinesInDescriptions) {
    json t = {{"title", std::string("Pemasaran\0digital", 17)},
              {"region_code", "62.71"},
              {"funding_source_id", 1},
              {"planned_mode", "online"},
              {"switch_policy", "auto"}};
    EXPECT_EQ(parse_training(t).err().field, "title");
    t["title"] = "Pemasaran\ndigital";
    EXPECT_EQ(parse_training(t).err().field, "title");
    t["title"] = "Pemasaran digital";
    t["description"] = "Baris satu\nBaris dua\ttab";
    EXPECT_TRUE(parse_training(t).ok());
    t["description"] = std::string("bel\a");
    EXPECT_EQ(parse_training(t).err().field, "description");
    json r = {{"starts_on", "2020-05-11"},
              {"max_gathering", 5},
              {"label", "PS\rBB"},
              {"reference", "Perwali"}};
    EXPECT_EQ(parse_restriction(r).err().field, "label");
}
