#include "server/net/static_files.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "server/net/web_shell.hpp"
#include "server/util/gzip.hpp"

namespace daring::server {

namespace fs = std::filesystem;

std::string_view content_type_for(const fs::path& p) {
    const auto ext = p.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json" || ext == ".map") return "application/json; charset=utf-8";
    if (ext == ".webmanifest") return "application/manifest+json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

void add_html_security_headers(http_response& r, std::string_view script_sources) {
    std::string scripts = "script-src 'self' 'wasm-unsafe-eval'";
    if (!script_sources.empty()) (scripts += ' ') += script_sources;
    r.set_header("Content-Security-Policy",
                 "default-src 'self'; " + scripts +
                     "; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
                     "form-action 'self'; img-src 'self' data: blob:");
    r.set_header("X-Frame-Options", "DENY");
    r.set_header("Referrer-Policy", "no-referrer");
    r.set_header("X-Content-Type-Options", "nosniff");
}

namespace {

http_response not_found() {
    return error_response(404, "not_found", "No such page");
}

// A safe relative path from the decoded URL path, or nullopt for anything suspicious.
std::optional<fs::path> relative_from_url(std::string_view raw_path) {
    std::string decoded = percent_decode(raw_path, false);
    if (decoded.empty() || decoded.front() != '/') return std::nullopt;
    if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) {
        return std::nullopt;
    }
    fs::path rel;
    std::string_view rest = std::string_view(decoded).substr(1);
    while (!rest.empty()) {
        auto slash = rest.find('/');
        auto seg = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (seg.empty()) continue;
        if (seg == "." || seg == ".." || seg.front() == '.') return std::nullopt;  // no dotfiles
        rel /= std::string(seg);
    }
    if (decoded.back() == '/' || rel.empty()) rel /= "index.html";
    return rel;
}

bool inside(const fs::path& root, const fs::path& p) {
    const auto& r = root.native();
    const auto& s = p.native();
    return s.size() > r.size() && s.compare(0, r.size(), r) == 0 && s[r.size()] == '/';
}

bool accepts_gzip(const http_request& req) {
    auto ae = req.header("accept-encoding");
    return ae.find("gzip") != std::string_view::npos;
}

}  // namespace

struct static_files::cached_file {
    std::string_view type;
    std::string etag;
    std::string body;
    std::string gz_etag;  // empty when there is no precompressed variant
    std::string gz_body;
    std::string version;        // asset_version_of(body): `?v=` with it is immutable
    std::string script_hashes;  // the shell: CSP sources of its inline import map
};

namespace {

std::string etag_of(std::uintmax_t size, fs::file_time_type mtime, bool gzipped) {
    char etag[64];
    std::snprintf(etag, sizeof etag, "\"%jx-%llx%s\"", static_cast<std::uintmax_t>(size),
                  static_cast<unsigned long long>(mtime.time_since_epoch().count()),
                  gzipped ? "-gz" : "");
    return etag;
}

// How a file's answer may be kept: for a year unasked under its current version's URL,
// otherwise only after asking again (ETag).
enum class keep { revalidate, immutable };

// The headers of a file's answer, and 304 when the client holds this version.
http_response file_answer(const http_request& req, std::string_view type, const std::string& etag,
                          bool gzipped, keep how = keep::revalidate,
                          std::string_view script_sources = {}) {
    http_response r;
    r.set_header("ETag", etag);
    r.set_header("Cache-Control",
                 how == keep::immutable ? "public, max-age=31536000, immutable" : "no-cache");
    r.set_header("Vary", "Accept-Encoding");
    r.set_header("X-Content-Type-Options", "nosniff");
    if (type.starts_with("text/html")) add_html_security_headers(r, script_sources);
    auto inm = req.header("if-none-match");
    if (!inm.empty() && (inm == etag || inm == "*" || inm.find(etag) != std::string_view::npos)) {
        r.status = 304;
        return r;
    }
    r.set_header("Content-Type", std::string(type));
    if (gzipped) r.set_header("Content-Encoding", "gzip");
    return r;
}

std::optional<std::string> read_file(const fs::path& p, std::uintmax_t size) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string body(size, '\0');
    in.read(body.data(), static_cast<std::streamsize>(size));
    body.resize(static_cast<std::size_t>(in.gcount()));
    return body;
}

http_response serve_from_disk(const fs::path& root, const http_request& req) {
    auto rel = relative_from_url(req.path);
    if (!rel) return not_found();
    std::error_code ec;
    fs::path real = fs::canonical(root / *rel, ec);
    if (ec || !inside(root, real)) return not_found();
    if (fs::is_directory(real, ec)) {
        real = fs::canonical(real / "index.html", ec);
        if (ec || !inside(root, real)) return not_found();
    }
    if (!fs::is_regular_file(real, ec)) return not_found();

    fs::path chosen = real;
    bool gzipped = false;
    if (accepts_gzip(req)) {
        fs::path gz = fs::canonical(real.string() + ".gz", ec);
        if (!ec && inside(root, gz) && fs::is_regular_file(gz, ec)) {
            chosen = gz;
            gzipped = true;
        }
    }
    auto size = fs::file_size(chosen, ec);
    if (ec || size > static_file_size_limit) return not_found();
    auto mtime = fs::last_write_time(chosen, ec);
    auto r = file_answer(req, content_type_for(real), etag_of(size, mtime, gzipped), gzipped);
    if (r.status == 304) return r;
    auto body = read_file(chosen, size);
    if (!body) return not_found();
    r.body = std::move(*body);
    return r;
}

// A file of the web root as the walk found it.
struct found_file {
    std::string rel;  // generic form, "js/app.js"
    fs::path real;
    std::uintmax_t size = 0;
    fs::file_time_type mtime;
};

// Every regular file under the root that the URL rules can reach (no dotfiles, nothing whose
// real path leaves the root), in name order.
std::vector<found_file> walk(const fs::path& root) {
    std::vector<found_file> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!name.empty() && name.front() == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        std::error_code fec;
        if (!it->is_regular_file(fec)) continue;
        fs::path real = fs::canonical(it->path(), fec);
        if (fec || !inside(root, real)) continue;
        const auto size = fs::file_size(real, fec);
        const auto mtime = fs::last_write_time(real, fec);
        if (fec) continue;
        out.push_back({it->path().lexically_relative(root).generic_string(), real, size, mtime});
    }
    std::sort(out.begin(), out.end(),
              [](const found_file& a, const found_file& b) { return a.rel < b.rel; });
    return out;
}

