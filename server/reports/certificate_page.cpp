#include "server/reports/certificate_page.hpp"

#include <cstdio>

#include "server/reports/qr_code.hpp"
#include "server/rules/checkin_code.hpp"
#include "server/util/tokens.hpp"

namespace daring::server {

using protocol::html_escape;

namespace {

constexpr const char* month_names[] = {"Januari",   "Februari", "Maret",    "April",
                                       "Mei",       "Juni",     "Juli",     "Agustus",
                                       "September", "Oktober",  "November", "Desember"};

constexpr std::string_view certificate_css = R"css(
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Serif", Georgia, serif; color: #1d2b36; background: #f3f1ea; }
.sheet { width: 273mm; height: 186mm; margin: 8mm auto; padding: 14mm 18mm; background: #fff;
         border: 3mm double #7a5c1e; position: relative; display: flex; flex-direction: column; }
.office { font-size: 13pt; letter-spacing: .05em; text-transform: uppercase; text-align: center; }
h1 { font-size: 30pt; margin: 6mm 0 2mm; text-align: center; color: #7a5c1e; }
.number { text-align: center; font-size: 11pt; }
.given { text-align: center; margin-top: 8mm; font-size: 13pt; }
.name { text-align: center; font-size: 26pt; font-weight: bold; margin: 3mm 0; }
.training { text-align: center; font-size: 16pt; margin: 2mm 0; }
.details { text-align: center; font-size: 12pt; }
.foot { margin-top: auto; display: flex; justify-content: space-between; align-items: flex-end; font-size: 10pt; }
.qr svg { width: 32mm; height: 32mm; }
@media print { body { background: #fff; } .sheet { margin: 0; } }
)css";

constexpr std::string_view verification_css = R"css(
body { font-family: system-ui, sans-serif; margin: 0; padding: 24px; background: #f3f1ea; color: #1d2b36; }
main { max-width: 480px; margin: 0 auto; background: #fff; padding: 24px; border-radius: 8px; }
.valid { color: #1e6b32; } .invalid { color: #9b1c1c; }
dt { font-weight: bold; margin-top: 12px; } dd { margin: 4px 0 0; }
)css";

std::string csp_for(std::string_view css) {
    return "default-src 'none'; style-src 'sha256-" + sha256_base64(css) +
           "'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

// The stylesheets never change: their policies are computed once.
const std::string& certificate_csp() {
    static const std::string csp = csp_for(certificate_css);
    return csp;
}
const std::string& verification_csp() {
    static const std::string csp = csp_for(verification_css);
    return csp;
}

std::string hours_text(double hours) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", hours);
    std::string s = b;
    if (auto dot = s.find('.'); dot != std::string::npos) s[dot] = ',';
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ",0") == 0) s.resize(s.size() - 2);
    return s;
}

}  // namespace

std::string indonesian_date_range(std::int64_t first, std::int64_t last) {
    int y1, y2;
    unsigned m1, d1, m2, d2;
    protocol::civil_from_days(first, y1, m1, d1);
    protocol::civil_from_days(last, y2, m2, d2);
    auto full = [](int y, unsigned m, unsigned d) {
        return std::to_string(d) + " " + month_names[m - 1] + " " + std::to_string(y);
    };
    if (first == last) return full(y1, m1, d1);
    if (y1 == y2 && m1 == m2) return std::to_string(d1) + "-" + full(y2, m2, d2);
    if (y1 == y2) return std::to_string(d1) + " " + month_names[m1 - 1] + " - " + full(y2, m2, d2);
    return full(y1, m1, d1) + " - " + full(y2, m2, d2);
}

html_page certificate_html(const certificate_view& c) {
    std::string h;
    h += "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    h += "<title>Sertifikat " + html_escape(c.number) + "</title><style>";
    h += certificate_css;
    h += "</style></head><body><div class=\"sheet\">";
    h += "<div class=\"office\">" + html_escape(c.office_name) + "</div>";
    h += "<h1>SERTIFIKAT</h1>";
    h += "<div class=\"number\">Nomor: <span id=\"number\">" + html_escape(c.number) +
         "</span></div>";
    h += "<div class=\"given\">diberikan kepada</div>";
    h += "<div class=\"name\" id=\"name\">" + html_escape(c.full_name) + "</div>";
    h += "<div class=\"details\">yang telah menyelesaikan pelatihan</div>";
    h += "<div class=\"training\" id=\"training\">" + html_escape(c.training_title) + "</div>";
    h += "<div class=\"details\"><span id=\"dates\">" +
         html_escape(indonesian_date_range(c.first_day, c.last_day)) +
         "</span> &middot; <span id=\"hours\">" + hours_text(c.hours) +
         "</span> jam kehadiran</div>";
    h += "<div class=\"foot\"><div>Kode verifikasi: <strong id=\"code\">" + html_escape(c.code) +
         "</strong><br>" + html_escape(c.verify_url) + "</div>";
    h += "<div class=\"qr\">" + qr_svg(c.verify_url) + "</div></div>";
    h += "</div></body></html>\n";
    return {std::move(h), certificate_csp()};
}

html_page verification_html(bool valid, std::string_view full_name, std::string_view training_title,
                            std::string_view date_text) {
    std::string h;
    h += "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    h += "<title>Verifikasi sertifikat</title><style>";
    h += verification_css;
    h += "</style></head><body><main>";
    if (valid) {
        h += "<h1 class=\"valid\">Sertifikat sah</h1><dl>";
        h += "<dt>Nama</dt><dd>" + html_escape(full_name) + "</dd>";
        h += "<dt>Pelatihan</dt><dd>" + html_escape(training_title) + "</dd>";
        h += "<dt>Tanggal</dt><dd>" + html_escape(date_text) + "</dd></dl>";
    } else {
        h +=
            "<h1 class=\"invalid\">Sertifikat tidak ditemukan</h1><p>Kode ini tidak terdaftar.</p>";
    }
    h += "</main></body></html>\n";
    return {std::move(h), verification_csp()};
}

}  // namespace daring::server
