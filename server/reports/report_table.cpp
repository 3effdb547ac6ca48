#include "server/reports/report_table.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "server/rules/local_time.hpp"

namespace daring::server {

namespace {

std::string two(unsigned v) {
    char b[4];
    std::snprintf(b, sizeof b, "%02u", v);
    return b;
}

struct local_time {
    int year;
    unsigned month, day, hour, minute, second;
};

local_time local_of(protocol::unix_seconds t, int offset_minutes) {
    const auto local = t + offset_minutes * 60;
    auto days = local / 86400;
    auto rest = local % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    local_time out{};
    protocol::civil_from_days(days, out.year, out.month, out.day);
    out.hour = static_cast<unsigned>(rest / 3600);
    out.minute = static_cast<unsigned>(rest % 3600 / 60);
    out.second = static_cast<unsigned>(rest % 60);
    return out;
}

std::string format_number(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
        return std::to_string(static_cast<long long>(v));
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    return b;
}

const std::string& title_of(const report_column& c, bool english) {
    return english && !c.title_en.empty() ? c.title_en : c.title_id;
}

// A cell as CSV text (before quoting).
std::string csv_text(const report_cell& cell, column_type type, int offset, bool english) {
    if (std::holds_alternative<std::monostate>(cell)) return {};
    if (auto* s = std::get_if<std::string>(&cell)) return neutralise(*s);
    if (auto* b = std::get_if<bool>(&cell))
        return *b ? (english ? "yes" : "ya") : (english ? "no" : "tidak");
    if (auto* d = std::get_if<double>(&cell)) return format_number(*d);
    const auto v = std::get<std::int64_t>(cell);
    if (type == column_type::datetime) {
        const auto t = local_of(v, offset);
        return std::to_string(t.year) + "-" + two(t.month) + "-" + two(t.day) + " " + two(t.hour) +
               ":" + two(t.minute) + ":" + two(t.second);
    }
    if (type == column_type::date) return protocol::format_date(v);
    return std::to_string(v);
}

void append_csv_field(std::string& out, const std::string& field) {
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
        out += field;
        return;
    }
    out += '"';
    for (char ch : field) {
        if (ch == '"') out += '"';
        out += ch;
    }
    out += '"';
}

// Removes the file when it goes out of scope.
struct temp_file {
    std::string path;
    temp_file() {
        auto dir = std::filesystem::temp_directory_path() / "daring-xlsx-XXXXXX";
        std::string pattern = dir.string();
        int fd = ::mkstemp(pattern.data());
        if (fd < 0) throw std::runtime_error("cannot create a temporary file for XLSX");
        ::close(fd);
        path = pattern;
    }
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

// Sheet names: at most 31 characters, none of []:*?/\ .
std::string sheet_name(const std::string& name, std::size_t index) {
    std::string out;
    for (char ch : name) {
        if (std::string_view("[]:*?/\\").find(ch) == std::string_view::npos) out += ch;
    }
    if (out.empty()) out = "Sheet" + std::to_string(index + 1);
    if (out.size() > 31) {
        out.resize(31);
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
            out.pop_back();  // UTF-8
        if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0xC0) out.pop_back();
    }
    return out;
}

std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
}

}  // namespace

std::string neutralise(std::string_view text) {
    if (!text.empty() &&
        std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
        return "'" + std::string(text);
    }
    return std::string(text);
}

