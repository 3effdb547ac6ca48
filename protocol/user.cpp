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

bool digits_of_length(std::string_view s, std::size_t n) {
    return s.size() == n && all_digits(s);
}

const char* const phone_message =
    "phone must be a phone number: 08..., +62... or a landline, 6 to 15 digits";

// The profile fields new users and patches share; `present` tells whether to read each.
void read_profile_field(field_reader& r, const std::string& name, std::string& out) {
    if (name == "nik") {
        out = r.optional_line("nik", 16);
        if (r.ok() && !out.empty() && !digits_of_length(out, 16))
            r.fail("nik", "nik must be exactly 16 digits");
    } else if (name == "nib") {
        out = r.optional_line("nib", 13);
        if (r.ok() && !out.empty() && !digits_of_length(out, 13))
            r.fail("nib", "nib must be exactly 13 digits");
    } else if (name == "phone") {
        out = r.optional_line("phone", 24);
        if (r.ok() && !out.empty()) {
            auto normalized = normalize_phone(out);
            if (!normalized)
                r.fail("phone", phone_message);
            else
                out = *normalized;
        }
    } else if (name == "email") {
        out = r.optional_line("email", 254);
        if (r.ok() && !out.empty() && !valid_email(out))
            r.fail("email", "email must look like name@example.go.id");
    } else if (name == "business_name") {
        out = r.optional_line("business_name", 200);
    } else if (name == "business_sector") {
        out = r.optional_string("business_sector", 100);
    } else if (name == "region_code") {
        out = r.optional_string("region_code", 13);
        if (r.ok() && !out.empty() && !valid_region_code(out))
            r.fail("region_code", "region_code must look like 62 or 62.71");
    } else if (name == "notify_channel") {
        out = r.optional_string("notify_channel", 16);
        if (r.ok() && !out.empty() && out != "whatsapp" && out != "email" && out != "none")
            r.fail("notify_channel", "notify_channel must be whatsapp, email or none");
    } else if (name == "language") {
        out = r.optional_string("language", 8);
        if (r.ok() && !out.empty() && out != "id" && out != "en")
            r.fail("language", "language must be id or en");
    }
}

const char* const profile_fields[] = {"nik",           "nib",
                                      "phone",         "email",
                                      "business_name", "business_sector",
                                      "region_code",   "notify_channel",
                                      "language"};

std::string* profile_slot(user_profile& p, std::string_view name) {
    if (name == "nik") return &p.nik;
    if (name == "nib") return &p.nib;
    if (name == "phone") return &p.phone;
    if (name == "email") return &p.email;
    if (name == "business_name") return &p.business_name;
    if (name == "business_sector") return &p.business_sector;
    if (name == "region_code") return &p.region_code;
    if (name == "notify_channel") return &p.notify_channel;
    if (name == "language") return &p.language;
    return nullptr;
}

}  // namespace

std::optional<std::string> normalize_phone(std::string_view text) {
    std::string digits;
    bool plus = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c == '+' && i == 0) {
            plus = true;
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
            return std::nullopt;
        }
    }
    if (digits.size() < 6 || digits.size() > 15) return std::nullopt;
    if (plus || digits.starts_with("62")) {
        if (digits.size() < 8) return std::nullopt;
        return "+" + digits;
    }
    if (digits.starts_with("08")) {
        if (digits.size() < 10 || digits.size() > 14) return std::nullopt;
        return "+62" + digits.substr(1);
    }
    return trim(std::string(text));  // a landline or a local number: as written
}

bool is_mobile_phone(std::string_view normalized) {
    return normalized.starts_with("+628") && normalized.size() >= 11;
}

