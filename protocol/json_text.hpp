#pragma once
// Parsing untrusted JSON text. nlohmann's dump() and destructor recurse, so nesting depth is
// bounded before the parser ever builds a value.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "protocol/error.hpp"

namespace daring::protocol {

using json = nlohmann::json;

inline constexpr int json_depth_limit = 32;

// Deepest nesting of arrays/objects in `text`, counting only brackets outside strings.
int json_nesting_depth(std::string_view text);

// Errors: `malformed_json` (not JSON), `json_too_deep` (nesting > json_depth_limit).
result<json> parse_json(std::string_view text);

// Like parse_json, and the value must be an object (`expected_object` otherwise).
result<json> parse_json_object(std::string_view text);

// Compact dump that never throws on invalid UTF-8 (replaces it).
std::string dump(const json& value);

}  // namespace daring::protocol
