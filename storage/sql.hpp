#pragma once
// Private to storage/: the seam between the repositories and a database engine. Repositories
// write SQL with `?` placeholders against `connection` and `statement`; an engine (SQLite in
// sqlite_connection, PostgreSQL in pg_connection) runs it. No engine type crosses this seam, so
// a repository is written once; where an engine needs other SQL, the repository asks
// `c.dialect()` in one place.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/session_scope.hpp"

namespace daring::storage {

enum class sql_dialect { sqlite, postgresql };

// What went wrong in the engine, in the engine's neutral words (database.cpp maps these onto
// the errors callers see: conflict, constraint, full, busy, read-only).
class sql_error : public std::runtime_error {
  public:
    enum class kind { unique, constraint, full, busy, read_only, unavailable, other };
    sql_error(kind k, const std::string& message) : std::runtime_error(message), what_kind(k) {}
    kind what_kind;
};

// One engine's prepared statement (implemented per engine).
class statement_impl {
  public:
    virtual ~statement_impl() = default;
    // The number of a named parameter (":name"; a name used twice is one parameter).
    virtual int parameter_index(const char* name) const = 0;
    virtual void bind_null(int i) = 0;
    virtual void bind_int64(int i, std::int64_t v) = 0;
    virtual void bind_double(int i, double v) = 0;
    virtual void bind_text(int i, std::string_view v) = 0;
    virtual void bind_blob(int i, const void* data, std::size_t size) = 0;
    virtual bool step() = 0;   // the next row; false after the last
    virtual int exec() = 0;    // runs a statement that returns no rows: the rows it changed
    virtual void reset() = 0;  // ready to run again with new bindings
    virtual bool is_null(int col) const = 0;
    // What the engine holds (SQLite's storage class; PostgreSQL answers text for any value).
    enum class value_kind { null, integer, real, text, blob };
    virtual value_kind kind_at(int col) const = 0;
    virtual int column_count() const = 0;
    virtual std::int64_t int64_at(int col) const = 0;
    virtual double double_at(int col) const = 0;
    virtual std::string text_at(int col) const = 0;
    virtual std::string blob_at(int col) const = 0;
};

// One column of the current row.
class field {
  public:
    field(const statement_impl& q, int col) : q_(q), col_(col) {}
    bool is_null() const { return q_.is_null(col_); }
    statement_impl::value_kind kind() const { return q_.kind_at(col_); }
    std::int64_t as_int64() const { return q_.int64_at(col_); }
    int as_int() const { return static_cast<int>(q_.int64_at(col_)); }
    double as_double() const { return q_.double_at(col_); }
    std::string as_text() const { return q_.text_at(col_); }
    std::string as_blob() const { return q_.blob_at(col_); }

  private:
    const statement_impl& q_;
    int col_;
};

// The channels outside the app this server sends through; notifications queue outbox rows only
// for these (storage/outbox_repo).
struct outbox_channels {
    bool whatsapp = true;
    bool email = true;
};

// An open connection to the database (one engine's).
class connection {
  public:
    virtual ~connection() = default;
    virtual sql_dialect dialect() const = 0;
    // Runs one or more statements without parameters.
    virtual void exec(const std::string& sql) = 0;
    virtual std::unique_ptr<statement_impl> prepare(const std::string& sql) = 0;
    // Opens the writer's transaction (SQLite takes the write lock at once).
    virtual void begin() = 0;
    // The key the last INSERT gave its row (in this connection).
    virtual std::int64_t last_insert_id() = 0;
    virtual bool table_exists(const std::string& name) = 0;
    // Before a pooled connection is lent out: one whose server ended the session while it was
    // idle (a database restart) connects anew first, so its next read does not fail for it.
    // Throws sql_error(unavailable) when the server is still away. SQLite: nothing to do.
    virtual void revive_if_lost() {}
    // The first column of the first row of `sql` as a number (0 without a row).
    std::int64_t scalar(const std::string& sql);
    outbox_channels channels;
};

// A prepared statement with `?` placeholders, numbered from 1, or named ones (":name").
class statement {
  public:
    statement(connection& c, const std::string& sql) : impl_(c.prepare(sql)) {}
    void bind(int i) { impl_->bind_null(i); }
    void bind(int i, int v) { impl_->bind_int64(i, v); }
    void bind(int i, long v) { impl_->bind_int64(i, v); }
    void bind(int i, long long v) { impl_->bind_int64(i, v); }
    void bind(int i, unsigned v) { impl_->bind_int64(i, v); }
    void bind(int i, bool v) { impl_->bind_int64(i, v ? 1 : 0); }
    void bind(int i, double v) { impl_->bind_double(i, v); }
    void bind(int i, const std::string& v) { impl_->bind_text(i, v); }
    void bind(int i, std::string_view v) { impl_->bind_text(i, v); }
    void bind(int i, const char* v) { impl_->bind_text(i, v); }
    void bind_blob(int i, const void* data, std::size_t size) { impl_->bind_blob(i, data, size); }
    // A named parameter (":name").
    template <class... V>
    void bind(const char* name, V&&... v) {
        bind(impl_->parameter_index(name), std::forward<V>(v)...);
    }
    bool step() { return impl_->step(); }
    int exec() { return impl_->exec(); }
    void reset() { impl_->reset(); }
    field column(int i) const { return {*impl_, i}; }
    int column_count() const { return impl_->column_count(); }

  private:
    std::unique_ptr<statement_impl> impl_;
};

inline std::int64_t connection::scalar(const std::string& sql) {
    statement q(*this, sql);
    return q.step() && !q.column(0).is_null() ? q.column(0).as_int64() : 0;
}

// A transaction that rolls back unless committed.
class transaction {
  public:
    explicit transaction(connection& c) : c_(c) { c_.exec("BEGIN"); }
    ~transaction() {
        if (!done_) {
            try {
                c_.exec("ROLLBACK");
            } catch (...) {  // the transaction is already gone
            }
        }
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit() {
        c_.exec("COMMIT");
        done_ = true;
    }

  private:
    connection& c_;
    bool done_ = false;
};

// A nullable integer column.
inline std::optional<std::int64_t> opt_int(const field& col) {
    if (col.is_null()) return std::nullopt;
    return col.as_int64();
}

// A nullable text column ("" when NULL).
inline std::string opt_text(const field& col) {
    return col.is_null() ? std::string{} : col.as_text();
}

// Binds a nullable integer.
inline void bind_opt(statement& q, int i, const std::optional<std::int64_t>& v) {
    if (v)
        q.bind(i, static_cast<std::int64_t>(*v));
    else
        q.bind(i);
}

// The condition that a row's `column` (a session id) lies in `scope`; the scope's id is ?1.
inline std::string in_scope(const session_scope& scope, const char* column = "session_id") {
    return std::string(column) +
           (scope.whole_training ? " IN (SELECT id FROM training_sessions WHERE training_id = ?1)"
                                 : " = ?1");
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

// A uniqueness failure becomes conflict_error(field, message), another constraint
// constraint_error; anything else is rethrown as it is.
[[noreturn]] void rethrow_constraint(const sql_error& e, const std::string& field,
                                     const std::string& message);

}  // namespace daring::storage
