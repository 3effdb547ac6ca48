#pragma once
// How every report is answered: ?format=json|csv|xlsx and ?lang, JSON whole or streamed in
// pieces, CSV and XLSX as attachments named by the local date; the region's offset they use.
#include <cstddef>
#include <functional>
#include <string>

#include "protocol/json_text.hpp"
#include "server/http/http_types.hpp"
#include "server/reports/report_table.hpp"

namespace daring::storage {
class connection;
}  // namespace daring::storage

namespace daring::server {

// A region's fixed UTC offset (WIB when the region is unknown).
int region_offset(storage::connection& c, const std::string& region_code);

// ?format=json|csv|xlsx (400 otherwise) and ?lang=id|en.
struct report_request {
    report_format format = report_format::json;
    bool english = false;
};
report_request parse_report_request(const http_request& req);
// JSON as is; CSV or XLSX as an attachment named "<stem>-<local date>.<ext>".
http_response report_response(const report_request& r, const protocol::json& body,
                              report_file table, protocol::unix_seconds now);

// A JSON body {"rows": [...], <the fields of head>} whose rows are built `rows_per_piece` at a
// time as the response streams (count rows; row(i) builds the i-th). Small ones go out whole.
struct json_rows {
    protocol::json head;
    std::size_t count = 0;
    std::function<protocol::json(std::size_t)> row;
};
inline constexpr std::size_t json_stream_threshold = 200;  // rows; fewer are sent in one piece
http_response report_response(const report_request& r, json_rows body, report_file table,
                              protocol::unix_seconds now);

// A report with a head and rows (head_json, row_json), as one JSON object (the streamed form
// sends the same).
template <class Report>
protocol::json whole_json(const Report& r) {
    auto out = head_json(r);
    auto rows = protocol::json::array();
    for (const auto& row : r.rows) rows.push_back(row_json(r, row));
    out["rows"] = std::move(rows);
    return out;
}

}  // namespace daring::server
