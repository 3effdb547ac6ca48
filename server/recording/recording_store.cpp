#include "server/recording/recording_store.hpp"

namespace daring::server {

namespace fs = std::filesystem;

fs::path recording_store::audio_path(std::int64_t session_id) const {
    return dir_ / (std::to_string(session_id) + ".opus");
}

void recording_store::remove_audio(std::int64_t session_id) const {
    std::error_code ec;  // a file that never existed (no audio) is fine
    fs::remove(audio_path(session_id), ec);
}

std::uint64_t recording_store::disk_use() const {
    std::uint64_t bytes = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code size_ec;
        if (it->is_regular_file(size_ec)) bytes += it->file_size(size_ec);
    }
    return bytes;
}

}  // namespace daring::server
