#include "storage/region_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

restriction read_restriction(SQLite::Statement& q) {
    restriction r;
    r.id = q.getColumn(0).getInt64();
    r.region_code = q.getColumn(1).getString();
    r.starts_on = q.getColumn(2).getInt64();
    r.ends_on = opt_int(q.getColumn(3));
    r.max_gathering = q.getColumn(4).getInt();
    r.label = q.getColumn(5).getString();
    r.reference = q.getColumn(6).getString();
    r.created_at = q.getColumn(7).getInt64();
    return r;
}
const char* const restriction_columns =
    "id, region_code, starts_on, ends_on, max_gathering, label, reference, created_at";

}  // namespace

void insert_region(connection& c, const region& r) {
    SQLite::Statement q(c.db,
                        "INSERT INTO regions (code, name, utc_offset_minutes) VALUES (?,?,?)");
    q.bind(1, r.code);
    q.bind(2, r.name);
    q.bind(3, r.utc_offset_minutes);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        rethrow_constraint(e, "code", "region " + r.code + " already exists");
    }
}

std::vector<region> list_regions(connection& c) {
    SQLite::Statement q(c.db, "SELECT code, name, utc_offset_minutes FROM regions ORDER BY code");
    std::vector<region> out;
    while (q.executeStep())
        out.push_back(
            {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt()});
    return out;
}

std::optional<region> find_region(connection& c, const std::string& code) {
    SQLite::Statement q(c.db, "SELECT code, name, utc_offset_minutes FROM regions WHERE code = ?");
    q.bind(1, code);
    if (!q.executeStep()) return std::nullopt;
    return region{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt()};
}

std::int64_t insert_restriction(connection& c, const restriction& r,
                                std::optional<std::int64_t> created_by, unix_seconds now) {
    SQLite::Statement q(
        c.db,
        "INSERT INTO restrictions (region_code, starts_on, ends_on, max_gathering, label, "
        "reference, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)");
    q.bind(1, r.region_code);
    q.bind(2, static_cast<std::int64_t>(r.starts_on));
    bind_opt(q, 3, r.ends_on);
    q.bind(4, r.max_gathering);
    q.bind(5, r.label);
    q.bind(6, r.reference);
    bind_opt(q, 7, created_by);
    q.bind(8, static_cast<std::int64_t>(now));
    q.exec();
    return c.db.getLastInsertRowid();
}

std::vector<restriction> list_restrictions(connection& c, const std::string& region_code,
                                           const page_request& page) {
    SQLite::Statement q(c.db, std::string("SELECT ") + restriction_columns +
                                  " FROM restrictions WHERE region_code = ?1 AND (starts_on, id) "
                                  "> (?2, ?3) ORDER BY starts_on, id LIMIT ?4");
    q.bind(1, region_code);
    q.bind(2, page.after.size() == 2 ? page.after[0] : INT64_MIN);
    q.bind(3, page.after.size() == 2 ? page.after[1] : INT64_MIN);
    q.bind(4, static_cast<std::int64_t>(page.limit + 1));
    std::vector<restriction> out;
    while (q.executeStep()) out.push_back(read_restriction(q));
    return out;
}

std::optional<restriction> find_restriction(connection& c, std::int64_t id) {
    SQLite::Statement q(
        c.db, std::string("SELECT ") + restriction_columns + " FROM restrictions WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return read_restriction(q);
}

void set_restriction_end(connection& c, std::int64_t id, std::optional<std::int64_t> ends_on) {
    SQLite::Statement q(c.db, "UPDATE restrictions SET ends_on = ? WHERE id = ?");
    bind_opt(q, 1, ends_on);
    q.bind(2, static_cast<std::int64_t>(id));
    q.exec();
}

}  // namespace daring::storage
