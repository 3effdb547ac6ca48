#include "server/app/demo_seed.hpp"

#include <cstdio>
#include <filesystem>

#include "protocol/quiz.hpp"
#include "server/app/demo_history.hpp"
#include "server/services/delivery_service.hpp"
#include "storage/funding_repo.hpp"
#include "storage/outbox_repo.hpp"
#include "storage/quiz_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"
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

// Central Kalimantan and its regencies (Kemendagri codes), all on WIB.
constexpr struct {
    const char* code;
    const char* name;
} kalteng_regions[] = {
    {"62", "Provinsi Kalimantan Tengah"},
    {"62.01", "Kabupaten Kotawaringin Barat"},
    {"62.02", "Kabupaten Kotawaringin Timur"},
    {"62.03", "Kabupaten Kapuas"},
    {"62.04", "Kabupaten Barito Selatan"},
    {"62.05", "Kabupaten Barito Utara"},
    {"62.06", "Kabupaten Sukamara"},
    {"62.07", "Kabupaten Lamandau"},
    {"62.08", "Kabupaten Seruyan"},
    {"62.09", "Kabupaten Katingan"},
    {"62.10", "Kabupaten Pulang Pisau"},
    {"62.11", "Kabupaten Gunung Mas"},
    {"62.12", "Kabupaten Barito Timur"},
    {"62.13", "Kabupaten Murung Raya"},
    {"62.71", "Kota Palangka Raya"},
};
constexpr int wib = protocol::wib_utc_offset_minutes;

protocol::unix_seconds wib_time(const char* date, int hour, int minute = 0) {
    return *protocol::parse_date(date) * 86400 + hour * 3600 + minute * 60 - wib * 60;
}

// Today's WIB date plus `days`, at hh:mm WIB.
protocol::unix_seconds wib_days_from(protocol::unix_seconds now, int days, int hour,
                                     int minute = 0) {
    auto day = (now + wib * 60) / 86400 + days;
    return day * 86400 + hour * 3600 + minute * 60 - wib * 60;
}

std::vector<protocol::slide> slides_for(const std::string& topic) {
    return {
        {"Pembukaan",
         "# " + topic +
             "\n\nSelamat datang di pelatihan daring Dinas Koperasi dan UKM "
             "Provinsi Kalimantan Tengah.\n\n- Perkenalan\n- Tujuan sesi\n- Tata tertib"},
        {"Materi inti",
         "## Pokok bahasan\n\n1. Mengenal pelanggan\n2. Menyusun pesan\n3. Mengukur hasil"},
        {"Studi kasus",
         "Contoh: **Kerupuk Ikan Haruan Siti** menjual lewat lokapasar dan WhatsApp."},
        {"Penutup", "Terima kasih. Kerjakan *post-test* sebelum sesi berikutnya."},
    };
}

struct demo_session_plan {
    const char* title;
    protocol::unix_seconds starts_at;
    protocol::unix_seconds ends_at;
};

// Inserts a session as planned and lets the delivery policy decide at `decided_now`.
std::int64_t add_session(storage::connection& c, const protocol::training& t,
                         const demo_session_plan& p, protocol::unix_seconds created_at) {
    protocol::session s;
    s.training_id = t.id;
    s.title = p.title;
    s.starts_at = p.starts_at;
    s.ends_at = p.ends_at;
    s.slides = slides_for(t.title);
    s.current.mode = t.planned_mode;
    s.current.reason = "As planned.";
    s.current.reason_id = "Sesuai rencana.";
    s.current.decided_at = created_at;
    auto id = storage::insert_session(c, s, created_at);
    reevaluate(c, {id, std::nullopt, std::nullopt, 0}, created_at);
    return id;
}

}  // namespace

namespace {

std::int64_t id_of(storage::connection& c, const char* username) {
    return storage::find_credentials(c, username)->user.id;
}

struct demo_trainings {
    protocol::training marketing, bookkeeping, packaging;
};

// The DAK line of 2020 and three trainings: one held in 2020, two coming up.
demo_trainings seed_trainings(storage::connection& c, protocol::unix_seconds history,
                              protocol::unix_seconds now) {
    protocol::funding_source dak{
        0,
        "DAK-NF-PK2UKM-2020",
        "DAK Nonfisik Peningkatan Kapasitas Koperasi dan UKM 2020 (data demo)",
        protocol::funding_kind::dak,
        2020,
        1'250'000'000};
    dak.id = storage::insert_funding_source(c, dak, history);

    protocol::training marketing;
    marketing.title = "Pemasaran Digital untuk UMKM";
    marketing.description = "Memasarkan produk usaha mikro lewat media sosial dan lokapasar.";
    marketing.region_code = "62.71";
    marketing.funding_source_id = dak.id;
    marketing.venue = "PLUT KUMKM Kalimantan Tengah, Palangka Raya";
    marketing.planned_mode = protocol::delivery_mode::in_person;
    marketing.policy = protocol::switch_policy::automatic;
    marketing.id = storage::insert_training(c, marketing, history);

