#include "storage/deck_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

constexpr const char* deck_columns =
    "SELECT id, session_id, status, kind, source_bytes, pages, pages_done, error_code, "
    "error_message, created_by, created_at FROM decks ";

deck read_deck(SQLite::Statement& q) {
    deck d;
    d.id = q.getColumn(0).getInt64();
    d.session_id = q.getColumn(1).getInt64();
    d.status = parse_deck_status(q.getColumn(2).getString()).value_or(deck_status::failed);
    d.kind = parse_deck_kind(q.getColumn(3).getString()).value_or(deck_kind::pdf);
    d.source_bytes = q.getColumn(4).getInt64();
    d.pages = q.getColumn(5).getInt();
    d.pages_done = q.getColumn(6).getInt();
    d.error_code = opt_text(q.getColumn(7));
    d.error_message = opt_text(q.getColumn(8));
    d.created_by = q.getColumn(9).getInt64();
    d.created_at = q.getColumn(10).getInt64();
    return d;
}

constexpr const char* material_columns =
    "SELECT id, training_id, name, content_type, bytes, file, created_by, created_at FROM "
    "materials ";

material read_material(SQLite::Statement& q) {
    material m;
    m.id = q.getColumn(0).getInt64();
    m.training_id = q.getColumn(1).getInt64();
    m.name = q.getColumn(2).getString();
    m.content_type = q.getColumn(3).getString();
    m.bytes = q.getColumn(4).getInt64();
    m.file = q.getColumn(5).getString();
    m.created_by = q.getColumn(6).getInt64();
    m.created_at = q.getColumn(7).getInt64();
    return m;
}

}  // namespace

std::int64_t insert_deck(connection& c, const deck& d) {
    SQLite::Statement q(c.db,
                        "INSERT INTO decks (session_id, status, kind, source_bytes, created_by, "
                        "created_at) VALUES (?,?,?,?,?,?)");
    q.bind(1, d.session_id);
    q.bind(2, std::string(to_string(d.status)));
    q.bind(3, std::string(to_string(d.kind)));
    q.bind(4, d.source_bytes);
    q.bind(5, d.created_by);
    q.bind(6, static_cast<std::int64_t>(d.created_at));
    q.exec();
    return c.db.getLastInsertRowid();
}

std::optional<deck> find_deck(connection& c, std::int64_t id) {
    SQLite::Statement q(c.db, std::string(deck_columns) + "WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_deck(q);
}

std::vector<deck> session_decks(connection& c, std::int64_t session_id) {
    SQLite::Statement q(c.db, std::string(deck_columns) + "WHERE session_id = ? ORDER BY id DESC");
    q.bind(1, session_id);
    std::vector<deck> out;
    while (q.executeStep()) out.push_back(read_deck(q));
    return out;
}

void set_deck_progress(connection& c, std::int64_t deck_id, int pages, int pages_done) {
    SQLite::Statement q(c.db, "UPDATE decks SET pages = ?, pages_done = ? WHERE id = ?");
    q.bind(1, pages);
    q.bind(2, pages_done);
    q.bind(3, deck_id);
    q.exec();
}

void insert_deck_page(connection& c, std::int64_t deck_id, const deck_page& p) {
    SQLite::Statement q(c.db,
                        "INSERT OR REPLACE INTO deck_pages (deck_id, n, width, height, small, "
                        "large, small_bytes, large_bytes, text) VALUES (?,?,?,?,?,?,?,?,?)");
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
    SQLite::Statement q(c.db,
                        "SELECT n, width, height, small, large, small_bytes, large_bytes, text "
                        "FROM deck_pages WHERE deck_id = ? ORDER BY n");
    q.bind(1, deck_id);
    std::vector<deck_page> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getInt(), q.getColumn(2).getInt(),
                       q.getColumn(3).getString(), q.getColumn(4).getString(),
                       q.getColumn(5).getInt64(), q.getColumn(6).getInt64(),
                       q.getColumn(7).getString()});
    }
    return out;
}

