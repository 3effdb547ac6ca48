#include "storage/copy.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_connection.hpp"
#include "storage/sqlite_connection.hpp"

namespace daring::storage {

namespace {

struct table_shape {
    std::string name;
    std::vector<std::string> columns;
    std::vector<std::string> types;  // declared (INTEGER, TEXT, REAL, BLOB)
    bool has_rowid = true;           // false: WITHOUT ROWID
    std::set<std::string> parents;
};

std::vector<table_shape> shapes_of(connection& src) {
    std::vector<table_shape> out;
    statement tables(src,
                     "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                     "'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid");
    while (tables.step()) {
        table_shape t;
        t.name = tables.column(0).as_text();
        t.has_rowid = tables.column(1).as_text().find("WITHOUT ROWID") == std::string::npos;
        out.push_back(std::move(t));
    }
    for (auto& t : out) {
        statement cols(src, "SELECT name, upper(type) FROM pragma_table_info(?) ORDER BY cid");
        cols.bind(1, t.name);
        while (cols.step()) {
            t.columns.push_back(cols.column(0).as_text());
            t.types.push_back(cols.column(1).as_text());
        }
        statement keys(src, "SELECT \"table\" FROM pragma_foreign_key_list(?)");
        keys.bind(1, t.name);
        while (keys.step())
            if (keys.column(0).as_text() != t.name) t.parents.insert(keys.column(0).as_text());
    }
    return out;
}

// Parents before children (a table that refers to itself copies its rows in rowid order).
std::vector<table_shape> in_key_order(std::vector<table_shape> tables) {
    std::vector<table_shape> ordered;
    std::set<std::string> placed;
    while (!tables.empty()) {
        const auto ready = std::find_if(tables.begin(), tables.end(), [&](const table_shape& t) {
            return std::all_of(t.parents.begin(), t.parents.end(),
                               [&](const std::string& p) { return placed.contains(p); });
        });
        if (ready == tables.end()) throw std::runtime_error("foreign keys form a cycle");
        placed.insert(ready->name);
        ordered.push_back(std::move(*ready));
        tables.erase(ready);
    }
    return ordered;
}

std::string column_list(const table_shape& t) {
    std::string out;
    for (const auto& c : t.columns) out += (out.empty() ? "\"" : ", \"") + c + "\"";
    return out;
}

std::string select_all(const table_shape& t, bool by_rowid) {
    return "SELECT " + column_list(t) + " FROM \"" + t.name + "\"" +
           (by_rowid && t.has_rowid ? " ORDER BY rowid" : "");
}

void copy_value(statement& into, int i, const field& f) {
    switch (f.kind()) {
        case statement_impl::value_kind::null:
            into.bind(i);
            break;
        case statement_impl::value_kind::integer:
            into.bind(i, f.as_int64());
            break;
        case statement_impl::value_kind::real:
            into.bind(i, f.as_double());
            break;
        case statement_impl::value_kind::blob: {
            const auto bytes = f.as_blob();
            into.bind_blob(i, bytes.data(), bytes.size());
            break;
        }
        case statement_impl::value_kind::text:
            into.bind(i, f.as_text());
            break;
    }
}

std::int64_t copy_table(connection& src, connection& dst, const table_shape& t,
                        const std::function<void(const copy_progress&)>& progress) {
    copy_progress p{t.name, 0, src.scalar("SELECT COUNT(*) FROM \"" + t.name + "\"")};
    std::string marks;
    for (std::size_t i = 0; i < t.columns.size(); ++i) marks += i ? ", ?" : "?";
    statement read(src, select_all(t, true));
    statement write(
        dst, "INSERT INTO \"" + t.name + "\" (" + column_list(t) + ") VALUES (" + marks + ")");
    while (read.step()) {
        for (int i = 0; i < static_cast<int>(t.columns.size()); ++i)
            copy_value(write, i + 1, read.column(i));
        write.exec();
        write.reset();
        if (++p.done % 5000 == 0 && progress) progress(p);
    }
    if (progress) progress(p);
    return p.done;
}

// Identity columns continue above the copied keys.
void advance_identities(connection& dst) {
    statement ids(dst,
                  "SELECT table_name, column_name FROM information_schema.columns WHERE "
                  "table_schema = current_schema() AND is_identity = 'YES'");
    std::vector<std::pair<std::string, std::string>> found;
    while (ids.step()) found.emplace_back(ids.column(0).as_text(), ids.column(1).as_text());
    for (const auto& [table, column] : found) {
        std::string sql = "SELECT setval(pg_get_serial_sequence('\"";
        sql += table;
        sql += "\"', '";
        sql += column;
        sql += "'), COALESCE((SELECT MAX(\"";
        sql += column;
        sql += "\") FROM \"";
        sql += table;
        sql += "\"), 0) + 1, false)";
        dst.exec(sql);
    }
}

// A row as one number: its values in a form both engines print alike (numbers as numbers,
// bytes as bytes).
std::size_t row_hash(const statement& q, const table_shape& t) {
    std::string row;
    for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
        const auto f = q.column(i);
        const auto& type = t.types[static_cast<std::size_t>(i)];
        if (f.is_null())
            row += "\x01N";
        else if (type == "REAL")
            row += std::to_string(f.as_double());
        else if (type == "BLOB")
            row += f.as_blob();
        else
            row += f.as_text();
        row += '\x00';
    }
    return std::hash<std::string>{}(row);
}

std::vector<std::size_t> row_hashes(connection& c, const table_shape& t) {
    statement q(c, select_all(t, false));
    std::vector<std::size_t> out;
    while (q.step()) out.push_back(row_hash(q, t));
    std::sort(out.begin(), out.end());
    return out;
}

// Every row equal on both sides (compared as sorted row hashes, whatever order each engine
// returns them in).
void check_equal(connection& src, connection& dst, const table_shape& t) {
    const auto a = row_hashes(src, t), b = row_hashes(dst, t);
    if (a.size() != b.size())
        throw std::runtime_error("check: " + t.name + " has " + std::to_string(b.size()) +
                                 " rows, not " + std::to_string(a.size()));
    if (a != b) throw std::runtime_error("check: rows of " + t.name + " differ");
}

}  // namespace

std::vector<copied_table> copy_sqlite_to_postgresql(
    const std::string& sqlite_path, const std::string& postgresql_uri,
    const std::function<void(const copy_progress&)>& progress) {
    if (!std::filesystem::exists(sqlite_path))
        throw std::runtime_error("no SQLite database at " + sqlite_path);
    sqlite_connection src(sqlite_path, SQLite::OPEN_READONLY);
    const int latest = all_migrations().back().version;
    if (current_schema_version(src) != latest)
        throw std::runtime_error("the SQLite database is at schema " +
                                 std::to_string(current_schema_version(src)) + ", not " +
                                 std::to_string(latest) +
                                 ": start this version of daring on it once, then migrate");
    pg_connection dst(postgresql_uri);
    apply_migrations(dst);
    if (dst.scalar("SELECT COUNT(*) FROM users") > 0)
        throw std::runtime_error("the PostgreSQL database is not empty (it has users)");
    const auto tables = in_key_order(shapes_of(src));
    std::vector<copied_table> out;
    out.reserve(tables.size());
    transaction txn(dst);
    for (const auto& t : tables) out.push_back({t.name, copy_table(src, dst, t, progress)});
    advance_identities(dst);
    for (const auto& t : tables) check_equal(src, dst, t);
    txn.commit();
    return out;
}

}  // namespace daring::storage