namespace {

std::string csv_header(const report_file& f) {
    std::string out = "\xEF\xBB\xBF";
    if (f.sheets.empty()) return out;
    const auto& sheet = f.sheets.front();
    const auto zone = zone_name(f.utc_offset_minutes);
    for (std::size_t i = 0; i < sheet.columns.size(); ++i) {
        if (i) out += ',';
        auto title = title_of(sheet.columns[i], f.english);
        if (sheet.columns[i].type == column_type::datetime) title += " (" + zone + ")";
        append_csv_field(out, neutralise(title));
    }
    out += "\r\n";
    return out;
}

void append_csv_rows(std::string& out, const report_file& f, std::size_t from, std::size_t to) {
    const auto& sheet = f.sheets.front();
    for (std::size_t r = from; r < to; ++r) {
        const auto& row = sheet.rows[r];
        for (std::size_t i = 0; i < sheet.columns.size(); ++i) {
            if (i) out += ',';
            if (i < row.size())
                append_csv_field(
                    out, csv_text(row[i], sheet.columns[i].type, f.utc_offset_minutes, f.english));
        }
        out += "\r\n";
    }
}

class csv_source : public body_source {
  public:
    csv_source(report_file f, std::size_t rows_per_piece)
        : f_(std::move(f)), step_(std::max<std::size_t>(1, rows_per_piece)) {}
    std::optional<std::string> next() override {
        if (!header_sent_) {
            header_sent_ = true;
            return csv_header(f_);
        }
        if (f_.sheets.empty() || at_ >= f_.sheets.front().rows.size()) return std::nullopt;
        const auto end = std::min(f_.sheets.front().rows.size(), at_ + step_);
        std::string out;
        append_csv_rows(out, f_, at_, end);
        at_ = end;
        return out;
    }

  private:
    report_file f_;
    std::size_t step_;
    std::size_t at_ = 0;
    bool header_sent_ = false;
};

class file_source : public body_source {
  public:
    explicit file_source(std::unique_ptr<temp_file> file)
        : file_(std::move(file)), in_(file_->path, std::ios::binary) {}
    std::optional<std::string> next() override {
        std::string piece(64 * 1024, '\0');
        in_.read(piece.data(), static_cast<std::streamsize>(piece.size()));
        piece.resize(static_cast<std::size_t>(in_.gcount()));
        if (piece.empty()) return std::nullopt;
        return piece;
    }

  private:
    std::unique_ptr<temp_file> file_;
    std::ifstream in_;
};

void write_xlsx(const report_file& f, const std::string& path);

}  // namespace

std::string to_csv(const report_file& f) {
    std::string out = csv_header(f);
    if (!f.sheets.empty()) append_csv_rows(out, f, 0, f.sheets.front().rows.size());
    return out;
}

std::shared_ptr<body_source> csv_stream(report_file f, std::size_t rows_per_piece) {
    return std::make_shared<csv_source>(std::move(f), rows_per_piece);
}

std::shared_ptr<body_source> xlsx_stream(const report_file& f) {
    auto file = std::make_unique<temp_file>();
    write_xlsx(f, file->path);
    return std::make_shared<file_source>(std::move(file));
}

std::string to_xlsx(const report_file& f) {
    temp_file file;
    write_xlsx(f, file.path);
    std::ifstream in(file.path, std::ios::binary);
    std::ostringstream data;
    data << in.rdbuf();
    return data.str();
}

namespace {

struct xlsx_formats {
    lxw_format* header;
    lxw_format* when;
    lxw_format* day;
    lxw_format* decimal;
};

xlsx_formats add_formats(lxw_workbook* wb) {
    xlsx_formats f{workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb),
                   workbook_add_format(wb)};
    format_set_bold(f.header);
    format_set_bg_color(f.header, 0xE8EEF4);
    format_set_text_wrap(f.header);
    format_set_num_format(f.when, "yyyy-mm-dd hh:mm:ss");
    format_set_num_format(f.day, "yyyy-mm-dd");
    format_set_num_format(f.decimal, "0.00");
    return f;
}

// A column's width: as declared, else from its title and the first 200 rows' text.
std::size_t column_width(const report_sheet& sheet, std::size_t i, bool english) {
    const auto& col = sheet.columns[i];
    if (col.width > 0) return static_cast<std::size_t>(col.width);
    std::size_t w = std::min<std::size_t>(display_width(title_of(col, english)) + 2, 30);
    if (col.type == column_type::datetime) w = std::max<std::size_t>(w, 20);
    if (col.type == column_type::date) w = std::max<std::size_t>(w, 12);
    const std::size_t sample = std::min<std::size_t>(sheet.rows.size(), 200);
    for (std::size_t r = 0; r < sample; ++r) {
        if (i < sheet.rows[r].size())
            if (auto* t = std::get_if<std::string>(&sheet.rows[r][i]))
                w = std::max(w, std::min<std::size_t>(display_width(*t) + 2, 60));
    }
    return std::max<std::size_t>(w, 8);
}