    protocol::training bookkeeping = marketing;
    bookkeeping.title = "Pembukuan Sederhana untuk Koperasi";
    bookkeeping.description = "Pencatatan kas, neraca sederhana dan laporan RAT koperasi.";
    bookkeeping.region_code = "62.03";
    bookkeeping.venue = "Aula Dinas Koperasi dan UKM Kabupaten Kapuas";
    bookkeeping.planned_mode = protocol::delivery_mode::hybrid;
    bookkeeping.policy = protocol::switch_policy::approval;
    bookkeeping.room_capacity = 10;
    bookkeeping.id = storage::insert_training(c, bookkeeping, now);

    protocol::training packaging = marketing;
    packaging.title = "Desain Kemasan Produk UMKM";
    packaging.description = "Kemasan yang aman, menarik dan sesuai aturan label pangan.";
    packaging.planned_mode = protocol::delivery_mode::online;
    packaging.venue = "";
    packaging.id = storage::insert_training(c, packaging, now);

    return {marketing, bookkeeping, packaging};
}

void seed_people(storage::connection& c, const demo_trainings& d, protocol::unix_seconds history,
                 protocol::unix_seconds now) {
    const auto& [marketing, bookkeeping, packaging] = d;
    const auto rina = id_of(c, "pelatih.rina");
    const auto budi = id_of(c, "pelatih.budi");
    storage::assign_trainer(c, marketing.id, rina, history);
    storage::assign_trainer(c, packaging.id, rina, now);
    storage::assign_trainer(c, bookkeeping.id, budi, now);
    for (const auto& p : demo_trainees) {
        auto id = id_of(c, p.username);
        storage::enroll(c, marketing.id, id, history);
        storage::enroll(c, packaging.id, id, now);
        if (std::string(p.business_sector) == "koperasi" || std::string(p.region_code) == "62.03") {
            storage::enroll(c, bookkeeping.id, id, now);
        }
    }
}

void seed_2020(storage::connection& c, const protocol::training& marketing,
               protocol::unix_seconds history) {
    // 2020: sessions planned in person at PLUT; the PSBB of Palangka Raya moves the later ones
    // online, decided by the rule on the day the restriction was recorded.
    add_session(
        c, marketing,
        {"Sesi 1: Mengenal pasar digital", wib_time("2020-05-05", 9), wib_time("2020-05-05", 12)},
        history);
    add_session(
        c, marketing,
        {"Sesi 2: Media sosial untuk usaha", wib_time("2020-05-14", 9), wib_time("2020-05-14", 12)},
        history);
    add_session(
        c, marketing,
        {"Sesi 3: Berjualan di lokapasar", wib_time("2020-05-20", 9), wib_time("2020-05-20", 12)},
        history);
    protocol::restriction psbb;
    psbb.region_code = "62.71";
    psbb.starts_on = *protocol::parse_date("2020-05-11");
    psbb.ends_on = *protocol::parse_date("2020-06-07");
    psbb.max_gathering = 5;
    psbb.label = "PSBB Kota Palangka Raya";
    psbb.reference = "Perwali Palangka Raya No. 12 Tahun 2020 (data demo)";
    const auto recorded = wib_time("2020-05-08", 10);
    storage::insert_restriction(c, psbb, std::nullopt, recorded);
    reevaluate(c, {std::nullopt, marketing.id, std::nullopt, recorded}, recorded);
}

// Returns the session that is on now (the demo's deck goes there).
std::int64_t seed_upcoming(storage::connection& c, const demo_trainings& d,
                           protocol::unix_seconds now) {
    const auto& [marketing, bookkeeping, packaging] = d;
    // Upcoming sessions, relative to now, so the demo can go live (the first one is on now:
    // started half an hour ago, for eight hours).
    const auto on_now = add_session(
        c, packaging, {"Sesi 1: Fungsi kemasan", now / 60 * 60 - 30 * 60, now / 60 * 60 + 8 * 3600},
        now);
    add_session(c, packaging,
                {"Sesi 2: Label pangan", wib_days_from(now, 7, 9), wib_days_from(now, 7, 11)}, now);
    add_session(c, bookkeeping,
                {"Sesi 1: Buku kas harian", wib_days_from(now, 3, 9), wib_days_from(now, 3, 12)},
                now);
    add_session(c, bookkeeping,
                {"Sesi 2: Laporan RAT", wib_days_from(now, 10, 9), wib_days_from(now, 10, 12)},
                now);
    return on_now;
}

void seed_quizzes(storage::connection& c, const protocol::training& packaging,
                  protocol::unix_seconds now) {
    const auto rina = id_of(c, "pelatih.rina");
    // Quizzes of the packaging training: a live poll and a pre-test.
    auto add_quiz = [&](const char* definition) {
        auto parsed = protocol::parse_quiz(protocol::json::parse(definition));
        if (!parsed)
            throw std::runtime_error("demo quiz: " + parsed.err().field + ": " +
                                     parsed.err().message);
        auto q = std::move(*parsed);
        q.training_id = packaging.id;
        q.created_by = rina;
        q.created_at = now;
        storage::insert_quiz(c, q);
    };
    add_quiz(R"({"title": "Jajak pendapat: kemasan favorit", "kind": "poll", "questions": [
        {"type": "single", "prompt": "Kemasan mana yang paling menarik untuk keripik?",
         "options": ["Standing pouch", "Toples plastik", "Kotak kertas"]}]})");
    add_quiz(R"({"title": "Pre-test kemasan", "kind": "pre_test", "questions": [
        {"type": "true_false", "prompt": "Label pangan wajib mencantumkan tanggal kedaluwarsa.", "correct": true},
        {"type": "single", "prompt": "Fungsi utama kemasan primer?", "options": ["Melindungi produk", "Hiasan", "Mengurangi berat"], "correct": 0}]})");
}

