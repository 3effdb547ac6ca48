// Every request body parser, field by field: a value of any other JSON type than the field's own
// is refused, and the error names that field (null stands for "absent" in optional fields, which
// then take their default). Each table starts from a valid body.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "protocol/plan.hpp"
#include "protocol/quiz.hpp"
#include "protocol/user.hpp"

using namespace daring::protocol;

namespace {

// The field named by a refusal, or "(accepted)".
using parser = std::function<std::string(const json&)>;

template <class F>
parser named(F f) {
    return [f](const json& body) {
        auto r = f(body);
        return r.ok() ? std::string("(accepted)") : r.err().field;
    };
}

const json wrong_values[] = {
    json(nullptr),           json(true), json(7), json(2.5), json("teks"), json::array({1}),
    json::object({{"a", 1}})};

bool same_kind(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return a.is_number_integer() == b.is_number_integer();
    return a.type() == b.type();
}

struct table {
    const char* what;
    parser parse;
    json valid;
    std::set<std::string> optional;  // null is accepted as absent
};

void check(const table& t) {
    ASSERT_EQ(t.parse(t.valid), "(accepted)") << t.what << ": the valid body";
    for (auto it = t.valid.begin(); it != t.valid.end(); ++it) {
        for (const auto& wrong : wrong_values) {
            if (same_kind(wrong, it.value())) continue;
            if (wrong.is_null() && t.optional.contains(it.key())) continue;
            json body = t.valid;
            body[it.key()] = wrong;
            const auto field = t.parse(body);
            EXPECT_TRUE(field == it.key() || field.starts_with(it.key() + ".") ||
                        field.starts_with(it.key() + "["))
                << t.what << "." << it.key() << " = " << wrong.dump() << " gave " << field;
        }
    }
}

}  // namespace

TEST(ValidationTables, EveryPlanBodyRefusesEveryWrongTypeAtEveryField) {
    check({"region",
           named(parse_region),
           {{"code", "62.71"}, {"name", "Kota Palangka Raya"}, {"utc_offset_minutes", 420}},
           {}});
    check({"restriction",
           named(parse_restriction),
           {{"starts_on", "2020-05-11"},
            {"ends_on", "2020-06-07"},
            {"max_gathering", 5},
            {"label", "PSBB"},
            {"reference", "Perwali No. 12"}},
           {"ends_on"}});
    check({"restriction patch",
           named(parse_restriction_patch),
           {{"ends_on", "2020-06-07"}},
           {"ends_on"}});
    check({"funding source",
           named(parse_funding_source),
           {{"code", "DAK-2020"},
            {"name", "DAK Nonfisik"},
            {"kind", "DAK"},
            {"fiscal_year", 2020},
            {"amount_idr", 750000000}},
           {}});
    check({"training",
           named(parse_training),
           {{"title", "Pemasaran digital"},
            {"description", "Media sosial"},
            {"region_code", "62.71"},
            {"funding_source_id", 1},
            {"venue", "PLUT"},
            {"planned_mode", "online"},
            {"switch_policy", "auto"},
            {"min_attendance_pct", 80},
            {"pass_score", 60},
            {"room_capacity", 20}},
           {"description", "venue", "room_capacity", "min_attendance_pct", "pass_score"}});
    check({"session",
           named(parse_session),
           {{"title", "Sesi 1"},
            {"starts_at", "2026-12-01T09:00:00+07:00"},
            {"ends_at", "2026-12-01T11:00:00+07:00"},
            {"slides", json::array({{{"title", "S0"}, {"body", "Isi"}}})}},
           {"slides"}});
    check({"delivery by mode",
           named(parse_delivery_request),
           {{"mode", "online"}, {"reason", "PSBB"}},
           {}});
    check({"delivery by action",
           named(parse_delivery_request),
           {{"action", "postpone"}, {"reason", "Banjir"}},
           {}});
    check({"user ids", named(parse_user_ids), {{"user_ids", json::array({1, 2})}}, {}});
}

