#include "server/reports/report_table.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

TEST(ReportTable, NeutralisesEveryFormulaStarterAndNothingElse) {
    for (const char* bad : {"=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx", "=HYPERLINK(\"x\")"}) {
        EXPECT_EQ(neutralise(bad), std::string("'") + bad) << bad;
    }
    for (const char* fine : {"Siti Aminah", "1-2", "a=b", "", " =x", "'quoted"})
        EXPECT_EQ(neutralise(fine), fine) << fine;
}

TEST(ReportTable, CsvIsRfc4180WithBomCrlfAndTypedCells) {
    report_file f;
    f.stem = "x";
    f.utc_offset_minutes = 480;  // WITA
    report_sheet s;
    s.columns = {
        {"Nama", "Name", column_type::text},       {"Angka", "Number", column_type::number},
        {"Waktu", "Time", column_type::datetime},  {"Tanggal", "Date", column_type::date},
        {"Lulus", "Passed", column_type::boolean}, {"Bilangan", "Integer", column_type::integer}};
    s.rows.push_back({std::string("Koma, \"kutip\"\nbaris"), -12.5, std::int64_t{0},
                      std::int64_t{18813}, true, std::int64_t{-3}});
    s.rows.push_back({std::string("-1"), 2.0, report_cell(), report_cell(), false, report_cell()});
    f.sheets.push_back(s);
    EXPECT_EQ(to_csv(f),
              "\xEF\xBB\xBF"
              "Nama,Angka,Waktu (WITA),Tanggal,Lulus,Bilangan\r\n"
              "\"Koma, \"\"kutip\"\"\nbaris\",-12.50,1970-01-01 08:00:00,2021-07-05,ya,-3\r\n"
              "'-1,2,,,tidak,\r\n");
    f.english = true;
    EXPECT_EQ(to_csv(f).substr(3, 45), "Name,Number,Time (WITA),Date,Passed,Integer\r\n");
}

TEST(ReportTable, XlsxIsAZipWorkbook) {
    report_file f;
    report_sheet s;
    s.name = "Nama/dengan:karakter*terlarang[dan]sangat panjang sekali";
    s.columns = {{"Nama", "Name", column_type::text}};
    for (int i = 0; i < 1000; ++i) s.rows.push_back({std::string("=baris ") + std::to_string(i)});
    f.sheets.push_back(s);
    const auto bytes = to_xlsx(f);
    ASSERT_GT(bytes.size(), 1000u);
    EXPECT_EQ(bytes.substr(0, 2), "PK");
}

#include "server/reports/report_response.hpp"

TEST(ReportStreaming, LargeJsonReportsGoOutInPiecesThatParseToTheWholeDocument) {
    using daring::protocol::json;
    const std::size_t n = 1000;
    json_rows body{
        {{"training", {{"id", 7}}}, {"sessions_held", 3}}, n, [](std::size_t i) {
            return json{{"user_id", i}, {"full_name", "Peserta \"" + std::to_string(i) + "\""}};
        }};
    auto res = report_response(report_request{}, body, report_file{}, 0);
    ASSERT_TRUE(res.stream);
    EXPECT_TRUE(res.body.empty());
    std::string whole;
    int pieces = 0;
    while (auto piece = res.stream->next()) {
        whole += *piece;
        ++pieces;
    }
    EXPECT_GT(pieces, 3);
    const auto doc = json::parse(whole);
    EXPECT_EQ(doc["training"]["id"], 7);
    EXPECT_EQ(doc["sessions_held"], 3);
    ASSERT_EQ(doc["rows"].size(), n);
    EXPECT_EQ(doc["rows"][999]["full_name"], "Peserta \"999\"");
    // Small reports are sent whole.
    body.count = 3;
    auto small = report_response(report_request{}, body, report_file{}, 0);
    EXPECT_FALSE(small.stream);
    EXPECT_EQ(json::parse(small.body)["rows"].size(), 3u);
    // An empty report streams as an empty array too.
    json_rows none{json::object(), 0, [](std::size_t) { return json(); }};
    EXPECT_EQ(json::parse(report_response(report_request{}, none, report_file{}, 0).body)["rows"],
              json::array());
}
