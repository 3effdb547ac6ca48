// Certificates: the printable page (or JSON) of a trainee who completed a training, issued on
// first request, and the public verification of a code.
#include "server/reports/certificates.hpp"

#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/reports/certificate_page.hpp"
#include "server/rules/delivery_policy.hpp"
#include "server/rules/local_time.hpp"
#include "server/services/training_access.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

http_response html_response(const html_page& page) {
    http_response res;
    res.body = page.html;
    res.set_header("Content-Type", "text/html; charset=utf-8");
    res.set_header("Content-Security-Policy", page.csp);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    return res;
}

// Browsers (a scanned QR code) get the page; API clients get JSON.
bool wants_html(const http_request& req) {
    const auto format = req.query_param("format").value_or("");
    return format == "html" ||
           (req.header("accept").find("text/html") != std::string_view::npos && format != "json");
}

// Who may see a trainee's certificate: the trainee, an admin, the training's trainers.
void require_certificate_viewer(connection& c, std::int64_t training_id, std::int64_t user_id,
                                const user& u) {
    if (require_role(c, training_id, u) == training_role::trainee && u.id != user_id)
        throw http_error(403, "forbidden", "Trainees see only their own certificate");
}

json certificate_json(const issued_certificate& found, const std::string& verify_url) {
    const auto& cert = found.cert;
    return {{"number", cert.number},
            {"code", cert.code},
            {"full_name", cert.full_name},
            {"training_title", cert.training_title},
            {"issued_at", format_rfc3339(cert.issued_at)},
            {"hours_attended", std::trunc(cert.seconds_attended / 36.0) / 100.0},  // 2 decimals
            {"dates", indonesian_date_range(found.first_day, found.last_day)},
            {"verify_url", verify_url}};
}

http_response get_certificate(request_context& ctx) {
    auto& s = ctx.svc;
    certificate_request r{ctx.params.integer("id"),
                          ctx.params.integer("user_id"),
                          ctx.user().id,
                          s.options.certificate_prefix,
                          {s.options.present_pct, s.options.late_after_s}};
    s.db.read([&](connection& c) {
        require_certificate_viewer(c, r.training_id, r.user_id, ctx.user());
    });
    const auto found = certificate_for(s.db, r, s.clk.now());
    const auto verify_url = public_origin(s, ctx.req) + "/api/v1/certificates/" + found.cert.code;
    if (ctx.req.query_param("format").value_or("html") == "json")
        return json_response(200, certificate_json(found, verify_url));
    certificate_view view;
    view.number = found.cert.number;
    view.code = found.cert.code;
    view.full_name = found.cert.full_name;
    view.training_title = found.cert.training_title;
    view.office_name = s.options.office_name;
    view.first_day = found.first_day;
    view.last_day = found.last_day;
    view.hours = static_cast<double>(found.cert.seconds_attended) / 3600.0;
    view.verify_url = verify_url;
    return html_response(certificate_html(view));
}

// Every lookup counts against the caller's address, found or not (codes are not guessable, but
// the endpoint is public).
void count_lookup(services& s, const std::string& who, unix_seconds now) {
    if (auto wait = s.certificate_lookups.retry_after("certificate", who, now)) {
        http_error e(429, "too_many_requests",
                     "Too many certificate lookups; wait before trying again");
        e.headers.emplace_back("Retry-After", std::to_string(*wait));
        throw e;
    }
    s.certificate_lookups.record("certificate", who, now);
}

http_response verify_certificate(request_context& ctx) {
    const auto& code = ctx.params.text("code");
    count_lookup(ctx.svc, ctx.req.remote_address, ctx.svc.clk.now());
    std::optional<storage::certificate_row> cert;
    if (code.size() == certificate_code_length) {
        cert = ctx.svc.db.read(
            [&](connection& c) { return storage::find_certificate_by_code(c, code); });
    }
    const bool html = wants_html(ctx.req);
    if (!cert) {
        if (!html) throw http_error(404, "not_found", "No certificate has that code");
        auto res = html_response(verification_html(false, {}, {}, {}));
        res.status = 404;
        return res;
    }
    // The issue date as the office reckons it (the certificate does not carry its region).
    const auto date = format_date(local_day(cert->issued_at, default_utc_offset_minutes));
    if (html)
        return html_response(verification_html(true, cert->full_name, cert->training_title, date));
    return json_response(200, {{"valid", true},
                               {"full_name", cert->full_name},
                               {"training_title", cert->training_title},
                               {"date", date}});
}

}  // namespace

void add_certificate_routes(router& r) {
    r.add({
        {"GET", "/api/v1/trainings/{id:int}/certificates/{user_id:int}", access::signed_in(),
         get_certificate, on_reports},
        {"GET", "/api/v1/certificates/{code}", access::anyone(), verify_certificate},
    });
}

}  // namespace daring::server