TEST(ValidationTables, EveryUserAndQuizBodyRefusesEveryWrongTypeAtEveryField) {
    check({"new user",
           named(parse_new_user),
           {{"username", "siti.r"},
            {"password", "rahasia-123"},
            {"full_name", "Siti"},
            {"role", "trainee"},
            {"nik", "6271011234567890"},
            {"phone", "+6281234567890"},
            {"business_name", "Keripik Siti"},
            {"business_sector", "kuliner"},
            {"region_code", "62.71"}},
           {"nik", "phone", "business_name", "business_sector", "region_code"}});
    check({"login",
           named(parse_login_request),
           {{"username", "siti.r"}, {"password", "rahasia-123"}},
           {}});
    check({"quiz",
           named(parse_quiz),
           {{"title", "Uji"},
            {"kind", "post_test"},
            {"shuffle", true},
            {"anonymous", false},
            {"partial_credit", false},
            {"questions", json::array({{{"type", "numeric"},
                                        {"prompt", "10% dari 100?"},
                                        {"correct", 10},
                                        {"tolerance", 0.5},
                                        {"points", 2}}})}},
           {"shuffle", "anonymous", "partial_credit"}});
    check({"quiz question",
           named(parse_quiz),
           {{"title", "Uji"},
            {"kind", "post_test"},
            {"questions", json::array({{{"type", "numeric"},
                                        {"prompt", "10% dari 100?"},
                                        {"correct", 10},
                                        {"tolerance", 0.5},
                                        {"points", 2}}})}},
           {}});
}

TEST(ValidationTables, EveryQuestionFieldRefusesEveryWrongType) {
    const json question = {{"type", "numeric"},
                           {"prompt", "10% dari 100?"},
                           {"correct", 10},
                           {"tolerance", 0.5},
                           {"points", 2}};
    for (auto it = question.begin(); it != question.end(); ++it) {
        for (const auto& wrong : wrong_values) {
            if (same_kind(wrong, it.value()) || (it.value().is_number() && wrong.is_number()))
                continue;  // numbers: 10 and 2.5 are both numbers to a numeric question
            if (wrong.is_null() && (it.key() == "tolerance" || it.key() == "points")) continue;
            json q = question;
            q[it.key()] = wrong;
            json body = {{"title", "Uji"}, {"kind", "post_test"}, {"questions", json::array({q})}};
            const auto field = named(parse_quiz)(body);
            EXPECT_EQ(field, "questions[0]." + it.key()) << it.key() << " = " << wrong.dump();
        }
    }
}

TEST(ValidationTables, EveryPatchBodyRefusesEveryWrongTypeAtEveryField) {
    check({"training patch",
           named(parse_training_patch),
           {{"title", "Pemasaran digital"},
            {"description", "Media sosial"},
            {"venue", "PLUT"},
            {"planned_mode", "online"},
            {"switch_policy", "auto"},
            {"min_attendance_pct", 80},
            {"pass_score", 60},
            {"room_capacity", 20}},
           {"description", "venue", "room_capacity"}});
    check({"session patch",
           named(parse_session_patch),
           {{"title", "Sesi 1"},
            {"starts_at", "2026-12-01T09:00:00+07:00"},
            {"ends_at", "2026-12-01T11:00:00+07:00"},
            {"slides", json::array({{{"title", "S0"}, {"body", "Isi"}}})}},
           {"slides"}});
}

TEST(ValidationTables, RegionOffsetsAreRealOnes) {
    json r = {{"code", "62.71"}, {"name", "Kota"}, {"utc_offset_minutes", 420}};
    for (int ok : {-720, -570, 0, 330, 345, 420, 480, 540, 840}) {
        r["utc_offset_minutes"] = ok;
        EXPECT_TRUE(parse_region(r).ok()) << ok;
    }
    for (int bad : {-735, 421, 425, 850, 7 * 3600}) {
        r["utc_offset_minutes"] = bad;
        ASSERT_FALSE(parse_region(r).ok()) << bad;
        EXPECT_EQ(parse_region(r).err().field, "utc_offset_minutes");
    }
}
