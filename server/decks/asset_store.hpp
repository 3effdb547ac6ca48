#pragma once
// Files named by their content (SHA-256, hex) in the assets directory beside the database:
// deck pages and handouts. A name never changes its bytes, so every file is served as
// immutable with its name as a strong ETag. Thread-safe (writes are atomic renames).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace daring::server {

class asset_store {
  public:
    explicit asset_store(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // Stores `bytes` (a no-op when the same content is there) and returns its name.
    std::string put(std::string_view bytes) const;
    // Where the file named `hash` is, when the name is well formed and the file exists.
    std::optional<std::filesystem::path> find(std::string_view hash) const;
    // Removes the file (the caller checked that nothing names it any more).
    void remove(std::string_view hash) const;
    // Bytes of every stored file.
    std::uintmax_t disk_use() const;
    const std::filesystem::path& dir() const { return dir_; }

    // 64 lowercase hex digits.
    static bool valid_name(std::string_view hash);

  private:
    std::filesystem::path path_of(std::string_view hash) const;
    std::filesystem::path dir_;
};

}  // namespace daring::server
