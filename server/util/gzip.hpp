#pragma once
// gzip (RFC 1952) of a buffer in memory (zlib).
#include <string>
#include <string_view>

namespace daring::server {

// The gzip member of `data` at zlib `level` (1 fastest .. 9 smallest); throws
// std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view data, int level = 9);

}  // namespace daring::server
