#pragma once
// Files under the web root: content types, ETag/304, precompressed .gz variants, no way out of
// the root (.., encoded dots, symlinks), security headers on HTML. Scripts, style sheets and
// pictures asked for under their current version (`?v=`, web_shell.hpp) may be kept for a
// year; everything else, and the shell itself, is revalidated. The web root's files are
// held in memory (within the limits below), so serving them never touches the disk: refresh()
// picks up changed files (housekeeping calls it every minute). Thread-safe.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "server/http/http_types.hpp"

namespace daring::server {

inline constexpr std::uintmax_t static_file_size_limit = 32u << 20;
// Files larger than this are served from disk (on the workers), not held in memory.
inline constexpr std::uintmax_t static_cache_file_limit = 4u << 20;
// The memory all cached files may take together; files beyond it are served from disk.
inline constexpr std::uintmax_t static_cache_total_limit = 64u << 20;

class static_files {
  public:
    explicit static_files(const std::filesystem::path& root);
    // 200, 304 or a 404 JSON error. GET and HEAD only (the router guarantees it).
    http_response serve(const http_request& req) const;
    const std::filesystem::path& root() const { return root_; }
    // Whether `path` (the raw URL path) is answered from memory.
    bool is_cached(std::string_view path) const;
    // Re-reads the web root into memory when any file changed; returns whether it did.
    bool refresh();

    struct cached_file;
    using file_map = std::map<std::string, std::shared_ptr<const cached_file>, std::less<>>;

  private:
    std::shared_ptr<const file_map> files() const;

    std::filesystem::path root_;  // canonical
    mutable std::mutex mutex_;    // guards files_ and fingerprint_
    std::shared_ptr<const file_map> files_;
    std::string fingerprint_;  // names, sizes and times of what files_ was read from
};

// Headers every HTML page carries (CSP and friends); `script_sources` adds CSP sources (the
// hash of an inline import map) to script-src.
void add_html_security_headers(http_response& r, std::string_view script_sources = {});
std::string_view content_type_for(const std::filesystem::path& p);

}  // namespace daring::server
