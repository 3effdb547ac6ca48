#pragma once
// What an outbox row says on each channel, in the user's language (Bahasa Indonesia unless
// they chose English): an e-mail (subject, plain text and HTML) or a WhatsApp template message
// (an approved template's name and its parameters, since business-initiated messages need one).
#include <map>
#include <string>
#include <vector>

#include "storage/outbox_repo.hpp"

namespace daring::server {

struct email_content {
    std::string subject;
    std::string text;
    std::string html;
};

struct whatsapp_content {
    std::string template_name;
    std::string language;  // the template's language code: "id" or "en"
    std::vector<std::string> parameters;
};

// message kind -> approved template name; a kind not listed uses "daring_<kind>".
using template_names = std::map<std::string, std::string>;

// `link`: the absolute address the message points to (a page of the app, or a one-tap join
// link), built by the sender.
email_content render_email(const storage::outbox_message& m, const std::string& link);
whatsapp_content render_whatsapp(const storage::outbox_message& m, const template_names& names,
                                 const std::string& link);

// Reads {"kind": "template name", ...} from a JSON file; throws std::runtime_error naming the
// problem.
template_names load_template_names(const std::string& path);

}  // namespace daring::server
