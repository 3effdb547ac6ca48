#include "protocol/csv.hpp"

namespace daring::protocol {

result<std::vector<csv_record>> parse_csv(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::vector<csv_record> records;
    csv_record current;
    std::string field;
    int line = 1;
    current.line = 1;
    bool in_quotes = false;
    bool field_was_quoted = false;
    bool record_has_content = false;

    auto end_field = [&] {
        current.fields.push_back(std::move(field));
        field.clear();
        field_was_quoted = false;
    };
    auto end_record = [&] {
        end_field();
        if (record_has_content) records.push_back(std::move(current));
        current = csv_record{};
        record_has_content = false;
    };

    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                if (c == '\n') ++line;
                field.push_back(c);
            }
            continue;
        }
        switch (c) {
            case '"':
                if (!field.empty() || field_was_quoted) {
                    return make_error("malformed_csv", "Line " + std::to_string(line) +
                                                           ": a quote inside an unquoted field");
                }
                in_quotes = true;
                field_was_quoted = true;
                record_has_content = true;
                break;
            case ',':
                end_field();
                record_has_content = true;
                break;
            case '\r':
                if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
                [[fallthrough]];
            case '\n':
                end_record();
                ++line;
                current.line = line;
                break;
            default:
                if (field_was_quoted) {
                    return make_error("malformed_csv", "Line " + std::to_string(line) +
                                                           ": text after a closing quote");
                }
                field.push_back(c);
                record_has_content = true;
        }
    }
    if (in_quotes) {
        return make_error("malformed_csv",
                          "Line " + std::to_string(current.line) + ": a quoted field never ends");
    }
    end_record();
    return records;
}

void append_csv_field(std::string& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (char c : field) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

}  // namespace daring::protocol
