#pragma once
// The seeded demo: realistic Central Kalimantan data for `daring demo`.
#include <cstdint>
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

struct demo_seeded {
    std::vector<demo_login> logins;  // to print
    std::int64_t live_session = 0;   // the session on now, which presents the demo deck
    std::int64_t trainer_id = 0;     // its trainer
};

// Seeds an empty database (today's trainings and the 2020 one as it happened, certificates
// numbered with `certificate_prefix`).
demo_seeded seed_demo(storage::database& db, const password_hasher& hasher, const clock& clk,
                      const std::string& admin_password, const std::string& certificate_prefix);

// The demo deck's source: a flat OpenDocument presentation kept as text in the repository
// (demo/ beside the web root), converted at every demo start through the upload pipeline.
std::string demo_deck_path(const std::string& web_root);

}  // namespace daring::server
