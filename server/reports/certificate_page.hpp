#pragma once
// Printable certificate of completion (A4 landscape HTML with the verification QR code) and the
// public verification page. Self-contained pages: one inline stylesheet allowed by its hash in
// the page's own Content-Security-Policy, no script at all.
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/html.hpp"
#include "protocol/time_format.hpp"

namespace daring::server {

struct certificate_view {
    std::string number;
    std::string code;
    std::string full_name;
    std::string training_title;
    std::string office_name;
    std::int64_t first_day = 0;  // local dates of the first and last session held
    std::int64_t last_day = 0;
    double hours = 0;
    std::string verify_url;
};

struct html_page {
    std::string html;
    std::string csp;  // Content-Security-Policy for exactly this page
};

// "5 Juli 2021"; a range in one month "5-9 Juli 2021".
std::string indonesian_date_range(std::int64_t first_day, std::int64_t last_day);

html_page certificate_html(const certificate_view& c);
// What anyone may learn from a code: name, training, date and validity.
html_page verification_html(bool valid, std::string_view full_name, std::string_view training_title,
                            std::string_view date_text);

}  // namespace daring::server
