#pragma once
// Where recordings' audio files live: `<dir>/<session id>.opus`, built once per session. The one
// place that names, deletes and measures them (the recording routes, the retention sweep).
// Thread-safe: no state but the folder.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace daring::server {

class recording_store {
  public:
    explicit recording_store(std::filesystem::path dir) : dir_(std::move(dir)) {}
    std::filesystem::path audio_path(std::int64_t session_id) const;
    // Removes the session's audio file if there is one (the database row goes separately).
    void remove_audio(std::int64_t session_id) const;
    // Bytes of every file in the folder (for /metrics).
    std::uint64_t disk_use() const;

  private:
    std::filesystem::path dir_;
};

}  // namespace daring::server
