#pragma once
// Files under the web root: content types, ETag/304, precompressed .gz variants, no way out of
// the root (.., encoded dots, symlinks), security headers on HTML. Thread-safe.
#include <filesystem>

#include "server/http/http_types.hpp"

namespace daring::server {

inline constexpr std::uintmax_t static_file_size_limit = 32u << 20;

class static_files {
  public:
    explicit static_files(const std::filesystem::path& root);
    // 200, 304 or a 404 JSON error. GET and HEAD only (the router guarantees it).
    http_response serve(const http_request& req) const;
    const std::filesystem::path& root() const { return root_; }

  private:
    std::filesystem::path root_;  // canonical
};

// Headers every HTML page carries (CSP and friends).
void add_html_security_headers(http_response& r);
std::string_view content_type_for(const std::filesystem::path& p);

}  // namespace daring::server
