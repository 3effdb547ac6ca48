#include "protocol/error.hpp"

#include <nlohmann/json.hpp>

namespace daring::protocol {

error make_error(std::string code, std::string message, std::string field) {
    return error{std::move(code), std::move(message), std::move(field), {}};
}

std::string error_body(const error& e) {
    nlohmann::json inner = {{"code", e.code}, {"message", e.message}};
    if (!e.field.empty()) inner["field"] = e.field;
    if (!e.lines.empty()) {
        auto lines = nlohmann::json::array();
        for (const auto& l : e.lines) {
            nlohmann::json one = {{"line", l.line}, {"message", l.message}};
            if (!l.field.empty()) one["field"] = l.field;
            lines.push_back(std::move(one));
        }
        inner["lines"] = std::move(lines);
    }
    return nlohmann::json{{"error", std::move(inner)}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace daring::protocol