std::string fingerprint_of(const std::vector<found_file>& files) {
    std::string out;
    for (const auto& f : files) {
        out += f.rel + '\t' + std::to_string(f.size) + '\t' +
               std::to_string(f.mtime.time_since_epoch().count()) + '\n';
    }
    return out;
}

// The URL paths a file answers: "/js/app.js"; an index.html also its directory's.
std::vector<std::string> url_paths_of(const std::string& rel) {
    std::vector<std::string> out{"/" + rel};
    if (rel == "index.html") {
        out.emplace_back("/");
    } else if (rel.ends_with("/index.html")) {
        const auto dir = rel.substr(0, rel.size() - std::string_view("/index.html").size());
        out.push_back("/" + dir + "/");
        out.push_back("/" + dir);
    }
    return out;
}

}  // namespace

static_files::static_files(const fs::path& root) {
    std::error_code ec;
    root_ = fs::weakly_canonical(fs::absolute(root), ec);
    if (ec) root_ = fs::absolute(root);
    refresh();
}

namespace {

// The shell (index.html) rewritten to name every cached script, style sheet and picture by its
// versioned URL (web_shell.hpp), with its own gzip copy.
void version_shell(static_files::file_map& map) {
    auto shell = map.find("/index.html");
    if (shell == map.end()) return;
    std::vector<versioned_asset> assets;
    for (const auto& [url, file] : map) {
        const bool asset = url.ends_with(".js") || url.ends_with(".css") || url.ends_with(".svg");
        if (asset) assets.push_back({url, file->version});
    }
    auto made = make_web_shell(shell->second->body, assets);
    if (made.html == shell->second->body) return;
    auto file = *shell->second;
    const auto version = asset_version_of(made.html);
    file.etag = "\"" + version + "\"";
    try {  // without its gzip copy the shell is sent as it is
        file.gz_body = gzip_compress(made.html);
        file.gz_etag = "\"" + version + "-gz\"";
    } catch (const std::exception& e) {
        spdlog::warn("the shell is served uncompressed: {}", e.what());
        file.gz_body.clear();
        file.gz_etag.clear();
    }
    file.body = std::move(made.html);
    file.version = version;
    file.script_hashes = std::move(made.script_hash);
    auto shared = std::make_shared<const static_files::cached_file>(std::move(file));
    for (auto& url : url_paths_of("index.html")) map[url] = shared;
}

}  // namespace

