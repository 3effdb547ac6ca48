#include "server/services/password_hasher.hpp"

#include <sodium.h>

#include <algorithm>
#include <future>
#include <stdexcept>
#include <thread>

namespace daring::server {

password_hasher::password_hasher(password_cost cost) : cost_(cost) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string password_hasher::hash(std::string_view password) const {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.ops, cost_.memory_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("password hashing ran out of memory");
    }
    return out;
}

bool password_hasher::verify(std::string_view hash, std::string_view password) const {
    std::string h(hash);  // must be NUL-terminated
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_hasher::needs_rehash(std::string_view hash) const {
    std::string h(hash);
    return crypto_pwhash_str_needs_rehash(h.c_str(), cost_.ops, cost_.memory_bytes) != 0;
}

std::vector<std::string> password_hasher::hash_all(
    const std::vector<std::string_view>& passwords) const {
    std::vector<std::string> hashes(passwords.size());
    const std::size_t lanes = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::future<void>> tasks;
    for (std::size_t lane = 0; lane < lanes; ++lane) {
        tasks.push_back(std::async(std::launch::async, [&, lane] {
            for (std::size_t i = lane; i < passwords.size(); i += lanes)
                hashes[i] = hash(passwords[i]);
        }));
    }
    for (auto& task : tasks) task.get();
    return hashes;
}

}  // namespace daring::server
