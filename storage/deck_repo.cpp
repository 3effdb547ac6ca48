#include "storage/deck_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

constexpr const char* deck_columns =
    "SELECT id, session_id, status, kind, source_bytes, pages, pages_done, error_code, "
    "error_message, created_by, created_at FROM decks ";

deck read_deck(statement& q) {
    deck d;
    d.id = q.column(0).as_int64();
    d.session_id = q.column(1).as_int64();
    d.status = parse_deck_status(q.column(2).as_text()).value_or(deck_status::failed);
    d.kind = parse_deck_kind(q.column(3).as_text()).value_or(deck_kind::pdf);
    d.source_bytes = q.column(4).as_int64();
    d.pages = q.column(5).as_int();
    d.pages_done = q.column(6).as_int();
    d.error_code = opt_text(q.column(7));
    d.error_message = opt_text(q.column(8));
    d.created_by = q.column(9).as_int64();
    d.created_at = q.column(10).as_int64();
    return d;
}

constexpr const char* material_columns =
    "SELECT id, training_id, name, content_type, bytes, file, created_by, created_at FROM "
    "materials ";

material read_material(statement& q) {
    material m;
    m.id = q.column(0).as_int64();
    m.training_id = q.column(1).as_int64();
    m.name = q.column(2).as_text();
    m.content_type = q.column(3).as_text();
    m.bytes = q.column(4).as_int64();
    m.file = q.column(5).as_text();
    m.created_by = q.column(6).as_int64();
    m.created_at = q.column(7).as_int64();
    return m;
}

}  // namespace

std::int64_t insert_deck(connection& c, const deck& d, const std::string& node) {
    statement q(c,
                "INSERT INTO decks (session_id, status, kind, source_bytes, created_by, "
                "created_at, node, alive_at) VALUES (?,?,?,?,?,?,?,?)");
    q.bind(1, d.session_id);
    q.bind(2, std::string(to_string(d.status)));
    q.bind(3, std::string(to_string(d.kind)));
    q.bind(4, d.source_bytes);
    q.bind(5, d.created_by);
    q.bind(6, static_cast<std::int64_t>(d.created_at));
    q.bind(7, node);
    q.bind(8, static_cast<std::int64_t>(d.created_at));
    q.exec();
    return c.last_insert_id();
}

std::optional<deck> find_deck(connection& c, std::int64_t id) {
    statement q(c, std::string(deck_columns) + "WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_deck(q);
}

std::vector<deck> session_decks(connection& c, std::int64_t session_id) {
    statement q(c, std::string(deck_columns) + "WHERE session_id = ? ORDER BY id DESC");
    q.bind(1, session_id);
    std::vector<deck> out;
    while (q.step()) out.push_back(read_deck(q));
    return out;
}

void set_deck_progress(connection& c, std::int64_t deck_id, int pages, int pages_done) {
    statement q(c, "UPDATE decks SET pages = ?, pages_done = ? WHERE id = ?");
    q.bind(1, pages);
    q.bind(2, pages_done);
    q.bind(3, deck_id);
    q.exec();
}

void insert_deck_page(connection& c, std::int64_t deck_id, const deck_page& p) {
    statement q(c,
                "INSERT INTO deck_pages (deck_id, n, width, height, small, large, small_bytes, "
                "large_bytes, text) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (deck_id, n) DO UPDATE "
                "SET width = excluded.width, height = excluded.height, small = excluded.small, "
                "large = excluded.large, small_bytes = excluded.small_bytes, "
                "large_bytes = excluded.large_bytes, text = excluded.text");
    q.bind(1, deck_id);
    q.bind(2, p.n);
    q.bind(3, p.width);
    q.bind(4, p.height);
    q.bind(5, p.small);
    q.bind(6, p.large);
    q.bind(7, p.small_bytes);
    q.bind(8, p.large_bytes);
    q.bind(9, p.text);
    q.exec();
}

std::vector<deck_page> deck_pages(connection& c, std::int64_t deck_id) {
    statement q(c,
                "SELECT n, width, height, small, large, small_bytes, large_bytes, text "
                "FROM deck_pages WHERE deck_id = ? ORDER BY n");
    q.bind(1, deck_id);
    std::vector<deck_page> out;
    while (q.step()) {
        out.push_back({q.column(0).as_int(), q.column(1).as_int(), q.column(2).as_int(),
                       q.column(3).as_text(), q.column(4).as_text(), q.column(5).as_int64(),
                       q.column(6).as_int64(), q.column(7).as_text()});
    }
    return out;
}

void finish_deck(connection& c, std::int64_t deck_id, unix_seconds now) {
    statement q(c,
                "UPDATE decks SET status = 'ready', pages_done = pages, finished_at = ? "
                "WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, deck_id);
    q.exec();
}

void fail_deck(connection& c, std::int64_t deck_id, const std::string& code,
               const std::string& message, unix_seconds now) {
    statement q(c,
                "UPDATE decks SET status = 'failed', error_code = ?, error_message = ?, "
                "finished_at = ? WHERE id = ?");
    q.bind(1, code);
    q.bind(2, message);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, deck_id);
    q.exec();
}

namespace {

// Decks still converting that `where` picks (its parameters from 4 on) -> failed `interrupted`.
statement fail_interrupted(connection& c, unix_seconds now, const std::string& where) {
    statement q(c,
                "UPDATE decks SET status = 'failed', error_code = ?, error_message = ?, "
                "finished_at = ? WHERE status = 'converting' AND " +
                    where);
    q.bind(1, std::string(deck_interrupted));
    q.bind(2, deck_error_message(deck_interrupted));
    q.bind(3, static_cast<std::int64_t>(now));
    return q;
}

}  // namespace

int fail_unfinished_decks(connection& c, unix_seconds now, const std::string& node) {
    auto q = fail_interrupted(c, now, "node = ?");
    q.bind(4, node);
    return q.exec();
}

void keep_conversions_alive(connection& c, const std::string& node, unix_seconds now) {
    statement q(c, "UPDATE decks SET alive_at = ? WHERE status = 'converting' AND node = ?");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, node);
    q.exec();
}

