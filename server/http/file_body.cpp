#include "server/http/file_body.hpp"

#include <algorithm>
#include <stdexcept>

namespace daring::server {

file_body_source::file_body_source(const std::filesystem::path& file, std::uint64_t first,
                                   std::uint64_t count, std::string prefix, std::string suffix,
                                   transform transformed, std::size_t piece)
    : in_(file, std::ios::binary),
      left_(count),
      prefix_(std::move(prefix)),
      suffix_(std::move(suffix)),
      transformed_(std::move(transformed)),
      piece_(std::max<std::size_t>(piece, 1)) {
    if (!in_) throw std::runtime_error("cannot open " + file.string());
    in_.seekg(static_cast<std::streamoff>(first));
}

std::optional<std::string> file_body_source::next() {
    switch (stage_) {
        case stage::prefix:
            stage_ = stage::file;
            if (!prefix_.empty()) return std::move(prefix_);
            [[fallthrough]];
        case stage::file:
            if (left_ > 0) {
                std::string buffer(static_cast<std::size_t>(std::min<std::uint64_t>(left_, piece_)),
                                   '\0');
                in_.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                // A file cut short under us: the response cannot keep its promised length.
                if (in_.gcount() != static_cast<std::streamsize>(buffer.size()))
                    throw std::runtime_error("the file ended before the promised length");
                left_ -= buffer.size();
                return transformed_ ? transformed_(buffer) : buffer;
            }
            stage_ = stage::suffix;
            [[fallthrough]];
        case stage::suffix:
            stage_ = stage::done;
            if (!suffix_.empty()) return std::move(suffix_);
            [[fallthrough]];
        case stage::done:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace daring::server
