#include "storage/funding_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

funding_source read_funding(statement& q) {
    funding_source f;
    f.id = q.column(0).as_int64();
    f.code = q.column(1).as_text();
    f.name = q.column(2).as_text();
    f.kind = parse_funding_kind(q.column(3).as_text()).value_or(funding_kind::other);
    f.fiscal_year = q.column(4).as_int();
    f.amount_idr = q.column(5).as_int64();
    return f;
}

}  // namespace

std::int64_t insert_funding_source(connection& c, const funding_source& f, unix_seconds now) {
    statement q(
        c,
        "INSERT INTO funding_sources (code, name, kind, fiscal_year, amount_idr, created_at) "
        "VALUES (?,?,?,?,?,?)");
    q.bind(1, f.code);
    q.bind(2, f.name);
    q.bind(3, std::string(to_string(f.kind)));
    q.bind(4, f.fiscal_year);
    q.bind(5, static_cast<std::int64_t>(f.amount_idr));
    q.bind(6, static_cast<std::int64_t>(now));
    try {
        q.exec();
    } catch (const sql_error& e) {
        rethrow_constraint(e, "code", "funding source " + f.code + " already exists");
    }
    return c.last_insert_id();
}

std::vector<funding_source> list_funding_sources(connection& c) {
    statement q(
        c, "SELECT id, code, name, kind, fiscal_year, amount_idr FROM funding_sources ORDER BY id");
    std::vector<funding_source> out;
    while (q.step()) out.push_back(read_funding(q));
    return out;
}

std::optional<funding_source> find_funding_source(connection& c, std::int64_t id) {
    statement q(
        c,
        "SELECT id, code, name, kind, fiscal_year, amount_idr FROM funding_sources WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.step()) return std::nullopt;
    return read_funding(q);
}

}  // namespace daring::storage