bool static_files::refresh() {
    auto found = walk(root_);
    auto fingerprint = fingerprint_of(found);
    {
        std::lock_guard lock(mutex_);
        if (files_ && fingerprint == fingerprint_) return false;
    }
    std::map<std::string, const found_file*> by_rel;
    for (const auto& f : found) by_rel.emplace(f.rel, &f);
    auto map = std::make_shared<file_map>();
    std::uintmax_t total = 0;
    for (const auto& f : found) {
        if (f.rel.ends_with(".gz") || f.size > static_cache_file_limit) continue;
        auto gz = by_rel.find(f.rel + ".gz");
        const bool has_gz = gz != by_rel.end() && gz->second->size <= static_cache_file_limit;
        const auto need = f.size + (has_gz ? gz->second->size : 0);
        if (total + need > static_cache_total_limit) continue;
        auto body = read_file(f.real, f.size);
        if (!body) continue;
        cached_file file{content_type_for(f.real),
                         etag_of(f.size, f.mtime, false),
                         std::move(*body),
                         {},
                         {},
                         {},
                         {}};
        file.version = asset_version_of(file.body);
        if (has_gz) {
            if (auto gz_body = read_file(gz->second->real, gz->second->size)) {
                file.gz_etag = etag_of(gz->second->size, gz->second->mtime, true);
                file.gz_body = std::move(*gz_body);
            }
        }
        total += file.body.size() + file.gz_body.size();
        auto shared = std::make_shared<const cached_file>(std::move(file));
        for (auto& url : url_paths_of(f.rel)) map->emplace(std::move(url), shared);
    }
    version_shell(*map);
    std::lock_guard lock(mutex_);
    files_ = std::move(map);
    fingerprint_ = std::move(fingerprint);
    return true;
}

std::shared_ptr<const static_files::file_map> static_files::files() const {
    std::lock_guard lock(mutex_);
    return files_;
}

bool static_files::is_cached(std::string_view path) const {
    auto map = files();
    return map && map->find(path) != map->end();
}

http_response static_files::serve(const http_request& req) const {
    auto map = files();
    auto it = map ? map->find(req.path) : file_map::const_iterator{};
    if (!map || it == map->end()) return serve_from_disk(root_, req);
    const auto& file = *it->second;
    const bool gzipped = !file.gz_etag.empty() && accepts_gzip(req);
    const auto asked = req.query_param("v");
    const auto how = asked && *asked == file.version ? keep::immutable : keep::revalidate;
    auto r = file_answer(req, file.type, gzipped ? file.gz_etag : file.etag, gzipped, how,
                         file.script_hashes);
    if (r.status != 304) r.body = gzipped ? file.gz_body : file.body;
    return r;
}

}  // namespace daring::server
