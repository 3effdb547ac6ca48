#pragma once
// Private to storage/: the SQLite connection behind the opaque `connection`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace daring::storage {

// The channels outside the app this server sends through; notifications queue outbox rows only
// for these (storage/outbox_repo).
struct outbox_channels {
    bool whatsapp = true;
    bool email = true;
};

class connection {
  public:
    connection(const std::string& path, int flags) : db(path, flags) {}
    SQLite::Database db;
    outbox_channels channels;
};

// A nullable integer column.
inline std::optional<std::int64_t> opt_int(const SQLite::Column& col) {
    if (col.isNull()) return std::nullopt;
    return col.getInt64();
}

// A nullable text column ("" when NULL).
inline std::string opt_text(const SQLite::Column& col) {
    return col.isNull() ? std::string{} : col.getString();
}
// Binds a nullable integer.
inline void bind_opt(SQLite::Statement& q, int i, const std::optional<std::int64_t>& v) {
    if (v)
        q.bind(i, static_cast<std::int64_t>(*v));
    else
        q.bind(i);
}

// "24,1" as {24, 1} (empty text: none): lists of whole numbers kept in one column.
inline std::vector<int> int_list(const std::string& text) {
    std::vector<int> out;
    std::size_t at = 0;
    while (at < text.size()) {
        auto comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        if (comma > at) out.push_back(std::stoi(text.substr(at, comma - at)));
        at = comma + 1;
    }
    return out;
}

// Runs `sql` and translates constraint failures into conflict_error / constraint_error.
[[noreturn]] void rethrow_constraint(const SQLite::Exception& e, const std::string& field,
                                     const std::string& message);

}  // namespace daring::storage
