#include "storage/region_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

restriction read_restriction(statement& q) {
    restriction r;
    r.id = q.column(0).as_int64();
    r.region_code = q.column(1).as_text();
    r.starts_on = q.column(2).as_int64();
    r.ends_on = opt_int(q.column(3));
    r.max_gathering = q.column(4).as_int();
    r.label = q.column(5).as_text();
    r.reference = q.column(6).as_text();
    r.created_at = q.column(7).as_int64();
    return r;
}
const char* const restriction_columns =
    "id, region_code, starts_on, ends_on, max_gathering, label, reference, created_at";

}  // namespace

void insert_region(connection& c, const region& r) {
    statement q(c, "INSERT INTO regions (code, name, utc_offset_minutes) VALUES (?,?,?)");
    q.bind(1, r.code);
    q.bind(2, r.name);
    q.bind(3, r.utc_offset_minutes);
    try {
        q.exec();
    } catch (const sql_error& e) {
        rethrow_constraint(e, "code", "region " + r.code + " already exists");
    }
}

std::vector<region> list_regions(connection& c) {
    statement q(c, "SELECT code, name, utc_offset_minutes FROM regions ORDER BY code");
    std::vector<region> out;
    while (q.step())
        out.push_back({q.column(0).as_text(), q.column(1).as_text(), q.column(2).as_int()});
    return out;
}

std::optional<region> find_region(connection& c, const std::string& code) {
    statement q(c, "SELECT code, name, utc_offset_minutes FROM regions WHERE code = ?");
    q.bind(1, code);
    if (!q.step()) return std::nullopt;
    return region{q.column(0).as_text(), q.column(1).as_text(), q.column(2).as_int()};
}

std::int64_t insert_restriction(connection& c, const restriction& r,
                                std::optional<std::int64_t> created_by, unix_seconds now) {
    statement q(c,
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
    return c.last_insert_id();
}

std::vector<restriction> list_restrictions(connection& c, const std::string& region_code,
                                           const page_request& page) {
    statement q(c, std::string("SELECT ") + restriction_columns +
                       " FROM restrictions WHERE region_code = ?1 AND (starts_on, id) "
                       "> (?2, ?3) ORDER BY starts_on, id LIMIT ?4");
    q.bind(1, region_code);
    q.bind(2, page.after.size() == 2 ? page.after[0] : INT64_MIN);
    q.bind(3, page.after.size() == 2 ? page.after[1] : INT64_MIN);
    q.bind(4, static_cast<std::int64_t>(page.limit + 1));
    std::vector<restriction> out;
    while (q.step()) out.push_back(read_restriction(q));
    return out;
}

std::optional<restriction> find_restriction(connection& c, std::int64_t id) {
    statement q(c,
                std::string("SELECT ") + restriction_columns + " FROM restrictions WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.step()) return std::nullopt;
    return read_restriction(q);
}

void set_restriction_end(connection& c, std::int64_t id, std::optional<std::int64_t> ends_on) {
    statement q(c, "UPDATE restrictions SET ends_on = ? WHERE id = ?");
    bind_opt(q, 1, ends_on);
    q.bind(2, static_cast<std::int64_t>(id));
    q.exec();
}

}  // namespace daring::storage
