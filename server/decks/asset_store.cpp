#include "server/decks/asset_store.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "server/util/tokens.hpp"

namespace daring::server {

namespace fs = std::filesystem;

bool asset_store::valid_name(std::string_view hash) {
    if (hash.size() != 64) return false;
    for (char c : hash)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

// Two levels keep directories small: ab/abcdef....
fs::path asset_store::path_of(std::string_view hash) const {
    return dir_ / std::string(hash.substr(0, 2)) / std::string(hash);
}

std::string asset_store::put(std::string_view bytes) const {
    auto hash = sha256_hex(bytes);
    const auto path = path_of(hash);
    std::error_code ec;
    if (fs::exists(path, ec)) return hash;
    fs::create_directories(path.parent_path());
    const auto temporary = path.string() + "." + random_token(6) + ".part";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) {
            fs::remove(temporary, ec);
            throw std::runtime_error("cannot write the asset " + temporary);
        }
    }
    fs::rename(temporary, path);
    return hash;
}

std::optional<fs::path> asset_store::find(std::string_view hash) const {
    if (!valid_name(hash)) return std::nullopt;
    auto path = path_of(hash);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    return path;
}

void asset_store::remove(std::string_view hash) const {
    if (!valid_name(hash)) return;
    std::error_code ec;
    fs::remove(path_of(hash), ec);
}

std::uintmax_t asset_store::disk_use() const {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
    return total;
}

}  // namespace daring::server
