#pragma once
// The seeded demo: realistic Central Kalimantan data for `daring demo`.
#include <string>
#include <vector>

#include "server/services/password_hasher.hpp"
#include "server/util/clock.hpp"
#include "storage/database.hpp"

namespace daring::server {

struct demo_login {
    std::string role;
    std::string username;
    std::string password;
};

// Seeds an empty database (today's trainings and the 2020 one as it happened, certificates
// numbered with `certificate_prefix`); returns the logins to print.
std::vector<demo_login> seed_demo(storage::database& db, const password_hasher& hasher,
                                  const clock& clk, const std::string& admin_password,
                                  const std::string& certificate_prefix);

}  // namespace daring::server
