#pragma once
// RFC 4180 CSV: parsing imports and writing exports.
#include <string>
#include <string_view>
#include <vector>

#include "protocol/error.hpp"

namespace daring::protocol {

struct csv_record {
    int line = 0;  // 1-based line on which the record starts
    std::vector<std::string> fields;
};

// Parses RFC 4180 text (a UTF-8 BOM, CRLF or LF line ends, quoted fields with "" escapes and
// embedded line breaks). Blank lines are skipped. Error `malformed_csv` names the line.
result<std::vector<csv_record>> parse_csv(std::string_view text);

// Appends one field, quoted when it holds a comma, quote, CR or LF.
void append_csv_field(std::string& out, std::string_view field);

}  // namespace daring::protocol
