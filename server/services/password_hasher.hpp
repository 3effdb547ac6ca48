#pragma once
// argon2id password hashes through libsodium. Hashing costs tens of milliseconds and 19 MiB:
// call only from the worker pool, never from an I/O thread. Thread-safe.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace daring::server {

struct password_cost {
    unsigned long long ops = 2;            // argon2 t
    std::size_t memory_bytes = 19u << 20;  // argon2 m: OWASP minimum, 19 MiB

    // Tests only (--test-cheap-passwords): microseconds instead of tens of milliseconds.
    static password_cost cheapest_for_tests() { return {1, 64u << 10}; }
};

class password_hasher {
  public:
    explicit password_hasher(password_cost cost = {});
    std::string hash(std::string_view password) const;
    bool verify(std::string_view hash, std::string_view password) const;
    // True when `hash` was made with other parameters than the current ones.
    bool needs_rehash(std::string_view hash) const;
    // Hashes of every password, in order, computed on all cores (an import of a thousand users
    // stays in seconds).
    std::vector<std::string> hash_all(const std::vector<std::string_view>& passwords) const;
    const password_cost& cost() const { return cost_; }

  private:
    password_cost cost_;
};

}  // namespace daring::server
