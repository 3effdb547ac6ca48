#pragma once
// How messages leave the server (the outbox's channels), from the command line or DARING_*.
#include <string>

namespace daring::server {

struct messaging_options {
    std::string smtp_url;  // empty: no e-mail (no e-mail is queued)
    std::string smtp_user, smtp_password;
    std::string mail_from;
    std::string whatsapp_api_url = "https://graph.facebook.com/v20.0";
    std::string whatsapp_token;  // empty: no WhatsApp (no WhatsApp message is queued)
    std::string whatsapp_phone_number_id;
    std::string whatsapp_templates;  // JSON file: message kind -> approved template name
    int attempts = 6;                // per message, the first included
    double poll_s = 2.0;             // seconds between looks for due messages
    int join_early_minutes = 15;     // a join link works from this long before the start
    double mail_per_second = 5;      // sends per second at most, per channel
    double whatsapp_per_second = 20;
};

}  // namespace daring::server
