#pragma once
// Method + path pattern -> handler, with the access rule of every route declared where the route
// is added (deny by default: a route cannot be added without one).
//
// Patterns: literal segments and typed parameters, "/api/v1/trainings/{id:int}/sessions",
// "/api/v1/regions/{code}". Thread-safe for lookups once built.
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/user.hpp"
#include "server/http/http_types.hpp"

namespace daring::server {

class access {
  public:
    static access anyone() { return access(true, {}); }
    static access signed_in() {
        return access(false,
                      {protocol::role::admin, protocol::role::trainer, protocol::role::trainee});
    }
    static access roles(std::initializer_list<protocol::role> roles) {
        return access(false, roles);
    }
    bool is_public() const { return public_; }
    bool allows(protocol::role r) const;

  private:
    access(bool is_public, std::vector<protocol::role> roles)
        : public_(is_public), roles_(std::move(roles)) {}
    bool public_;
    std::vector<protocol::role> roles_;
};

class route_params {
  public:
    void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }
    // Declared {name:int} parameters are guaranteed to parse.
    std::int64_t integer(const std::string& name) const;
    const std::string& text(const std::string& name) const;

  private:
    std::map<std::string, std::string> values_;
};

struct request_context;
using handler = std::function<http_response(request_context&)>;
// A named handler function, as route tables list them.
using handler_fn = http_response (*)(request_context&);

inline constexpr std::size_t default_body_limit = 1 << 20;  // 1 MiB
inline constexpr std::size_t import_body_limit = 10 << 20;  // 10 MiB, CSV imports

// Where a route's handler runs, so that one kind of load never starves the others:
//   io       on the I/O thread itself: cheap, never blocks (no database, no disk), public only
//   io_if_signed_in_cached
//            on the I/O thread when the caller's login session is in the in-memory session
//            cache (the handler itself needs no database), else on the workers, which read the
//            session and fill the cache
//   worker   the general pool (database reads and commits)
//   hashing  the bounded password-hashing pool: beyond its queue a request is answered 503
//            `busy` at once
//   reports  the reports pool (heavy queries and spreadsheets)
enum class lane { io, io_if_signed_in_cached, worker, hashing, reports };

struct route_options {
    std::size_t body_limit = default_body_limit;
    enum lane lane = lane::worker;
    const char* too_large_code = "body_too_large";  // the 413's error code
    int body_timeout_s = 0;  // reading the body; 0: the server's body timeout
};
inline constexpr route_options on_io{default_body_limit, lane::io};
inline constexpr route_options on_io_if_cached{default_body_limit, lane::io_if_signed_in_cached};
inline constexpr route_options on_hashing{default_body_limit, lane::hashing};
inline constexpr route_options on_reports{default_body_limit, lane::reports};

// One row of a route table: method, pattern, who may call it, the handler.
struct route_entry {
    const char* method;
    const char* pattern;
    access rule;
    handler_fn h;
    route_options options = {};
};

class router {
  public:
    void add(std::string method, std::string pattern, access rule, handler h,
             route_options options = {});
    // Adds every row of a route table, in order.
    void add(std::initializer_list<route_entry> table);

    struct match {
        enum class kind { found, not_found, method_not_allowed } result = kind::not_found;
        const handler* h = nullptr;
        const access* rule = nullptr;
        const std::string* pattern = nullptr;
        route_params params;
        std::string allowed;  // for 405: "GET, POST"
        std::size_t body_limit = default_body_limit;
        enum lane lane = lane::worker;
        route_options options;
    };
    // `path` is the raw request path (percent-decoding happens per parameter).
    match find(std::string_view method, std::string_view path) const;
    // Every (method, pattern) added, in order: for documentation checks.
    std::vector<std::pair<std::string, std::string>> list() const;
    // Body limit of whatever route `path` would reach (before the body is read).
    std::size_t body_limit(std::string_view method, std::string_view path) const;
    // The lane of the route `path` would reach (unmatched paths: worker, for static files).
    enum lane lane_of(std::string_view method, std::string_view path) const;

  private:
    struct segment {
        std::string literal;  // when not a parameter
        std::string param;    // parameter name
        bool is_param = false;
        bool is_int = false;
    };
    struct route {
        std::string method;
        std::string pattern;
        std::vector<segment> segments;
        access rule;
        handler h;
        route_options options;
    };
    static bool matches(const route& r, const std::vector<std::string_view>& parts,
                        route_params* params);
    std::vector<route> routes_;
    // "METHOD /literal/path" -> index in routes_, for routes without parameters that no
    // earlier route shadows: found without scanning the table.
    std::unordered_map<std::string, std::size_t> literal_;
};

}  // namespace daring::server
