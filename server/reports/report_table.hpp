#pragma once
// Reports as tables, and their spreadsheet renderings: CSV (RFC 4180, UTF-8 with BOM) and XLSX
// (libxlsxwriter). Text cells that a spreadsheet could read as a formula (starting with = + - @,
// tab or CR) are prefixed with an apostrophe in both; numbers stay numbers and times are real
// date-times in the region's local time.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/json_text.hpp"
#include "protocol/time_format.hpp"
#include "server/http/http_types.hpp"

namespace daring::server {

enum class column_type { text, integer, number, datetime, date, boolean };

struct report_column {
    std::string title_id;  // Bahasa Indonesia (the default)
    std::string title_en;
    column_type type = column_type::text;
    double width = 0;  // XLSX column width in characters; 0: from the title and the data
};

// Empty, text, integer (also datetime as Unix seconds and date as days since the epoch),
// number, or boolean.
using report_cell = std::variant<std::monostate, std::string, std::int64_t, double, bool>;

struct report_sheet {
    std::string name;  // XLSX sheet name (at most 31 characters)
    std::vector<report_column> columns;
    std::vector<std::vector<report_cell>> rows;
};

struct report_file {
    std::string stem;  // file name without date and extension, e.g. "kehadiran-sesi-12"
    std::vector<report_sheet> sheets;
    int utc_offset_minutes =
        protocol::default_utc_offset_minutes;  // times are shown at this offset
    bool english = false;                      // column titles in English
};

enum class report_format { json, csv, xlsx };

// The text as it goes into a spreadsheet cell: unchanged unless it could start a formula.
std::string neutralise(std::string_view text);

// The first sheet as CSV: BOM, a header row, CRLF line ends, fields quoted when needed.
std::string to_csv(const report_file& f);
// Every sheet, with a bold frozen header row, column widths, and typed cells. Throws
// std::runtime_error when libxlsxwriter fails.
std::string to_xlsx(const report_file& f);

// The same as streamed bodies: CSV rendered `rows_per_piece` rows at a time; XLSX written to a
// temporary file (libxlsxwriter in constant-memory mode) and sent in 64 KiB pieces, the file
// removed when the source is destroyed.
std::shared_ptr<body_source> csv_stream(report_file f, std::size_t rows_per_piece = 1000);
std::shared_ptr<body_source> xlsx_stream(const report_file& f);

// An optional number as a cell (empty when absent) and as JSON (null when absent).
report_cell number_cell(const std::optional<double>& v);
protocol::json number_or_null(const std::optional<double>& v);
// A text as JSON, null when empty (an unknown NIB or e-mail).
protocol::json text_or_null(const std::string& v);
// Rounded to two decimals, as reports show rates and scores.
double round2(double v);

}  // namespace daring::server