// Demo data, labelled as such: the restriction dates and decree numbers are illustrative.
// Returns the 2020 training, held, with its evidence.
demo_past seed_plan(storage::connection& c, protocol::unix_seconds now, std::int64_t& on_now) {
    for (const auto& r : kalteng_regions) storage::insert_region(c, {r.code, r.name, wib});
    const auto history = wib_time("2020-05-01", 9);  // when the 2020 plan was entered
    const auto trainings = seed_trainings(c, history, now);
    seed_people(c, trainings, history, now);
    seed_2020(c, trainings.marketing, history);
    demo_past past{trainings.marketing.id, id_of(c, "pelatih.rina"), id_of(c, "admin"), {}};
    for (const auto& p : demo_trainees) past.trainee_ids.push_back(id_of(c, p.username));
    seed_past_evidence(c, past);
    on_now = seed_upcoming(c, trainings, now);
    seed_quizzes(c, trainings.packaging, now);
    return past;
}

// Demo contact details: numbers in the 0812-0000 block and the reserved example domain.
protocol::user_profile demo_profile(const person& p, std::size_t k) {
    protocol::user_profile profile;
    profile.business_name = p.business_name;
    profile.business_sector = p.business_sector;
    profile.region_code = p.region_code;
    char digits[32];
    std::snprintf(digits, sizeof digits, "+62812000000%02zu", k + 1);
    profile.phone = digits;
    profile.email = std::string(p.username) + "@umkm.example";
    std::snprintf(digits, sizeof digits, "91200%08zu", 2020000 + k + 1);
    profile.nib = digits;
    return profile;
}

}  // namespace

demo_seeded seed_demo(storage::database& db, const password_hasher& hasher, const clock& clk,
                      const std::string& admin_password, const std::string& certificate_prefix) {
    const std::string trainer_password = "pelatih-daring";
    const std::string trainee_password = "peserta-daring";
    // One hash per distinct password keeps demo start-up fast.
    const auto admin_hash = hasher.hash(admin_password);
    const auto trainer_hash = hasher.hash(trainer_password);
    const auto trainee_hash = hasher.hash(trainee_password);
    const auto now = clk.now();
    std::int64_t on_now = 0;
    auto past = db.write([&](storage::connection& c) {
        protocol::new_user admin{
            "admin", admin_password, "Administrator Diskop UKM Kalteng", protocol::role::admin, {}};
        if (!storage::username_exists(c, "admin")) storage::insert_user(c, admin, admin_hash, now);
        for (const auto& p : demo_trainers) {
            protocol::new_user u{
                p.username, trainer_password, p.full_name, protocol::role::trainer, {}};
            u.profile.region_code = p.region_code;
            storage::insert_user(c, u, trainer_hash, now);
        }
        for (std::size_t k = 0; k < std::size(demo_trainees); ++k) {
            const auto& p = demo_trainees[k];
            protocol::new_user u{
                p.username, trainee_password, p.full_name, protocol::role::trainee, {}};
            u.profile = demo_profile(p, k);
            storage::insert_user(c, u, trainee_hash, now);
        }
        auto past = seed_plan(c, now, on_now);
        // The seeded history's notices stay in the app; they are not news to send.
        storage::discard_unsent_outbox(c);
        return past;
    });
    issue_past_certificates(db, past, certificate_prefix);
    return {{{"admin", "admin", admin_password},
             {"trainer", demo_trainers[0].username, trainer_password},
             {"trainee", demo_trainees[0].username, trainee_password}},
            on_now,
            db.read([](storage::connection& c) { return id_of(c, demo_trainers[0].username); })};
}

std::string demo_deck_path(const std::string& web_root) {
    return (std::filesystem::path(web_root).parent_path() / "demo" / "kemasan-produk.fodp")
        .string();
}

}  // namespace daring::server
