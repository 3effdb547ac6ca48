#include "server/util/clock.hpp"

#include <cstdio>

namespace daring::server {

std::optional<protocol::unix_seconds> file_clock::from_file() const {
    if (std::FILE* f = std::fopen(path_.c_str(), "r")) {
        long long value = 0;
        const int read = std::fscanf(f, "%lld", &value);
        std::fclose(f);
        if (read == 1) return value;
    }
    return std::nullopt;
}

protocol::unix_seconds file_clock::now() const {
    return from_file().value_or(fallback_.now());
}

std::int64_t file_clock::now_ms() const {
    const auto set = from_file();
    return set ? *set * 1000 : fallback_.now_ms();
}

}  // namespace daring::server