void write_time(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, std::int64_t v, column_type type,
                int utc_offset_minutes, const xlsx_formats& formats) {
    const bool date = type == column_type::date;
    const auto t = date ? local_of(v * 86400, 0) : local_of(v, utc_offset_minutes);
    lxw_datetime dt{t.year,
                    static_cast<int>(t.month),
                    static_cast<int>(t.day),
                    date ? 0 : static_cast<int>(t.hour),
                    date ? 0 : static_cast<int>(t.minute),
                    date ? 0.0 : static_cast<double>(t.second)};
    worksheet_write_datetime(ws, row, col, &dt, date ? formats.day : formats.when);
}

void write_cell(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const report_cell& cell,
                column_type type, int utc_offset_minutes, const xlsx_formats& formats) {
    if (std::holds_alternative<std::monostate>(cell)) return;
    if (auto* t = std::get_if<std::string>(&cell)) {
        worksheet_write_string(ws, row, col, neutralise(*t).c_str(), nullptr);
    } else if (auto* b = std::get_if<bool>(&cell)) {
        worksheet_write_boolean(ws, row, col, *b, nullptr);
    } else if (auto* d = std::get_if<double>(&cell)) {
        worksheet_write_number(ws, row, col, *d, formats.decimal);
    } else if (type == column_type::datetime || type == column_type::date) {
        write_time(ws, row, col, std::get<std::int64_t>(cell), type, utc_offset_minutes, formats);
    } else {
        worksheet_write_number(ws, row, col, static_cast<double>(std::get<std::int64_t>(cell)),
                               nullptr);
    }
}

void write_sheet(lxw_worksheet* ws, const report_sheet& sheet, const report_file& f,
                 const xlsx_formats& formats) {
    // Widths before any cell (constant-memory mode writes rows as they come).
    for (std::size_t i = 0; i < sheet.columns.size(); ++i) {
        worksheet_set_column(ws, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i),
                             static_cast<double>(column_width(sheet, i, f.english)), nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    const auto zone = zone_name(f.utc_offset_minutes);
    for (std::size_t i = 0; i < sheet.columns.size(); ++i) {
        auto title = title_of(sheet.columns[i], f.english);
        if (sheet.columns[i].type == column_type::datetime) title += " (" + zone + ")";
        worksheet_write_string(ws, 0, static_cast<lxw_col_t>(i), neutralise(title).c_str(),
                               formats.header);
    }
    for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
        const auto& cells = sheet.rows[r];
        for (std::size_t i = 0; i < sheet.columns.size() && i < cells.size(); ++i) {
            write_cell(ws, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(i), cells[i],
                       sheet.columns[i].type, f.utc_offset_minutes, formats);
        }
    }
}

void write_xlsx(const report_file& f, const std::string& path) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;  // rows are written in order and flushed as they go
    std::string tmpdir = std::filesystem::temp_directory_path().string();
    options.tmpdir = tmpdir.data();
    lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
    if (!wb) throw std::runtime_error("libxlsxwriter could not create a workbook");
    const auto formats = add_formats(wb);
    for (std::size_t s = 0; s < f.sheets.size(); ++s) {
        const auto name = sheet_name(f.sheets[s].name, s);
        lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
        if (!ws) {
            workbook_close(wb);
            throw std::runtime_error("libxlsxwriter refused sheet " + name);
        }
        write_sheet(ws, f.sheets[s], f, formats);
    }
    if (workbook_close(wb) != LXW_NO_ERROR)
        throw std::runtime_error("libxlsxwriter could not write the workbook");
}

}  // namespace

report_cell number_cell(const std::optional<double>& v) {
    return v ? report_cell(*v) : report_cell();
}

protocol::json number_or_null(const std::optional<double>& v) {
    return v ? protocol::json(*v) : protocol::json(nullptr);
}

protocol::json text_or_null(const std::string& v) {
    return v.empty() ? protocol::json(nullptr) : protocol::json(v);
}

double round2(double v) {
    return std::round(v * 100.0) / 100.0;
}

}  // namespace daring::server
