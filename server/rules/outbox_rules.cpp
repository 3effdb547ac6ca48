#include "server/rules/outbox_rules.hpp"

#include <algorithm>
#include <cmath>

#include "protocol/json_text.hpp"

namespace daring::server {

std::optional<protocol::unix_seconds> next_retry_delay(
    const retry_policy& p, int attempts_made, double jitter,
    std::optional<protocol::unix_seconds> retry_after) {
    if (attempts_made >= p.max_attempts) return std::nullopt;
    const int doublings = std::clamp(attempts_made - 1, 0, 30);
    const double backoff = std::min(static_cast<double>(p.cap_s),
                                    static_cast<double>(p.base_s) * std::ldexp(1.0, doublings));
    const double scaled = backoff * (0.5 + std::clamp(jitter, 0.0, 1.0) / 2);
    auto delay = std::max<protocol::unix_seconds>(1, std::llround(scaled));
    if (retry_after && *retry_after > delay) delay = std::min(*retry_after, p.max_retry_after_s);
    return delay;
}

namespace {

std::string text_at(const protocol::json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    if (it == object.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    return {};
}

// The readable part of a provider's JSON body, or empty when it has none we know.
std::string readable(const protocol::json& body) {
    if (!body.is_object()) return {};
    if (const auto messages = body.find("messages");
        messages != body.end() && messages->is_array() && !messages->empty()) {
        const auto id = text_at(messages->front(), "id");
        if (!id.empty()) return "message " + id;
    }
    const auto error = body.find("error");
    if (error == body.end() || !error->is_object()) return {};
    std::string out;
    if (const auto code = text_at(*error, "code"); !code.empty()) out = "#" + code + ": ";
    out += text_at(*error, "message");
    if (const auto data = error->find("error_data"); data != error->end()) {
        const auto details = text_at(*data, "details");
        if (!details.empty()) out += (out.ends_with(". ") ? "" : ". ") + details;
    }
    return out;
}

}  // namespace

std::string whatsapp_answer_summary(long status, std::string_view body, std::size_t limit) {
    std::string out = "HTTP " + std::to_string(status);
    const auto parsed = protocol::parse_json(body);
    const auto text = parsed ? readable(*parsed) : std::string();
    if (!text.empty()) {
        out += ", " + text;
    } else if (!body.empty()) {
        out += " ";
        out += body;
    }
    if (out.size() > limit) out.resize(limit);
    return out;
}

}  // namespace daring::server
