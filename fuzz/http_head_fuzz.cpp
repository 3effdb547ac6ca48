// The request-head rules and routing: a request line and header names from arbitrary bytes go
// through the RFC 9112 checks, the origin-form reduction and the router (with patterns of the
// real route table's shapes), and through percent-decoding of what a route captured.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/http_types.hpp"
#include "server/http/request_rules.hpp"
#include "server/http/router.hpp"

namespace {

daring::server::http_response none(daring::server::request_context&) {
    return {};
}

const daring::server::router& routes() {
    static const daring::server::router r = [] {
        using daring::server::access;
        daring::server::router out;
        out.add({
            {"GET", "/healthz", access::anyone(), none},
            {"GET", "/api/v1/regions/{code}/restrictions", access::signed_in(), none},
            {"PATCH", "/api/v1/restrictions/{id:int}", access::signed_in(), none},
            {"GET", "/api/v1/trainings/{id:int}", access::signed_in(), none},
            {"DELETE", "/api/v1/trainings/{id:int}/enrollments/{user_id:int}", access::signed_in(),
             none},
            {"GET", "/api/v1/certificates/{code}", access::anyone(), none},
            {"GET", "/api/v1/sessions/{id:int}/live", access::signed_in(), none},
        });
        return out;
    }();
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // "METHOD TARGET\nname\nname..." (version from the first byte's low bit).
    const auto line_end = text.find('\n');
    const auto line = text.substr(0, line_end);
    const auto space = line.find(' ');
    daring::server::request_head head;
    head.method = line.substr(0, space);
    head.target = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    head.version = size > 0 && (data[0] & 1) ? 10 : 11;
    if (line_end != std::string_view::npos) {
        std::string_view rest = text.substr(line_end + 1);
        while (!rest.empty()) {
            const auto end = rest.find('\n');
            head.field_names.emplace_back(rest.substr(0, end));
            if (end == std::string_view::npos) break;
            rest.remove_prefix(end + 1);
        }
    }
    (void)daring::server::check_request_head(head);
    const auto origin = daring::server::origin_form(head.target);
    if (!origin) return 0;
    const auto path = std::string_view(*origin).substr(0, origin->find('?'));
    auto m = routes().find(head.method, path);
    if (m.result == daring::server::router::match::kind::found) {
        for (const char* name : {"code", "id", "user_id"}) {
            try {
                (void)daring::server::percent_decode(m.params.text(name), false);
            } catch (const std::out_of_range&) {  // the route has no such parameter
            }
        }
    }
    (void)routes().body_limit(head.method, path);
    return 0;
}
