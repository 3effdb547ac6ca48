#include "protocol/user.hpp"

#include <set>

#include "protocol/csv.hpp"
#include "protocol/validate.hpp"

namespace daring::protocol {

std::optional<role> parse_role(std::string_view text) {
    if (text == "admin") return role::admin;
    if (text == "trainer") return role::trainer;
    if (text == "trainee") return role::trainee;
    return std::nullopt;
}

std::string_view to_string(role r) {
    switch (r) {
        case role::admin:
            return "admin";
        case role::trainer:
            return "trainer";
        case role::trainee:
            return "trainee";
    }
    return "trainee";
}

namespace {

bool valid_username(std::string_view s) {
    if (s.size() < 3 || s.size() > username_max_length) return false;
    for (char c : s) {
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

bool valid_phone(std::string_view s) {
    if (s.size() < 6 || s.size() > 20) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool ok = (c >= '0' && c <= '9') || c == ' ' || c == '-' || (c == '+' && i == 0);
        if (!ok) return false;
    }
    return true;
}

}  // namespace

result<new_user> parse_new_user(const json& body) {
    if (!body.is_object()) return make_error("expected_object", "The body must be a JSON object");
    field_reader r(body);
    new_user u;
    auto username = r.required_line("username", 3, username_max_length);
    if (username && !valid_username(*username)) {
        r.fail("username", "username may hold only a-z, 0-9, '.', '_' and '-' (3 to 64)");
    }
    auto password = r.required_raw_string("password", password_min_length, password_max_length);
    auto full_name = r.required_line("full_name", 1, full_name_max_length);
    auto role_text = r.required_string("role", 1, 16);
    std::optional<role> parsed_role;
    if (role_text) {
        parsed_role = parse_role(*role_text);
        if (!parsed_role) r.fail("role", "role must be admin, trainer or trainee");
    }
    u.profile.nik = r.optional_line("nik", 16);
    if (r.ok() && !u.profile.nik.empty() &&
        (u.profile.nik.size() != 16 || !all_digits(u.profile.nik))) {
        r.fail("nik", "nik must be exactly 16 digits");
    }
    u.profile.phone = r.optional_line("phone", 20);
    if (r.ok() && !u.profile.phone.empty() && !valid_phone(u.profile.phone)) {
        r.fail("phone", "phone must be 6 to 20 digits, spaces or dashes, optionally after '+'");
    }
    u.profile.business_name = r.optional_line("business_name", 200);
    u.profile.business_sector = r.optional_string("business_sector", 100);
    u.profile.region_code = r.optional_string("region_code", 13);
    if (r.ok() && !u.profile.region_code.empty() && !valid_region_code(u.profile.region_code)) {
        r.fail("region_code", "region_code must look like 62 or 62.71");
    }
    if (!r.ok()) return r.first_error();
    u.username = *username;
    u.password = *password;
    u.full_name = *full_name;
    u.user_role = *parsed_role;
    return u;
}

result<login_request> parse_login_request(const json& body) {
    if (!body.is_object()) return make_error("expected_object", "The body must be a JSON object");
    field_reader r(body);
    auto username = r.required_string("username", 1, username_max_length);
    auto password = r.required_raw_string("password", 1, password_max_length);
    if (!r.ok()) return r.first_error();
    return login_request{*username, *password};
}

result<std::vector<user_import_row>> parse_user_import(std::string_view csv_text) {
    auto records = parse_csv(csv_text);
    if (!records) return records.err();
    if (records->empty()) return make_error("empty_csv", "The CSV has no header row");
    static const std::set<std::string> known = {
        "username", "password",      "full_name",       "role",       "nik",
        "phone",    "business_name", "business_sector", "region_code"};
    const auto& header = records->front().fields;
    std::vector<std::string> columns;
    for (const auto& h : header) {
        auto name = trim(h);
        if (!known.contains(name)) {
            return make_error("invalid_csv_header",
                              "Unknown column '" + name + "' in the header row", name);
        }
        columns.push_back(name);
    }
    if (records->size() == 1) return make_error("empty_csv", "The CSV has no data rows");
    if (records->size() - 1 > user_import_row_limit) {
        return make_error("too_many_rows",
                          "At most " + std::to_string(user_import_row_limit) + " users per import");
    }
    error problems = make_error("invalid_csv", "Some lines are invalid; nothing was imported");
    std::vector<user_import_row> users;
    std::set<std::string> seen;
    for (std::size_t i = 1; i < records->size(); ++i) {
        const auto& rec = (*records)[i];
        if (rec.fields.size() != columns.size()) {
            problems.lines.push_back({rec.line, "",
                                      "expected " + std::to_string(columns.size()) +
                                          " fields, found " + std::to_string(rec.fields.size())});
            continue;
        }
        json row = json::object();
        for (std::size_t c = 0; c < columns.size(); ++c) row[columns[c]] = rec.fields[c];
        auto parsed = parse_new_user(row);
        if (!parsed) {
            problems.lines.push_back({rec.line, parsed.err().field, parsed.err().message});
            continue;
        }
        if (!seen.insert(parsed->username).second) {
            problems.lines.push_back({rec.line, "username", "username appears twice in the file"});
            continue;
        }
        users.push_back({rec.line, std::move(*parsed)});
    }
    if (!problems.lines.empty()) return problems;
    return users;
}

json to_summary_json(const user& u) {
    return {{"id", u.id},
            {"username", u.username},
            {"full_name", u.full_name},
            {"role", to_string(u.user_role)}};
}

json to_json(const user& u) {
    json j = to_summary_json(u);
    auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    j["nik"] = opt(u.profile.nik);
    j["phone"] = opt(u.profile.phone);
    j["business_name"] = opt(u.profile.business_name);
    j["business_sector"] = opt(u.profile.business_sector);
    j["region_code"] = opt(u.profile.region_code);
    j["created_at"] = format_rfc3339(u.created_at);
    return j;
}

}  // namespace daring::protocol