bool valid_email(std::string_view s) {
    if (s.size() > 254) return false;
    const auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || s.find('@', at + 1) != s.npos)
        return false;
    for (char c : s.substr(0, at))
        if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == ',' || c == ';' || c == '<' ||
            c == '>' || c == '(' || c == ')')
            return false;
    const auto domain = s.substr(at + 1);
    if (domain.size() < 3 || domain.find('.') == domain.npos || domain.front() == '.' ||
        domain.back() == '.' || domain.find("..") != domain.npos)
        return false;
    for (char c : domain) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}

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
    for (const char* name : profile_fields)
        read_profile_field(r, name, *profile_slot(u.profile, name));
    u.must_change_password = r.optional_bool("must_change_password").value_or(false);
    if (!r.ok()) return r.first_error();
    u.username = *username;
    u.password = *password;
    u.full_name = *full_name;
    u.user_role = *parsed_role;
    return u;
}

result<user_patch> parse_user_patch(const json& body) {
    if (!body.is_object()) return make_error("expected_object", "The body must be a JSON object");
    field_reader r(body);
    user_patch p;
    user_profile profile;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const auto& name = it.key();
        p.fields.push_back(name);
        if (name == "full_name") {
            p.full_name = r.required_line("full_name", 1, full_name_max_length);
        } else if (name == "active") {
            p.active = r.optional_bool("active");
            if (r.ok() && !p.active) r.fail("active", "active must be true or false");
        } else if (auto* slot = profile_slot(profile, name)) {
            read_profile_field(r, name, *slot);
            if (name == "nik") p.nik = *slot;
            if (name == "nib") p.nib = *slot;
            if (name == "phone") p.phone = *slot;
            if (name == "email") p.email = *slot;
            if (name == "business_name") p.business_name = *slot;
            if (name == "business_sector") p.business_sector = *slot;
            if (name == "region_code") p.region_code = *slot;
            if (name == "notify_channel") p.notify_channel = *slot;
            if (name == "language") p.language = *slot;
        } else {
            r.fail(name, name + " cannot be changed here");
        }
    }
    if (!r.ok()) return r.first_error();
    if (body.empty()) return make_error("empty_patch", "Nothing to change");
    return p;
}

user apply_patch(user u, const user_patch& p) {
    if (p.full_name) u.full_name = *p.full_name;
    for (const char* name : profile_fields) {
        const std::optional<std::string>* value = nullptr;
        const std::string_view n = name;
        if (n == "nik") value = &p.nik;
        if (n == "nib") value = &p.nib;
        if (n == "phone") value = &p.phone;
        if (n == "email") value = &p.email;
        if (n == "business_name") value = &p.business_name;
        if (n == "business_sector") value = &p.business_sector;
        if (n == "region_code") value = &p.region_code;
        if (n == "notify_channel") value = &p.notify_channel;
        if (n == "language") value = &p.language;
        if (value && *value) *profile_slot(u.profile, n) = **value;
    }
    return u;
}

result<password_change> parse_password_change(const json& body) {
    if (!body.is_object()) return make_error("expected_object", "The body must be a JSON object");
    field_reader r(body);
    auto current = r.required_raw_string("current", 1, password_max_length);
    auto next = r.required_raw_string("new", password_min_length, password_max_length);
    if (r.ok() && *current == *next)
        r.fail("new", "the new password must differ from the current one");
    if (!r.ok()) return r.first_error();
    return password_change{*current, *next};
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
        "username",    "password",       "full_name", "role",          "nik",
        "nib",         "phone",          "email",     "business_name", "business_sector",
        "region_code", "notify_channel", "language"};
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
    j["nib"] = opt(u.profile.nib);
    j["phone"] = opt(u.profile.phone);
    j["email"] = opt(u.profile.email);
    j["business_name"] = opt(u.profile.business_name);
    j["business_sector"] = opt(u.profile.business_sector);
    j["region_code"] = opt(u.profile.region_code);
    j["notify_channel"] = opt(u.profile.notify_channel);
    j["language"] = u.profile.language.empty() ? "id" : u.profile.language;
    j["created_at"] = format_rfc3339(u.created_at);
    j["active"] = u.active();
    j["deactivated_at"] =
        u.deactivated_at ? json(format_rfc3339(*u.deactivated_at)) : json(nullptr);
    j["must_change_password"] = u.must_change_password;
    return j;
}

}  // namespace daring::protocol
