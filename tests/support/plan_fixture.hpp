#pragma once
// Builds a training plan through the HTTP API, as an administrator would.
#include <chrono>
#include <string>

#include "protocol/time_format.hpp"
#include "tests/support/http_client.hpp"

namespace daring::test {

// Local (WIB) date `days` from today, "YYYY-MM-DD".
inline std::string wib_date_from_today(int days) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    return protocol::format_date((now + 7 * 3600) / 86400 + days);
}

// "YYYY-MM-DDTHH:MM:00+07:00" on the WIB date `days` from today.
inline std::string wib_time_from_today(int days, int hour, int minute = 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "T%02d:%02d:00+07:00", hour, minute);
    return wib_date_from_today(days) + buf;
}

class api_client {
  public:
    api_client(http_client& c, std::string token) : c_(c), token_(std::move(token)) {}
    http_result get(const std::string& path) { return c_.request("GET", path, auth()); }
    http_result post(const std::string& path, const nlohmann::json& body) {
        return json_request(c_, "POST", path, body, token_);
    }
    http_result patch(const std::string& path, const nlohmann::json& body) {
        return json_request(c_, "PATCH", path, body, token_);
    }
    http_result del(const std::string& path) { return c_.request("DELETE", path, auth()); }
    http_result post_csv(const std::string& path, const std::string& csv) {
        auto h = auth();
        h.emplace_back("Content-Type", "text/csv");
        return c_.request("POST", path, h, csv);
    }
    const std::string& token() const { return token_; }

  private:
    std::vector<std::pair<std::string, std::string>> auth() {
        if (token_.empty()) return {};
        return {{"Authorization", "Bearer " + token_}};
    }
    http_client& c_;
    std::string token_;
};

// Adds region 62.71 (Kota Palangka Raya, WIB) and a DAK funding source; returns the source's id.
inline std::int64_t add_region_and_funding(api_client& admin) {
    admin.post("/api/v1/regions",
               {{"code", "62.71"}, {"name", "Kota Palangka Raya"}, {"utc_offset_minutes", 420}});
    auto f = admin.post("/api/v1/funding-sources", {{"code", "DAK-2020"},
                                                    {"name", "DAK Nonfisik PK2UKM"},
                                                    {"kind", "DAK"},
                                                    {"fiscal_year", 2020},
                                                    {"amount_idr", 750000000}});
    return f.status == 201 ? f.json()["id"].get<std::int64_t>() : 0;
}

// Creates a training with the automatic switch policy; returns its id, 0 when refused.
inline std::int64_t add_training(api_client& admin, const std::string& title, std::int64_t funding,
                                 const std::string& mode = "online",
                                 const std::string& region = "62.71") {
    auto t = admin.post("/api/v1/trainings", {{"title", title},
                                              {"region_code", region},
                                              {"funding_source_id", funding},
                                              {"planned_mode", mode},
                                              {"switch_policy", "auto"}});
    return t.status == 201 ? t.json()["id"].get<std::int64_t>() : 0;
}

inline std::string login_token(http_client& c, const std::string& user,
                               const std::string& password) {
    auto r =
        json_request(c, "POST", "/api/v1/auth/login", {{"username", user}, {"password", password}});
    return r.status == 200 ? r.json()["token"].get<std::string>() : std::string{};
}

}  // namespace daring::test