int fail_abandoned_decks(connection& c, unix_seconds now, unix_seconds silent_since) {
    auto q = fail_interrupted(c, now, "COALESCE(alive_at, created_at) < ?");
    q.bind(4, static_cast<std::int64_t>(silent_since));
    return q.exec();
}

int converting_decks(connection& c, std::int64_t session_id) {
    statement q(c,
                "SELECT COUNT(*) FROM decks WHERE session_id = ? AND status = "
                "'converting'");
    q.bind(1, session_id);
    q.step();
    return q.column(0).as_int();
}

std::optional<deck_page> find_deck_page(connection& c, std::int64_t deck_id, int n) {
    statement q(c,
                "SELECT width, height, small, large, small_bytes, large_bytes, text FROM "
                "deck_pages WHERE deck_id = ? AND n = ?");
    q.bind(1, deck_id);
    q.bind(2, n);
    if (!q.step()) return std::nullopt;
    return deck_page{n,
                     q.column(0).as_int(),
                     q.column(1).as_int(),
                     q.column(2).as_text(),
                     q.column(3).as_text(),
                     q.column(4).as_int64(),
                     q.column(5).as_int64(),
                     q.column(6).as_text()};
}

bool deck_has_image(connection& c, std::int64_t deck_id, const std::string& hash) {
    statement q(c,
                "SELECT 1 FROM deck_pages WHERE deck_id = ? AND (small = ? OR large = ?) "
                "LIMIT 1");
    q.bind(1, deck_id);
    q.bind(2, hash);
    q.bind(3, hash);
    return q.step();
}

std::int64_t insert_material(connection& c, const material& m) {
    statement q(c,
                "INSERT INTO materials (training_id, name, content_type, bytes, file, "
                "created_by, created_at) VALUES (?,?,?,?,?,?,?)");
    q.bind(1, m.training_id);
    q.bind(2, m.name);
    q.bind(3, m.content_type);
    q.bind(4, m.bytes);
    q.bind(5, m.file);
    q.bind(6, m.created_by);
    q.bind(7, static_cast<std::int64_t>(m.created_at));
    q.exec();
    return c.last_insert_id();
}

std::optional<material> find_material(connection& c, std::int64_t id) {
    statement q(c, std::string(material_columns) + "WHERE id = ? AND deleted_at IS NULL");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_material(q);
}

std::vector<material> training_materials(connection& c, std::int64_t training_id) {
    statement q(c, std::string(material_columns) +
                       "WHERE training_id = ? AND deleted_at IS NULL ORDER BY id");
    q.bind(1, training_id);
    std::vector<material> out;
    while (q.step()) out.push_back(read_material(q));
    return out;
}

bool delete_material(connection& c, std::int64_t id, unix_seconds now) {
    statement q(c, "UPDATE materials SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, id);
    return q.exec() > 0;
}

bool asset_in_use(connection& c, const std::string& hash) {
    statement q(c,
                "SELECT 1 FROM materials WHERE file = ? AND deleted_at IS NULL UNION ALL "
                "SELECT 1 FROM deck_pages WHERE small = ? OR large = ? LIMIT 1");
    q.bind(1, hash);
    q.bind(2, hash);
    q.bind(3, hash);
    return q.step();
}

}  // namespace daring::storage
