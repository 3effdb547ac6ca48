#include "server/net/web_shell.hpp"

#include <nlohmann/json.hpp>

#include "server/util/tokens.hpp"

namespace daring::server {

std::string asset_version_of(std::string_view content) {
    return sha256_hex(content).substr(0, asset_version_chars);
}

namespace {

std::string versioned_url(const versioned_asset& a) {
    return a.url + "?v=" + a.version;
}

// Every `="<url>"` attribute value becomes the versioned URL.
void version_attributes(std::string& html, const versioned_asset& a) {
    const std::string from = "=\"" + a.url + "\"";
    const std::string to = "=\"" + versioned_url(a) + "\"";
    for (auto at = html.find(from); at != std::string::npos; at = html.find(from, at + to.size()))
        html.replace(at, from.size(), to);
}

}  // namespace

web_shell make_web_shell(std::string_view html, const std::vector<versioned_asset>& assets) {
    web_shell out{std::string(html), {}};
    nlohmann::ordered_json imports = nlohmann::ordered_json::object();
    for (const auto& a : assets) {
        version_attributes(out.html, a);
        if (a.url.ends_with(".js") || a.url.ends_with(".css")) imports[a.url] = versioned_url(a);
    }
    const auto script = out.html.find("<script");
    if (script == std::string::npos || imports.empty()) return out;
    const auto map = nlohmann::ordered_json{{"imports", imports}}.dump();
    out.html.insert(script, "<script type=\"importmap\">" + map + "</script>\n  ");
    out.script_hash = "'sha256-" + sha256_base64(map) + "'";
    return out;
}

}  // namespace daring::server
