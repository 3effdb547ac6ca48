#include "storage/pg_connection.hpp"

#include <poll.h>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <pqxx/pqxx>

// libpqxx 6.4 passes a run-time list of parameters (some null) only through `invocation`,
// which it marks deprecated in favour of compile-time lists.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace daring::storage {

namespace {

bool name_start(char ch) {
    return std::isalpha(static_cast<unsigned char>(ch)) || ch == '_';
}

bool name_char(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
}

// The index of `name` among the parameters, added when new (1-based).
std::size_t number_of(std::vector<std::string>& names, const std::string& name) {
    if (!name.empty()) {
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == name) return i + 1;
    }
    names.push_back(name);
    return names.size();
}

// SQLSTATE classes as the seam's kinds.
sql_error::kind kind_of(const std::string& sqlstate) {
    using k = sql_error::kind;
    if (sqlstate == "23505") return k::unique;
    if (sqlstate.starts_with("23")) return k::constraint;
    if (sqlstate == "53100") return k::full;  // disk_full
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return k::busy;
    if (sqlstate == "25006") return k::read_only;
    if (sqlstate.starts_with("08") || sqlstate.starts_with("57P")) return k::unavailable;
    return k::other;
}

[[noreturn]] void raise_pg() {
    try {
        throw;
    } catch (const pqxx::sql_error& e) {
        throw sql_error(kind_of(e.sqlstate()), e.what());
    } catch (const pqxx::broken_connection& e) {
        throw sql_error(sql_error::kind::unavailable, e.what());
    } catch (const pqxx::in_doubt_error& e) {
        throw sql_error(sql_error::kind::unavailable, e.what());
    } catch (const pqxx::failure& e) {
        throw sql_error(sql_error::kind::other, e.what());
    }
}

}  // namespace

pg_sql to_pg_placeholders(const std::string& sql) {
    pg_sql out;
    out.text.reserve(sql.size() + 16);
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char ch = sql[i];
        if (ch == '\'' || ch == '"') {  // quoted text or a quoted name: copied as it is
            const auto end = sql.find(ch, i + 1);
            const auto stop = end == std::string::npos ? sql.size() : end + 1;
            out.text.append(sql, i, stop - i);
            i = stop - 1;
        } else if (ch == '?' && i + 1 < sql.size() &&
                   std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
            std::size_t end = i + 1;  // "?3": parameter 3
            while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
            const auto n = static_cast<std::size_t>(std::stoul(sql.substr(i + 1, end - i - 1)));
            if (out.names.size() < n) out.names.resize(n);
            out.text += "$" + std::to_string(n);
            i = end - 1;
        } else if (ch == '?') {
            out.text += "$" + std::to_string(number_of(out.names, ""));
        } else if (ch == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {  // a cast
            out.text += "::";
            ++i;
        } else if (ch == ':' && i + 1 < sql.size() && name_start(sql[i + 1])) {
            std::size_t end = i + 1;
            while (end < sql.size() && name_char(sql[end])) ++end;
            out.text += "$" + std::to_string(number_of(out.names, sql.substr(i, end - i)));
            i = end - 1;
        } else {
            out.text += ch;
        }
    }
    return out;
}

std::int64_t pg_int64(const char* text) {
    if (!text || !*text) return 0;
    if (text[0] == 't' && text[1] == '\0') return 1;
    if (text[0] == 'f' && text[1] == '\0') return 0;
    char* end = nullptr;
    const long long whole = std::strtoll(text, &end, 10);
    if (end && (*end == '.' || *end == 'e' || *end == 'E'))
        return static_cast<std::int64_t>(std::strtod(text, nullptr));
    return whole;
}

struct pg_connection::state {
    explicit state(const std::string& uri) : conn(uri) {}
    pqxx::connection conn;
    std::map<std::string, std::string> prepared;  // PostgreSQL SQL -> statement name
};

namespace {

// One parameter as bound: text, binary, or null.
struct pg_param {
    std::optional<std::string> value;
    bool binary = false;
};

class pg_statement final : public statement_impl {
  public:
    pg_statement(pqxx::connection& conn, std::string name, std::vector<std::string> names)
        : conn_(conn), name_(std::move(name)), names_(std::move(names)), params_(names_.size()) {}

    int parameter_index(const char* name) const override {
        for (std::size_t i = 0; i < names_.size(); ++i)
            if (names_[i] == name) return static_cast<int>(i + 1);
        throw sql_error(sql_error::kind::other, std::string("no parameter ") + name);
    }
    void bind_null(int i) override { at(i) = {}; }
    void bind_int64(int i, std::int64_t v) override { at(i) = {std::to_string(v), false}; }
    void bind_double(int i, double v) override { at(i) = {pqxx::to_string(v), false}; }
    void bind_text(int i, std::string_view v) override { at(i) = {std::string(v), false}; }
    void bind_blob(int i, const void* data, std::size_t size) override {
        at(i) = {std::string(static_cast<const char*>(data), size), true};
    }
    bool step() override {
        if (!ran_) run();
        if (row_ + 1 >= static_cast<long>(result_.size())) {
            row_ = static_cast<long>(result_.size());
            return false;
        }
        ++row_;
        load_row();
        return true;
    }
    int exec() override {
        run();
        return static_cast<int>(result_.affected_rows());
    }
    void reset() override {
        ran_ = false;
        row_ = -1;
        cells_.clear();
        result_ = {};
    }
    bool is_null(int col) const override { return cell(col).is_null(); }
    value_kind kind_at(int col) const override {
        return cell(col).is_null() ? value_kind::null : value_kind::text;
    }
    int column_count() const override { return static_cast<int>(result_.columns()); }
    std::int64_t int64_at(int col) const override { return pg_int64(cell(col).c_str()); }
    double double_at(int col) const override {
        const auto& f = cell(col);
        return f.is_null() ? 0.0 : std::strtod(f.c_str(), nullptr);
    }
    std::string text_at(int col) const override {
        const auto& f = cell(col);
        return f.is_null() ? std::string{} : std::string(f.text, f.size);
    }
    std::string blob_at(int col) const override {
        if (cell(col).is_null()) return {};
        const pqxx::binarystring b(result_[static_cast<pqxx::result::size_type>(row_)][col]);
        return b.str();
    }

