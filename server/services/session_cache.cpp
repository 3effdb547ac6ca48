#include "server/services/session_cache.hpp"

#include <mutex>

namespace daring::server {

session_ref session_cache::find(const std::string& token_hash, protocol::unix_seconds now) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(token_hash);
    if (it == entries_.end() || now - it->second.cached_at >= session_cache_ttl ||
        now < it->second.cached_at)
        return nullptr;
    return it->second.session;
}

std::uint64_t session_cache::epoch() const {
    std::shared_lock lock(mutex_);
    return epoch_;
}

void session_cache::put(session_ref s, protocol::unix_seconds now, std::uint64_t read_epoch) {
    std::unique_lock lock(mutex_);
    if (read_epoch != epoch_) return;  // something was removed meanwhile: maybe this one
    if (entries_.size() >= session_cache_capacity && !entries_.contains(s->token_hash))
        entries_.clear();
    auto key = s->token_hash;
    entries_.insert_or_assign(std::move(key), entry{std::move(s), now, nullptr});
}

void session_cache::touched(const std::string& token_hash, protocol::unix_seconds now) {
    std::unique_lock lock(mutex_);
    if (auto it = entries_.find(token_hash); it != entries_.end()) {
        auto copy = std::make_shared<storage::auth_session>(*it->second.session);
        copy->last_seen_at = now;
        it->second.session = std::move(copy);
    }
}

std::shared_ptr<const std::string> session_cache::rendering(const std::string& token_hash) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(token_hash);
    return it == entries_.end() ? nullptr : it->second.rendering;
}

void session_cache::keep_rendering(const std::string& token_hash,
                                   std::shared_ptr<const std::string> text) {
    std::unique_lock lock(mutex_);
    if (auto it = entries_.find(token_hash); it != entries_.end())
        it->second.rendering = std::move(text);
}

void session_cache::forget(const std::string& token_hash) {
    std::unique_lock lock(mutex_);
    ++epoch_;
    entries_.erase(token_hash);
}

void session_cache::forget_user(std::int64_t user_id) {
    std::unique_lock lock(mutex_);
    ++epoch_;
    std::erase_if(entries_,
                  [user_id](const auto& kv) { return kv.second.session->user.id == user_id; });
}

std::size_t session_cache::size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
}

}  // namespace daring::server
