#pragma once
// The page shell (index.html) as served: every script and style sheet of the web root under a
// versioned URL (`/js/api.js?v=<content hash>`), so a browser keeps them as immutable and a
// revisit asks again only for the shell. Module imports reach the versioned URLs through an
// import map written into the shell; its CSP hash goes with the shell's headers.
#include <string>
#include <string_view>
#include <vector>

namespace daring::server {

struct versioned_asset {
    std::string url;      // "/js/api.js"
    std::string version;  // a hash of the content, hex
};

struct web_shell {
    std::string html;
    std::string script_hash;  // "'sha256-...'" of the import map, empty when none was written
};

// Hex characters of a content hash a version carries.
inline constexpr std::size_t asset_version_chars = 16;
// The version of `content`: the first asset_version_chars hex digits of its SHA-256.
std::string asset_version_of(std::string_view content);
// `html` with `assets` versioned: attribute values naming an asset ("/style.css") gain
// `?v=<version>`, and an import map of every script asset goes before the first <script (none
// when the page has no script).
web_shell make_web_shell(std::string_view html, const std::vector<versioned_asset>& assets);

}  // namespace daring::server
