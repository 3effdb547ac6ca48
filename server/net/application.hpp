#pragma once
// What the transport serves: the application behind the listener, seen from net/ without
// knowing how it is composed (app/ implements it).
#include <cstddef>
#include <optional>
#include <string>
#include <variant>

#include "server/http/http_types.hpp"
#include "server/http/router.hpp"
#include "server/live/live_hub.hpp"

namespace daring::server {

class application {
  public:
    virtual ~application() = default;
    // Runs on the worker pool (it may block). Never throws: unexpected exceptions become a
    // logged 500.
    virtual http_response handle(const http_request& req) noexcept = 0;
    // For routes on the io_if_signed_in_cached lane, on the I/O thread: the response when the
    // caller's login session is cached (nothing blocks), nullopt when handle() must run on the
    // worker pool instead.
    virtual std::optional<http_response> handle_if_cached(const http_request& req) noexcept = 0;
    // The body limit of the route `path` would reach (chosen before the body is read) and
    // where the request runs (see http/router.hpp).
    virtual route_options route_of(const std::string& method, const std::string& path) const = 0;
    // Whether a WebSocket upgrade to /api/v1/sessions/{id}/live may proceed: the admission, or
    // the HTTP error to answer instead. Runs on the worker pool.
    virtual std::variant<live_admission, http_response> admit_live(
        const http_request& req) noexcept = 0;
    // The transport's live rooms, attached before the first request and detached (null) after
    // the last one.
    virtual void attach_live(live_hub* hub) = 0;
    // Periodic chores (delivery re-decisions, expired sessions); called on the worker pool.
    virtual void housekeeping() = 0;
};

}  // namespace daring::server
