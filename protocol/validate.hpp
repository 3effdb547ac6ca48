#pragma once
// Reading fields out of an untrusted JSON object with field-named errors.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/error.hpp"
#include "protocol/json_text.hpp"

namespace daring::protocol {

// Reads typed fields from a JSON object. The first problem is kept (code `invalid_field` or
// `missing_field`, with the field's path); later reads after a failure return nullopt.
class field_reader {
  public:
    explicit field_reader(const json& object, std::string prefix = {});

    // Strings are counted in UTF-8 code points, trimmed of surrounding spaces.
    std::optional<std::string> required_string(std::string_view name, std::size_t min_len,
                                               std::size_t max_len);
    // Missing or null -> empty string.
    std::string optional_string(std::string_view name, std::size_t max_len);
    // Names, titles, labels: one line, so no control character at all (the strings above
    // refuse every control character but tab, line feed and carriage return).
    std::optional<std::string> required_line(std::string_view name, std::size_t min_len,
                                             std::size_t max_len);
    std::string optional_line(std::string_view name, std::size_t max_len);
    std::optional<std::int64_t> required_int(std::string_view name, std::int64_t min,
                                             std::int64_t max);
    std::optional<std::int64_t> optional_int(std::string_view name, std::int64_t min,
                                             std::int64_t max);
    // Absent or null -> nullopt; anything but true or false is an error.
    std::optional<bool> optional_bool(std::string_view name);
    // Password-like strings are not trimmed.
    std::optional<std::string> required_raw_string(std::string_view name, std::size_t min_len,
                                                   std::size_t max_len);

    // "YYYY-MM-DD" as days since the epoch.
    std::optional<std::int64_t> required_date(std::string_view name);
    // Absent -> nullopt without error; `present` tells whether the field was there (null counts
    // as present and absent value, so PATCH can clear it).
    std::optional<std::int64_t> optional_date(std::string_view name, bool* present = nullptr);
    // RFC 3339 with any offset, as Unix seconds.
    std::optional<std::int64_t> required_time(std::string_view name);
    bool has(std::string_view name) const;

    // Keeps `e` (with its own field path) unless an error is already kept.
    void fail_with(error e) {
        if (!error_) error_ = std::move(e);
    }
    void fail(std::string_view name, std::string message, std::string code = "invalid_field");
    bool ok() const { return !error_; }
    const error& first_error() const { return *error_; }
    // The path of a nested field, for a reader of a nested object ("slides[2].page").
    std::string path_of(std::string_view name) const { return path(name); }

  private:
    const json* find(std::string_view name);
    std::string path(std::string_view name) const;

    const json& object_;
    std::string prefix_;
    std::optional<error> error_;
};

// Whether `text` holds a C0 control character or DEL (`allow_breaks`: tab, LF and CR pass).
bool has_control_characters(std::string_view text, bool allow_breaks);
// Number of code points in UTF-8 text; nullopt when the bytes are not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);
std::string trim(std::string_view text);
// Kemendagri region codes: "62", "62.71", "62.71.01" (two or more digits per group).
bool valid_region_code(std::string_view code);

}  // namespace daring::protocol
