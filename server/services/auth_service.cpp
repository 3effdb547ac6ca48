#include "server/services/auth_service.hpp"

#include "server/util/tokens.hpp"
#include "storage/users_repo.hpp"

namespace daring::server {

auth_service::auth_service(storage::database& db, const clock& clk, const password_hasher& hasher)
    : db_(db), clock_(clk), hasher_(hasher), dummy_hash_(hasher.hash(random_token(16))) {}

login_outcome auth_service::login(const std::string& username, const std::string& password,
                                  const std::string& address) {
    const auto now = clock_.now();
    if (auto wait = throttle_.retry_after(username, address, now)) return login_throttled{*wait};

    auto creds =
        db_.read([&](storage::connection& c) { return storage::find_credentials(c, username); });
    // Unknown users cost one verification too, so timing does not tell them apart.
    const bool ok = hasher_.verify(creds ? creds->password_hash : dummy_hash_, password) && creds;
    if (!ok) {
        throttle_.record(username, address, now);
        return login_refused{};
    }
    throttle_.forget(username, address);
    if (!creds->user.active()) return login_deactivated{};

    login_success out{creds->user, random_token(32), random_token(24)};
    const auto token_hash = sha256_hex(out.token);
    std::optional<std::string> new_hash;
    if (hasher_.needs_rehash(creds->password_hash)) new_hash = hasher_.hash(password);
    db_.write([&](storage::connection& c) {
        storage::insert_auth_session(c, token_hash, out.user.id, out.csrf_token, now);
        if (new_hash) storage::update_password_hash(c, out.user.id, *new_hash);
    });
    return out;
}

login_success auth_service::sign_in_within(storage::connection& c, const protocol::user& user) {
    login_success out{user, random_token(32), random_token(24)};
    storage::insert_auth_session(c, sha256_hex(out.token), user.id, out.csrf_token, clock_.now());
    return out;
}

void auth_service::end_user_sessions(std::int64_t user_id, const std::string& keep) {
    db_.write(
        [&](storage::connection& c) { storage::delete_user_auth_sessions(c, user_id, keep); });
    cache_.forget_user(user_id);
}

session_ref auth_service::authenticate(const std::string& token) {
    if (token.empty() || token.size() > 128) return nullptr;
    const auto hash = sha256_hex(token);
    const auto now = clock_.now();
    if (auto hit = cache_.find(hash, now)) return still_valid(std::move(hit), now);
    const auto epoch = cache_.epoch();
    auto found =
        db_.read([&](storage::connection& c) { return storage::find_auth_session(c, hash); });
    if (!found) return nullptr;
    auto session = std::make_shared<const storage::auth_session>(std::move(*found));
    cache_.put(session, now, epoch);
    return still_valid(std::move(session), now);
}

session_ref auth_service::cached(const std::string& token) {
    if (token.empty() || token.size() > 128) return nullptr;
    const auto now = clock_.now();
    auto hit = cache_.find(sha256_hex(token), now);
    if (!hit) return nullptr;
    return still_valid(std::move(hit), now);
}

session_ref auth_service::still_valid(session_ref session, protocol::unix_seconds now) {
    const auto hash = session->token_hash;
    if (now - session->last_seen_at >= session_idle_timeout ||
        now - session->created_at >= session_absolute_timeout) {
        cache_.forget(hash);
        db_.submit([hash](storage::connection& c) { storage::delete_auth_session(c, hash); },
                   [](std::exception_ptr) {});
        return nullptr;
    }
    if (now - session->last_seen_at >= session_touch_interval) {
        cache_.touched(hash, now);
        db_.submit(
            [hash, now](storage::connection& c) { storage::touch_auth_session(c, hash, now); },
            [](std::exception_ptr) {});
    }
    return session;
}

void auth_service::logout(const std::string& token) {
    const auto hash = sha256_hex(token);
    cache_.forget(hash);
    db_.write([&](storage::connection& c) { storage::delete_auth_session(c, hash); });
}

int auth_service::purge_expired() {
    const auto now = clock_.now();
    return db_.write([&](storage::connection& c) {
        return storage::delete_expired_auth_sessions(c, now - session_idle_timeout,
                                                     now - session_absolute_timeout);
    });
}

}  // namespace daring::server
