#include "server/app/backups.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <vector>

#include "server/http/metrics.hpp"
#include "storage/backup.hpp"

namespace daring::server {

namespace fs = std::filesystem;

namespace {

constexpr const char* prefix = "daring-";
constexpr const char* suffix = ".db";

std::string file_name(protocol::unix_seconds t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm utc{};
    ::gmtime_r(&tt, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    return std::string(prefix) + stamp + suffix;
}

// The backups in `dir`, oldest first (their names sort by time).
std::vector<fs::path> backups_in(const std::string& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(suffix) && name.size() == 7 + 16 + 3)
            out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

protocol::unix_seconds time_of(const fs::path& p) {
    std::tm utc{};
    const auto name = p.filename().string();
    if (!::strptime(name.c_str() + 7, "%Y%m%dT%H%M%SZ", &utc)) return 0;
    return static_cast<protocol::unix_seconds>(::timegm(&utc));
}

}  // namespace

backup_schedule::backup_schedule(backup_settings settings, metrics& stats)
    : settings_(std::move(settings)), stats_(stats) {
    if (settings_.dir.empty()) return;
    auto existing = backups_in(settings_.dir);
    if (existing.empty()) return;
    last_ = time_of(existing.back());
    std::error_code ec;
    stats_.set_last_backup(last_, fs::file_size(existing.back(), ec));
}

void backup_schedule::run_if_due(protocol::unix_seconds now) {
    if (settings_.dir.empty()) return;
    const auto every = settings_.every_hours * std::int64_t{3600};
    if (last_ && now - last_ < every) {
        stats_.set_next_backup_due(last_ + every);
        return;
    }
    stats_.set_next_backup_due(now);  // a failure below is retried at the next look
    try {
        fs::create_directories(settings_.dir);
        const auto to = (fs::path(settings_.dir) / file_name(now)).string();
        const auto started = std::chrono::steady_clock::now();
        const auto made = storage::backup_database(settings_.db_path, to);
        last_ = now;
        stats_.set_last_backup(now, made.bytes);
        stats_.set_next_backup_due(now + every);
        spdlog::info(
            "backup written: {} ({} bytes, integrity ok, {:.1f} s)", to, made.bytes,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        prune();
    } catch (const std::exception& e) {
        spdlog::error("scheduled backup failed: {}", e.what());
    }
}

void backup_schedule::prune() {
    auto all = backups_in(settings_.dir);
    const auto keep = static_cast<std::size_t>(settings_.keep);
    for (std::size_t i = 0; i + keep < all.size(); ++i) {
        std::error_code ec;
        fs::remove(all[i], ec);
        if (!ec) spdlog::info("old backup removed: {}", all[i].string());
    }
}

}  // namespace daring::server
