#include "server/demo_seed.hpp"

#include "storage/users_repo.hpp"

namespace daring::server {

namespace {

struct person {
    const char* username;
    const char* full_name;
    const char* business_name;
    const char* business_sector;
    const char* region_code;
};

// Small-business owners and cooperative members across Central Kalimantan (demo data).
constexpr person demo_trainees[] = {
    {"peserta01", "Siti Rahmawati", "Kerupuk Ikan Haruan Siti", "kuliner", "62.71"},
    {"peserta02", "Ahmad Fauzi", "Koperasi Tani Sejahtera", "koperasi", "62.03"},
    {"peserta03", "Dewi Lestari", "Anyaman Rotan Dewi", "kerajinan", "62.71"},
    {"peserta04", "Yohanes Saputra", "Madu Kelulut Katingan", "kuliner", "62.09"},
    {"peserta05", "Nurhaliza Putri", "Batik Benang Bintik Nur", "fesyen", "62.71"},
    {"peserta06", "Rudi Hartono", "Bengkel Motor Rudi", "jasa", "62.02"},
    {"peserta07", "Maria Ulfa", "Amplang Bu Maria", "kuliner", "62.01"},
    {"peserta08", "Hendrik Tarigan", "Kopi Liberika Kapuas", "kuliner", "62.03"},
    {"peserta09", "Fitri Handayani", "Koperasi Wanita Pulang Pisau", "koperasi", "62.10"},
    {"peserta10", "Agus Salim", "Ikan Asin Seruyan", "perikanan", "62.08"},
    {"peserta11", "Lina Marlina", "Sasirangan Lina", "fesyen", "62.71"},
    {"peserta12", "Bambang Susilo", "Mebel Kayu Bambang", "kerajinan", "62.04"},
    {"peserta13", "Wulan Sari", "Keripik Singkong Wulan", "kuliner", "62.11"},
    {"peserta14", "Petrus Dambung", "Kerajinan Manik Dayak", "kerajinan", "62.13"},
    {"peserta15", "Rina Apriani", "Laundry Rina", "jasa", "62.71"},
};

constexpr person demo_trainers[] = {
    {"pelatih.rina", "Rina Kartika, S.E.", "", "", "62.71"},
    {"pelatih.budi", "Budi Santoso, M.M.", "", "", "62.71"},
};

}  // namespace

std::vector<demo_login> seed_demo(storage::database& db, const password_hasher& hasher,
                                  const clock& clk, const std::string& admin_password) {
    const std::string trainer_password = "pelatih-daring";
    const std::string trainee_password = "peserta-daring";
    // One hash per distinct password keeps demo start-up fast.
    const auto admin_hash = hasher.hash(admin_password);
    const auto trainer_hash = hasher.hash(trainer_password);
    const auto trainee_hash = hasher.hash(trainee_password);
    const auto now = clk.now();
    db.write([&](storage::connection& c) {
        protocol::new_user admin{"admin", admin_password, "Administrator Diskop UKM Kalteng",
                                 protocol::role::admin, {}};
        if (!storage::username_exists(c, "admin")) storage::insert_user(c, admin, admin_hash, now);
        for (const auto& p : demo_trainers) {
            protocol::new_user u{p.username, trainer_password, p.full_name, protocol::role::trainer, {}};
            u.profile.region_code = p.region_code;
            storage::insert_user(c, u, trainer_hash, now);
        }
        for (const auto& p : demo_trainees) {
            protocol::new_user u{p.username, trainee_password, p.full_name, protocol::role::trainee, {}};
            u.profile.business_name = p.business_name;
            u.profile.business_sector = p.business_sector;
            u.profile.region_code = p.region_code;
            storage::insert_user(c, u, trainee_hash, now);
        }
    });
    return {{"admin", "admin", admin_password},
            {"trainer", demo_trainers[0].username, trainer_password},
            {"trainee", demo_trainees[0].username, trainee_password}};
}

}  // namespace daring::server
