#include "protocol/validate.hpp"

#include "protocol/time_format.hpp"

namespace daring::protocol {

std::optional<std::size_t> utf8_length(std::string_view s) {
    // Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            ++count;
            continue;
        }
        std::size_t n;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return std::nullopt;
        }
        if (i + n > s.size()) return std::nullopt;
        const auto second = static_cast<unsigned char>(s[i + 1]);
        if (second < lo || second > hi) return std::nullopt;
        for (std::size_t k = 2; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return std::nullopt;
        }
        i += n;
        ++count;
    }
    return count;
}

std::string trim(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

bool valid_region_code(std::string_view s) {
    if (s.size() < 2 || s.size() > 13) return false;
    std::size_t i = 0;
    int groups = 0;
    while (i < s.size()) {
        std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i - start < 2) return false;
        ++groups;
        if (i < s.size()) {
            if (s[i] != '.') return false;
            ++i;
            if (i == s.size()) return false;
        }
    }
    return groups <= 4;
}

field_reader::field_reader(const json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string field_reader::path(std::string_view name) const {
    return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

void field_reader::fail(std::string_view name, std::string message, std::string code) {
    if (!error_) error_ = make_error(std::move(code), std::move(message), path(name));
}

const json* field_reader::find(std::string_view name) {
    if (error_ || !object_.is_object()) return nullptr;
    auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
}

std::optional<std::string> field_reader::required_raw_string(std::string_view name,
                                                             std::size_t min_len,
                                                             std::size_t max_len) {
    if (error_) return std::nullopt;
    const json* v = find(name);
    if (!v) {
        fail(name, std::string(name) + " is required", "missing_field");
        return std::nullopt;
    }
    if (!v->is_string()) {
        fail(name, std::string(name) + " must be a string");
        return std::nullopt;
    }
    auto text = v->get<std::string>();
    auto len = utf8_length(text);
    if (!len) {
        fail(name, std::string(name) + " is not valid UTF-8");
        return std::nullopt;
    }
    if (*len < min_len || *len > max_len) {
        fail(name, std::string(name) + " must be " + std::to_string(min_len) + " to " +
                       std::to_string(max_len) + " characters");
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> field_reader::required_string(std::string_view name, std::size_t min_len,
                                                         std::size_t max_len) {
    if (error_) return std::nullopt;
    const json* v = find(name);
    if (v && v->is_string()) {
        auto trimmed = trim(v->get_ref<const std::string&>());
        json copy = trimmed;
        json holder = json::object();
        holder[std::string(name)] = std::move(copy);
        field_reader inner(holder, prefix_);
        auto out = inner.required_raw_string(name, min_len, max_len);
        if (!inner.ok()) error_ = inner.first_error();
        if (out && has_control_characters(*out, true)) {
            fail(name, std::string(name) + " must not contain control characters");
            return std::nullopt;
        }
        return out;
    }
    return required_raw_string(name, min_len, max_len);
}

std::optional<std::string> field_reader::required_line(std::string_view name, std::size_t min_len,
                                                       std::size_t max_len) {
    auto out = required_string(name, min_len, max_len);
    if (out && has_control_characters(*out, false)) {
        fail(name, std::string(name) + " must be one line without control characters");
        return std::nullopt;
    }
    return out;
}

std::string field_reader::optional_line(std::string_view name, std::size_t max_len) {
    if (error_ || !find(name)) return {};
    return required_line(name, 0, max_len).value_or(std::string{});
}

bool has_control_characters(std::string_view text, bool allow_breaks) {
    for (unsigned char c : text) {
        if (allow_breaks && (c == '\t' || c == '\n' || c == '\r')) continue;
        if (c < 0x20 || c == 0x7F) return true;
    }
    return false;
}

std::string field_reader::optional_string(std::string_view name, std::size_t max_len) {
    if (error_) return {};
    const json* v = find(name);
    if (!v) return {};
    auto out = required_string(name, 0, max_len);
    return out.value_or(std::string{});
}

std::optional<std::int64_t> field_reader::required_int(std::string_view name, std::int64_t min,
                                                       std::int64_t max) {
    if (error_) return std::nullopt;
    const json* v = find(name);
    if (!v) {
        fail(name, std::string(name) + " is required", "missing_field");
        return std::nullopt;
    }
    if (!v->is_number_integer()) {
        fail(name, std::string(name) + " must be an integer");
        return std::nullopt;
    }
    std::int64_t n = v->is_number_unsigned() && v->get<std::uint64_t>() > INT64_MAX
                         ? INT64_MAX
                         : v->get<std::int64_t>();
    if (n < min || n > max) {
        fail(name, std::string(name) + " must be between " + std::to_string(min) + " and " +
                       std::to_string(max));
        return std::nullopt;
    }
    return n;
}

bool field_reader::has(std::string_view name) const {
    return object_.is_object() && object_.contains(name);
}

std::optional<std::int64_t> field_reader::required_date(std::string_view name) {
    auto text = required_string(name, 10, 10);
    if (!text) {
        if (error_ && error_->code == "invalid_field")
            error_->message = std::string(name) + " must be a date YYYY-MM-DD";
        return std::nullopt;
    }
    auto d = parse_date(*text);
    if (!d) fail(name, std::string(name) + " must be a date YYYY-MM-DD");
    return d;
}

std::optional<std::int64_t> field_reader::optional_date(std::string_view name, bool* present) {
    if (present) *present = has(name);
    if (error_ || !find(name)) return std::nullopt;
    return required_date(name);
}

std::optional<std::int64_t> field_reader::required_time(std::string_view name) {
    auto text = required_string(name, 1, 40);
    if (!text) return std::nullopt;
    auto t = parse_rfc3339(*text);
    if (!t)
        fail(name, std::string(name) + " must be an RFC 3339 time, e.g. 2020-05-11T09:00:00+07:00");
    return t;
}

std::optional<std::int64_t> field_reader::optional_int(std::string_view name, std::int64_t min,
                                                       std::int64_t max) {
    if (error_ || !find(name)) return std::nullopt;
    return required_int(name, min, max);
}

std::optional<bool> field_reader::optional_bool(std::string_view name) {
    const json* v = find(name);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
        fail(name, std::string(name) + " must be true or false");
        return std::nullopt;
    }
    return v->get<bool>();
}

}  // namespace daring::protocol
