#include "protocol/json_text.hpp"

namespace daring::protocol {

int json_nesting_depth(std::string_view text) {
    int depth = 0;
    int deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                break;
            case '[':
            case '{':
                if (++depth > deepest) deepest = depth;
                break;
            case ']':
            case '}':
                if (depth > 0) --depth;
                break;
            default:
                break;
        }
    }
    return deepest;
}

result<json> parse_json(std::string_view text) {
    if (json_nesting_depth(text) > json_depth_limit) {
        return make_error("json_too_deep", "JSON nesting is deeper than " +
                                               std::to_string(json_depth_limit) + " levels");
    }
    json value = json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded()) return make_error("malformed_json", "The body is not valid JSON");
    return value;
}

result<json> parse_json_object(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed) return parsed;
    if (!parsed->is_object())
        return make_error("expected_object", "The body must be a JSON object");
    return parsed;
}

std::string dump(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace daring::protocol
