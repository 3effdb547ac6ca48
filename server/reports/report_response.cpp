#include "server/reports/report_response.hpp"

#include <algorithm>
#include <cctype>

#include "server/rules/local_time.hpp"
#include "storage/region_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

int region_offset(connection& c, const std::string& region_code) {
    auto r = storage::find_region(c, region_code);
    return r ? r->utc_offset_minutes : default_utc_offset_minutes;
}

// ---- formats

report_request parse_report_request(const http_request& req) {
    report_request r;
    const auto format = req.query_param("format").value_or("json");
    if (format == "json")
        r.format = report_format::json;
    else if (format == "csv")
        r.format = report_format::csv;
    else if (format == "xlsx")
        r.format = report_format::xlsx;
    else
        throw http_error(400, "invalid_query", "format must be json, csv or xlsx", "format");
    const auto lang = req.query_param("lang").value_or("id");
    if (lang != "id" && lang != "en")
        throw http_error(400, "invalid_query", "lang must be id or en", "lang");
    r.english = lang == "en";
    return r;
}

http_response report_response(const report_request& r, const json& body, report_file table,
                              unix_seconds now) {
    if (r.format == report_format::json) return json_response(200, body);
    table.english = r.english;
    const auto date = format_date(local_day(now, table.utc_offset_minutes));
    // A file name that needs no quoting or escaping in the header.
    for (auto& ch : table.stem) {
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
            ch = '-';
    }
    http_response res;
    const auto stem = table.stem;
    if (r.format == report_format::csv) {
        res.stream = csv_stream(std::move(table));
        res.set_header("Content-Type", "text/csv; charset=utf-8");
        res.set_header("Content-Disposition",
                       "attachment; filename=\"" + stem + "-" + date + ".csv\"");
    } else {
        res.stream = xlsx_stream(table);
        res.set_header("Content-Type",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        res.set_header("Content-Disposition",
                       "attachment; filename=\"" + stem + "-" + date + ".xlsx\"");
    }
    res.set_header("Cache-Control", "no-store");
    return res;
}

namespace {

class json_rows_source : public body_source {
  public:
    explicit json_rows_source(json_rows body) : body_(std::move(body)) {}
    std::optional<std::string> next() override {
        if (done_) return std::nullopt;
        std::string out;
        if (at_ == 0 && !started_) {
            started_ = true;
            out = "{\"rows\":[";
        }
        const auto end = std::min(body_.count, at_ + rows_per_piece);
        for (; at_ < end; ++at_) {
            if (at_) out += ',';
            out += dump(body_.row(at_));
        }
        if (at_ == body_.count) {
            out += ']';
            auto head = dump(body_.head);  // "{...}" or "{}"
            if (head.size() > 2) out += "," + head.substr(1, head.size() - 2);
            out += '}';
            done_ = true;
        }
        return out;
    }

  private:
    static constexpr std::size_t rows_per_piece = 250;
    json_rows body_;
    std::size_t at_ = 0;
    bool started_ = false;
    bool done_ = false;
};

}  // namespace

http_response report_response(const report_request& r, json_rows body, report_file table,
                              unix_seconds now) {
    if (r.format != report_format::json) return report_response(r, json(), std::move(table), now);
    if (body.count < json_stream_threshold) {
        auto whole = std::move(body.head);
        auto rows = json::array();
        for (std::size_t i = 0; i < body.count; ++i) rows.push_back(body.row(i));
        whole["rows"] = std::move(rows);
        return json_response(200, whole);
    }
    http_response res;
    res.set_header("Content-Type", "application/json; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    res.stream = std::make_shared<json_rows_source>(std::move(body));
    return res;
}

}  // namespace daring::server
