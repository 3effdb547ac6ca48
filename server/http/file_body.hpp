#pragma once
// A response body streamed from a file: an optional prefix, a range of the file's bytes (as
// they are, or transformed piece by piece, e.g. into base64), an optional suffix. The file is
// opened when the source is made (a later delete or rename does not cut the download short),
// read in pieces on the worker pool, never held whole in memory.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>

#include "server/http/http_types.hpp"

namespace daring::server {

class file_body_source final : public body_source {
  public:
    using transform = std::function<std::string(std::string_view)>;
    // Bytes [first, first + count) of `file`; `piece` is the read size (keep it a multiple of
    // what `transformed` needs, e.g. 3 for base64). Throws std::runtime_error when the file
    // cannot be opened.
    file_body_source(const std::filesystem::path& file, std::uint64_t first, std::uint64_t count,
                     std::string prefix = {}, std::string suffix = {},
                     transform transformed = nullptr, std::size_t piece = 64 * 1024);
    std::optional<std::string> next() override;

  private:
    std::ifstream in_;
    std::uint64_t left_;
    std::string prefix_, suffix_;
    transform transformed_;
    std::size_t piece_;
    enum class stage { prefix, file, suffix, done } stage_ = stage::prefix;
};

}  // namespace daring::server
