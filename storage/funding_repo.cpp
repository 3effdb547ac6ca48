#include "storage/funding_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

using namespace protocol;

namespace {

funding_source read_funding(SQLite::Statement& q) {
    funding_source f;
    f.id = q.getColumn(0).getInt64();
    f.code = q.getColumn(1).getString();
    f.name = q.getColumn(2).getString();
    f.kind = parse_funding_kind(q.getColumn(3).getString()).value_or(funding_kind::other);
    f.fiscal_year = q.getColumn(4).getInt();
    f.amount_idr = q.getColumn(5).getInt64();
    return f;
}

}  // namespace

std::int64_t insert_funding_source(connection& c, const funding_source& f, unix_seconds now) {
    SQLite::Statement q(
        c.db,
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
    } catch (const SQLite::Exception& e) {
        rethrow_constraint(e, "code", "funding source " + f.code + " already exists");
    }
    return c.db.getLastInsertRowid();
}

std::vector<funding_source> list_funding_sources(connection& c) {
    SQLite::Statement q(
        c.db,
        "SELECT id, code, name, kind, fiscal_year, amount_idr FROM funding_sources ORDER BY id");
    std::vector<funding_source> out;
    while (q.executeStep()) out.push_back(read_funding(q));
    return out;
}

std::optional<funding_source> find_funding_source(connection& c, std::int64_t id) {
    SQLite::Statement q(
        c.db,
        "SELECT id, code, name, kind, fiscal_year, amount_idr FROM funding_sources WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return read_funding(q);
}

}  // namespace daring::storage
