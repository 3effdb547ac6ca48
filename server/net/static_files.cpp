#include "server/net/static_files.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace daring::server {

namespace fs = std::filesystem;

static_files::static_files(const fs::path& root) {
    std::error_code ec;
    root_ = fs::weakly_canonical(fs::absolute(root), ec);
    if (ec) root_ = fs::absolute(root);
}

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

void add_html_security_headers(http_response& r) {
    r.set_header("Content-Security-Policy",
                 "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
                 "form-action 'self'; img-src 'self' data:");
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

http_response static_files::serve(const http_request& req) const {
    auto rel = relative_from_url(req.path);
    if (!rel) return not_found();
    std::error_code ec;
    fs::path real = fs::canonical(root_ / *rel, ec);
    if (ec || !inside(root_, real)) return not_found();
    if (fs::is_directory(real, ec)) {
        real = fs::canonical(real / "index.html", ec);
        if (ec || !inside(root_, real)) return not_found();
    }
    if (!fs::is_regular_file(real, ec)) return not_found();

    fs::path chosen = real;
    bool gzipped = false;
    if (accepts_gzip(req)) {
        fs::path gz = fs::canonical(real.string() + ".gz", ec);
        if (!ec && inside(root_, gz) && fs::is_regular_file(gz, ec)) {
            chosen = gz;
            gzipped = true;
        }
    }
    auto size = fs::file_size(chosen, ec);
    if (ec || size > static_file_size_limit) return not_found();
    auto mtime = fs::last_write_time(chosen, ec).time_since_epoch().count();
    char etag[64];
    std::snprintf(etag, sizeof etag, "\"%jx-%llx%s\"", static_cast<std::uintmax_t>(size),
                  static_cast<unsigned long long>(mtime), gzipped ? "-gz" : "");

    http_response r;
    r.set_header("ETag", etag);
    r.set_header("Cache-Control", "no-cache");
    r.set_header("Vary", "Accept-Encoding");
    r.set_header("X-Content-Type-Options", "nosniff");
    const auto type = content_type_for(real);
    if (type.starts_with("text/html")) add_html_security_headers(r);

    auto inm = req.header("if-none-match");
    if (!inm.empty() && (inm == etag || inm == "*" || inm.find(etag) != std::string_view::npos)) {
        r.status = 304;
        return r;
    }
    std::ifstream in(chosen, std::ios::binary);
    if (!in) return not_found();
    r.body.resize(size);
    in.read(r.body.data(), static_cast<std::streamsize>(size));
    r.body.resize(static_cast<std::size_t>(in.gcount()));
    r.set_header("Content-Type", std::string(type));
    if (gzipped) r.set_header("Content-Encoding", "gzip");
    return r;
}

}  // namespace daring::server