  private:
    pg_param& at(int i) {
        if (i < 1 || i > static_cast<int>(params_.size()))
            throw sql_error(sql_error::kind::other,
                            "parameter " + std::to_string(i) + " out of range in " + name_);
        return params_[static_cast<std::size_t>(i - 1)];
    }
    // The current row's cells, read once per step (each pqxx::field holds counted references
    // to the result: building one per column access doubled a report's client time).
    struct cell_view {
        const char* text = nullptr;
        std::size_t size = 0;
        bool null = true;
        bool is_null() const { return null; }
        const char* c_str() const { return text; }
    };
    void load_row() {
        const auto row = result_[static_cast<pqxx::result::size_type>(row_)];
        cells_.resize(row.size());
        for (pqxx::row::size_type i = 0; i < row.size(); ++i) {
            const auto f = row[i];
            cells_[i] = {f.c_str(), f.size(), f.is_null()};
        }
    }
    const cell_view& cell(int col) const {
        if (col < 0 || col >= static_cast<int>(cells_.size()))
            throw sql_error(sql_error::kind::other,
                            "column " + std::to_string(col) + " out of range in " + name_);
        return cells_[static_cast<std::size_t>(col)];
    }
    void run() {
        try {
            pqxx::nontransaction work(conn_);
            auto call = work.prepared(name_);
            std::vector<pqxx::binarystring> blobs;
            blobs.reserve(params_.size());
            for (const auto& p : params_) {
                if (!p.value) {
                    call();
                } else if (p.binary) {
                    blobs.emplace_back(p.value->data(), p.value->size());
                    call(blobs.back());
                } else {
                    call(*p.value);
                }
            }
            result_ = call.exec();
        } catch (...) {
            raise_pg();
        }
        ran_ = true;
        row_ = -1;
        cells_.clear();
    }

    pqxx::connection& conn_;
    std::string name_;
    std::vector<std::string> names_;
    std::vector<pg_param> params_;
    pqxx::result result_;
    std::vector<cell_view> cells_;
    bool ran_ = false;
    long row_ = -1;
};

}  // namespace

pg_connection::pg_connection(const std::string& uri) {
    try {
        s_ = std::make_unique<state>(uri);
    } catch (...) {
        raise_pg();
    }
}

pg_connection::~pg_connection() = default;

void pg_connection::exec(const std::string& sql) {
    try {
        pqxx::nontransaction work(s_->conn);
        work.exec(sql);
    } catch (...) {
        raise_pg();
    }
}

void pg_connection::exec_reconnecting(const std::string& sql) {
    for (int attempt = 1;; ++attempt) {
        try {
            exec(sql);
            return;
        } catch (const sql_error& e) {
            if (e.what_kind != sql_error::kind::unavailable || attempt == 3) throw;
        }
    }
}

void pg_connection::begin() {
    exec_reconnecting("BEGIN");  // a failed BEGIN started nothing
}

void pg_connection::revive_if_lost() {
    const int fd = s_->conn.sock();
    if (fd >= 0) {
        pollfd p{fd, POLLIN | POLLRDHUP, 0};
        if (::poll(&p, 1, 0) == 0) return;  // nothing from the server: the session is alive
    }
    exec_reconnecting("SELECT 1");
}

std::unique_ptr<statement_impl> pg_connection::prepare(const std::string& sql) {
    auto translated = to_pg_placeholders(sql);
    auto found = s_->prepared.find(translated.text);
    if (found == s_->prepared.end()) {
        const auto name = "q" + std::to_string(s_->prepared.size() + 1);
        try {
            s_->conn.prepare(name, translated.text);
        } catch (...) {
            raise_pg();
        }
        found = s_->prepared.emplace(translated.text, name).first;
    }
    return std::make_unique<pg_statement>(s_->conn, found->second, std::move(translated.names));
}

std::int64_t pg_connection::last_insert_id() {
    return scalar("SELECT lastval()");
}

bool pg_connection::table_exists(const std::string& name) {
    statement q(*this,
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND "
                "tablename = ?");
    q.bind(1, name);
    return q.step() && q.column(0).as_int64() > 0;
}

void pg_connection::set_session(const std::string& name, const std::string& value) {
    try {
        s_->conn.set_variable(name, value);
    } catch (...) {
        raise_pg();
    }
}

int pg_connection::server_version() const {
    return s_->conn.server_version();
}

}  // namespace daring::storage
