#include "server/http/router.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace daring::server {

bool access::allows(protocol::role r) const {
    return public_ || std::find(roles_.begin(), roles_.end(), r) != roles_.end();
}

std::int64_t route_params::integer(const std::string& name) const {
    const auto& t = text(name);
    std::int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

const std::string& route_params::text(const std::string& name) const {
    static const std::string empty;
    auto it = values_.find(name);
    return it == values_.end() ? empty : it->second;
}

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path.starts_with('/')) path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

bool parse_positive_int(std::string_view s) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

void router::add(std::string method, std::string pattern, access rule, handler h,
                 route_options options) {
    route r{std::move(method), std::move(pattern), {}, std::move(rule), std::move(h), options};
    for (auto part : split_path(r.pattern)) {
        segment s;
        if (part.starts_with('{') && part.ends_with('}')) {
            auto inner = part.substr(1, part.size() - 2);
            auto colon = inner.find(':');
            s.is_param = true;
            s.param = std::string(inner.substr(0, colon));
            if (colon != std::string_view::npos) {
                if (inner.substr(colon + 1) != "int") throw std::logic_error("bad route type");
                s.is_int = true;
            }
        } else {
            s.literal = std::string(part);
        }
        r.segments.push_back(std::move(s));
    }
    const bool literal = std::none_of(r.segments.begin(), r.segments.end(),
                                      [](const segment& s) { return s.is_param; });
    if (literal) {
        // Indexed unless an earlier route of the same method would match the path first.
        const auto parts = split_path(r.pattern);
        const bool shadowed = std::any_of(routes_.begin(), routes_.end(), [&](const route& e) {
            return e.method == r.method && matches(e, parts, nullptr);
        });
        if (!shadowed) literal_.emplace(r.method + ' ' + r.pattern, routes_.size());
    }
    routes_.push_back(std::move(r));
}

bool router::matches(const route& r, const std::vector<std::string_view>& parts,
                     route_params* params) {
    if (r.segments.size() != parts.size()) return false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& s = r.segments[i];
        if (!s.is_param) {
            if (s.literal != parts[i]) return false;
            continue;
        }
        std::string value = percent_decode(parts[i], false);
        if (value.empty()) return false;
        if (s.is_int && !parse_positive_int(value)) return false;
        if (params) params->set(s.param, std::move(value));
    }
    return true;
}

void router::add(std::initializer_list<route_entry> table) {
    for (const auto& e : table) add(e.method, e.pattern, e.rule, e.h, e.options);
}

router::match router::find(std::string_view method, std::string_view path) const {
    match out;
    std::string key;
    key.reserve(method.size() + 1 + path.size());
    key.append(method).append(1, ' ').append(path);
    if (auto it = literal_.find(key); it != literal_.end()) {
        const auto& r = routes_[it->second];
        out.result = match::kind::found;
        out.h = &r.h;
        out.rule = &r.rule;
        out.pattern = &r.pattern;
        out.body_limit = r.options.body_limit;
        out.lane = r.options.lane;
        out.options = r.options;
        return out;
    }
    std::vector<std::string> allowed;
    auto parts = split_path(path);
    for (const auto& r : routes_) {
        route_params params;
        if (!matches(r, parts, &params)) continue;
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            out.result = match::kind::found;
            out.h = &r.h;
            out.rule = &r.rule;
            out.pattern = &r.pattern;
            out.params = std::move(params);
            out.body_limit = r.options.body_limit;
            out.lane = r.options.lane;
            out.options = r.options;
            return out;
        }
        out.result = match::kind::method_not_allowed;
        allowed.push_back(r.method);
    }
    std::sort(allowed.begin(), allowed.end());
    for (const auto& m : allowed) {
        if (!out.allowed.empty()) out.allowed += ", ";
        out.allowed += m;
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> router::list() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
    return out;
}

lane router::lane_of(std::string_view method, std::string_view path) const {
    auto m = find(method, path);
    return m.result == match::kind::found ? m.lane : lane::worker;
}

std::size_t router::body_limit(std::string_view method, std::string_view path) const {
    auto m = find(method, path);
    return m.result == match::kind::found ? m.body_limit : default_body_limit;
}

}  // namespace daring::server
