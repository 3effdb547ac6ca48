#include "server/services/message_templates.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "protocol/html.hpp"

namespace daring::server {

namespace {

bool english(const storage::outbox_message& m) {
    return m.language == "en";
}

std::string param(const storage::outbox_message& m, const char* name) {
    if (!m.params.is_object() || !m.params.contains(name) || !m.params[name].is_string()) return {};
    return m.params[name].get<std::string>();
}

std::string subject_of(const storage::outbox_message& m) {
    const auto title = param(m, "session_title");
    if (m.kind == "delivery_changed")
        return english(m) ? "Session change: " + title : "Perubahan sesi: " + title;
    if (m.kind == "recording_available")
        return english(m) ? "Session recording: " + title : "Rekaman sesi: " + title;
    if (m.kind == "session_reminder")
        return english(m) ? "Reminder: " + title : "Pengingat: " + title;
    if (m.kind == "session_started")
        return english(m) ? "Starting now: " + title : "Sedang dimulai: " + title;
    const auto training = param(m, "training_title");
    if (m.kind == "absence_warning")
        return english(m) ? "Your attendance: " + training : "Kehadiran Anda: " + training;
    if (m.kind == "certificate_ready")
        return english(m) ? "Certificate ready: " + training : "Sertifikat terbit: " + training;
    return english(m) ? "Daring notification" : "Pemberitahuan Daring";
}

}  // namespace

email_content render_email(const storage::outbox_message& m, const std::string& link) {
    const bool en = english(m);
    const auto& body = en ? m.text_en : m.text_id;
    const std::string greeting = (en ? "Dear " : "Yth. ") + m.full_name + ",";
    const bool joins = m.params.is_object() && m.params.contains("join_session_id");
    const std::string open =
        joins ? (en ? "Join the session" : "Gabung ke sesi") : (en ? "Open Daring" : "Buka Daring");
    const std::string footer =
        en ? "This message was sent by Daring, the online training system of the Cooperatives "
             "and SME Office. You can change how you receive messages on your page in Daring."
           : "Pesan ini dikirim oleh Daring, sistem pelatihan daring Dinas Koperasi dan UKM. "
             "Anda dapat mengubah cara menerima pesan di halaman Anda di Daring.";
    email_content out;
    out.subject = subject_of(m);
    out.text = greeting + "\n\n" + body + "\n\n" +
               (link.empty() ? "" : open + ": " + link + "\n\n") + "-- \n" + footer + "\n";
    using protocol::html_escape;
    out.html =
        "<!doctype html><html lang=\"" + std::string(en ? "en" : "id") + "\"><body><p>" +
        html_escape(greeting) + "</p><p>" + html_escape(body) + "</p>" +
        (link.empty()
             ? ""
             : "<p><a href=\"" + html_escape(link) + "\">" + html_escape(open) + "</a></p>") +
        "<hr><p style=\"color:#555;font-size:small\">" + html_escape(footer) + "</p></body></html>";
    return out;
}

whatsapp_content render_whatsapp(const storage::outbox_message& m, const template_names& names,
                                 const std::string& link) {
    whatsapp_content out;
    auto named = names.find(m.kind);
    out.template_name = named != names.end() ? named->second : "daring_" + m.kind;
    out.language = english(m) ? "en" : "id";
    // {{1}} the name, {{2}} the message as the app shows it, {{3}} the link.
    out.parameters = {m.full_name, english(m) ? m.text_en : m.text_id, link};
    return out;
}

template_names load_template_names(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the WhatsApp template file " + path);
    std::stringstream text;
    text << in.rdbuf();
    auto doc = protocol::json::parse(text.str(), nullptr, false);
    if (!doc.is_object())
        throw std::runtime_error(path + ": expected a JSON object of kind -> template name");
    template_names out;
    for (const auto& [kind, name] : doc.items()) {
        if (!name.is_string() || name.get<std::string>().empty())
            throw std::runtime_error(path + ": the template of " + std::string(kind) +
                                     " must be a name");
        out[kind] = name.get<std::string>();
    }
    return out;
}

}  // namespace daring::server
