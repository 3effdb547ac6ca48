#include "server/util/gzip.hpp"

#include <zlib.h>

#include <stdexcept>

namespace daring::server {

std::string gzip_compress(std::string_view data, int level) {
    z_stream z{};
    constexpr int gzip_window_bits = 15 + 16;  // 32 kB window, gzip framing
    constexpr int memory_level = 8;
    if (deflateInit2(&z, level, Z_DEFLATED, gzip_window_bits, memory_level, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        throw std::runtime_error("zlib: deflateInit2 failed");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const auto written = out.size() - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
    out.resize(written);
    return out;
}

}  // namespace daring::server