void finish_deck(connection& c, std::int64_t deck_id, unix_seconds now) {
    SQLite::Statement q(c.db,
                        "UPDATE decks SET status = 'ready', pages_done = pages, finished_at = ? "
                        "WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, deck_id);
    q.exec();
}

void fail_deck(connection& c, std::int64_t deck_id, const std::string& code,
               const std::string& message, unix_seconds now) {
    SQLite::Statement q(c.db,
                        "UPDATE decks SET status = 'failed', error_code = ?, error_message = ?, "
                        "finished_at = ? WHERE id = ?");
    q.bind(1, code);
    q.bind(2, message);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, deck_id);
    q.exec();
}

int fail_unfinished_decks(connection& c, unix_seconds now) {
    SQLite::Statement q(c.db,
                        "UPDATE decks SET status = 'failed', error_code = ?, error_message = ?, "
                        "finished_at = ? WHERE status = 'converting'");
    q.bind(1, std::string(deck_interrupted));
    q.bind(2, deck_error_message(deck_interrupted));
    q.bind(3, static_cast<std::int64_t>(now));
    return q.exec();
}

int converting_decks(connection& c, std::int64_t session_id) {
    SQLite::Statement q(c.db,
                        "SELECT COUNT(*) FROM decks WHERE session_id = ? AND status = "
                        "'converting'");
    q.bind(1, session_id);
    q.executeStep();
    return q.getColumn(0).getInt();
}

std::optional<deck_page> find_deck_page(connection& c, std::int64_t deck_id, int n) {
    SQLite::Statement q(c.db,
                        "SELECT width, height, small, large, small_bytes, large_bytes, text FROM "
                        "deck_pages WHERE deck_id = ? AND n = ?");
    q.bind(1, deck_id);
    q.bind(2, n);
    if (!q.executeStep()) return std::nullopt;
    return deck_page{n,
                     q.getColumn(0).getInt(),
                     q.getColumn(1).getInt(),
                     q.getColumn(2).getString(),
                     q.getColumn(3).getString(),
                     q.getColumn(4).getInt64(),
                     q.getColumn(5).getInt64(),
                     q.getColumn(6).getString()};
}

bool deck_has_image(connection& c, std::int64_t deck_id, const std::string& hash) {
    SQLite::Statement q(c.db,
                        "SELECT 1 FROM deck_pages WHERE deck_id = ? AND (small = ? OR large = ?) "
                        "LIMIT 1");
    q.bind(1, deck_id);
    q.bind(2, hash);
    q.bind(3, hash);
    return q.executeStep();
}

std::int64_t insert_material(connection& c, const material& m) {
    SQLite::Statement q(c.db,
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
    return c.db.getLastInsertRowid();
}

std::optional<material> find_material(connection& c, std::int64_t id) {
    SQLite::Statement q(c.db,
                        std::string(material_columns) + "WHERE id = ? AND deleted_at IS NULL");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_material(q);
}

std::vector<material> training_materials(connection& c, std::int64_t training_id) {
    SQLite::Statement q(c.db, std::string(material_columns) +
                                  "WHERE training_id = ? AND deleted_at IS NULL ORDER BY id");
    q.bind(1, training_id);
    std::vector<material> out;
    while (q.executeStep()) out.push_back(read_material(q));
    return out;
}

bool delete_material(connection& c, std::int64_t id, unix_seconds now) {
    SQLite::Statement q(c.db,
                        "UPDATE materials SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, id);
    return q.exec() > 0;
}

bool asset_in_use(connection& c, const std::string& hash) {
    SQLite::Statement q(c.db,
                        "SELECT 1 FROM materials WHERE file = ? AND deleted_at IS NULL UNION ALL "
                        "SELECT 1 FROM deck_pages WHERE small = ? OR large = ? LIMIT 1");
    q.bind(1, hash);
    q.bind(2, hash);
    q.bind(3, hash);
    return q.executeStep();
}

}  // namespace daring::storage
