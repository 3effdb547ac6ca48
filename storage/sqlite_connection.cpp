#include "storage/sqlite_connection.hpp"

#include <sqlite3.h>

namespace daring::storage {

void raise_sql_error(const SQLite::Exception& e) {
    using k = sql_error::kind;
    const int ext = e.getExtendedErrorCode();
    auto what = k::other;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        what = k::unique;
    else if (e.getErrorCode() == SQLITE_CONSTRAINT)
        what = k::constraint;
    else if (e.getErrorCode() == SQLITE_FULL)
        what = k::full;
    else if (e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED)
        what = k::busy;
    else if (e.getErrorCode() == SQLITE_READONLY)
        what = k::read_only;
    throw sql_error(what, e.what());
}

namespace {

class sqlite_statement final : public statement_impl {
  public:
    sqlite_statement(SQLite::Database& db, const std::string& sql) : q_(db, sql) {}
    int parameter_index(const char* name) const override { return q_.getIndex(name); }
    void bind_null(int i) override { q_.bind(i); }
    void bind_int64(int i, std::int64_t v) override { q_.bind(i, static_cast<int64_t>(v)); }
    void bind_double(int i, double v) override { q_.bind(i, v); }
    void bind_text(int i, std::string_view v) override { q_.bind(i, std::string(v)); }
    void bind_blob(int i, const void* data, std::size_t size) override {
        q_.bind(i, data, static_cast<int>(size));
    }
    bool step() override {
        try {
            return q_.executeStep();
        } catch (const SQLite::Exception& e) {
            raise_sql_error(e);
        }
    }
    int exec() override {
        try {
            return q_.exec();
        } catch (const SQLite::Exception& e) {
            raise_sql_error(e);
        }
    }
    void reset() override { q_.reset(); }
    bool is_null(int col) const override { return q_.getColumn(col).isNull(); }
    value_kind kind_at(int col) const override {
        switch (q_.getColumn(col).getType()) {
            case SQLITE_INTEGER:
                return value_kind::integer;
            case SQLITE_FLOAT:
                return value_kind::real;
            case SQLITE_BLOB:
                return value_kind::blob;
            case SQLITE_NULL:
                return value_kind::null;
            default:
                return value_kind::text;
        }
    }
    int column_count() const override { return q_.getColumnCount(); }
    std::int64_t int64_at(int col) const override { return q_.getColumn(col).getInt64(); }
    double double_at(int col) const override { return q_.getColumn(col).getDouble(); }
    std::string text_at(int col) const override { return q_.getColumn(col).getString(); }
    std::string blob_at(int col) const override {
        const auto c = q_.getColumn(col);
        return {static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes())};
    }

  private:
    mutable SQLite::Statement q_;
};

}  // namespace

void sqlite_connection::exec(const std::string& sql) {
    try {
        db.exec(sql);
    } catch (const SQLite::Exception& e) {
        raise_sql_error(e);
    }
}

std::unique_ptr<statement_impl> sqlite_connection::prepare(const std::string& sql) {
    try {
        return std::make_unique<sqlite_statement>(db, sql);
    } catch (const SQLite::Exception& e) {
        raise_sql_error(e);
    }
}

void sqlite_connection::begin() {
    exec("BEGIN IMMEDIATE");
}

}  // namespace daring::storage
