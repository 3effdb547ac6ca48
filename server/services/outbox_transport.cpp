#include "server/services/outbox_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "server/rules/outbox_rules.hpp"
#include "server/util/base64.hpp"

namespace daring::server {

using protocol::json;

namespace {

constexpr std::size_t answer_limit = 500;  // characters of a provider's answer kept

// RFC 2047 encoded-word for a UTF-8 header value.
std::string header_text(const std::string& value) {
    return "=?UTF-8?B?" + base64(value) + "?=";
}

std::string rfc5322_date(protocol::unix_seconds t) {
    std::time_t tt = t;
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

std::string domain_of(const std::string& address) {
    auto at = address.rfind('@');
    return at == std::string::npos ? std::string("daring.invalid") : address.substr(at + 1);
}

struct upload {
    const std::string* data;
    std::size_t at = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* u = static_cast<upload*>(user);
    const auto take = std::min(size * n, u->data->size() - u->at);
    // libcurl's upload buffer is bytes, not a C string.
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
    std::memcpy(buffer, u->data->data() + u->at, take);
    u->at += take;
    return take;
}

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
    auto* out = static_cast<std::string*>(user);
    if (out->size() < 64 * 1024) out->append(data, size * n);
    return size * n;
}

// libcurl's progress callback: a non-zero answer aborts the transfer.
int abort_when_set(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* stop = static_cast<const std::atomic<bool>*>(flag);
    return stop && stop->load() ? 1 : 0;
}

struct curl_handle {
    CURL* h = curl_easy_init();
    curl_slist* list = nullptr;
    char error[CURL_ERROR_SIZE] = {};
    explicit curl_handle(const std::atomic<bool>* abort) {
        if (!h) throw std::runtime_error("libcurl could not start a transfer");
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        if (abort) {
            curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_when_set);
            curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(abort));
            curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        }
    }
    ~curl_handle() {
        curl_slist_free_all(list);
        curl_easy_cleanup(h);
    }
    curl_handle(const curl_handle&) = delete;
    curl_handle& operator=(const curl_handle&) = delete;
    void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
    std::string failure(CURLcode rc) const {
        return std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
    }
};

class smtp_transport final : public message_transport {
  public:
    explicit smtp_transport(smtp_options o) : o_(std::move(o)) {}

    send_outcome send(const storage::outbox_message& m, const std::string& link) override {
        if (m.email.empty()) return {send_outcome::result::failed, "no e-mail address", {}};
        const auto content = render_email(m, link);
        const auto text =
            mime_message(content, o_.from, m.email, message_id_of(m.id, o_.from), m.created_at);
        curl_handle c(abort_);
        upload body{&text};
        c.add("<" + m.email + ">");
        curl_easy_setopt(c.h, CURLOPT_URL, o_.url.c_str());
        curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, ("<" + o_.from + ">").c_str());
        curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.list);
        curl_easy_setopt(c.h, CURLOPT_READFUNCTION, read_upload);
        curl_easy_setopt(c.h, CURLOPT_READDATA, &body);
        curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
        // TLS before credentials; without credentials STARTTLS whenever the server offers it.
        const bool tls_required = o_.url.starts_with("smtps://") || !o_.user.empty();
        curl_easy_setopt(c.h, CURLOPT_USE_SSL, tls_required ? CURLUSESSL_ALL : CURLUSESSL_TRY);
        if (!o_.user.empty()) {
            curl_easy_setopt(c.h, CURLOPT_USERNAME, o_.user.c_str());
            curl_easy_setopt(c.h, CURLOPT_PASSWORD, o_.password.c_str());
        }
        curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(c.h, CURLOPT_TIMEOUT, o_.timeout_s);
        const auto rc = curl_easy_perform(c.h);
        long code = 0;
        curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &code);
        if (rc == CURLE_OK)
            return {send_outcome::result::sent, "accepted (SMTP " + std::to_string(code) + ")", {}};
        auto answer = c.failure(rc) + (code ? " (SMTP " + std::to_string(code) + ")" : "");
        // 5xx is final (an unknown mailbox, a refused sender); the rest may pass later.
        const bool final = code >= 500 && code < 600;
        return {final ? send_outcome::result::failed : send_outcome::result::retry,
                answer.substr(0, answer_limit),
                {}};
    }

  private:
    smtp_options o_;
};

class whatsapp_transport final : public message_transport {
  public:
    explicit whatsapp_transport(whatsapp_options o) : o_(std::move(o)) {}

    send_outcome send(const storage::outbox_message& m, const std::string& link) override {
        if (!m.phone.starts_with("+628"))
            return {send_outcome::result::failed, "not a mobile number", {}};
        const auto request =
            protocol::dump(whatsapp_body(render_whatsapp(m, o_.templates, link), m.phone));
        const auto url = o_.api_url + "/" + o_.phone_number_id + "/messages";
        curl_handle c(abort_);
        std::string response;
        c.add("Authorization: Bearer " + o_.token);
        c.add("Content-Type: application/json");
        c.add("Idempotency-Key: daring-outbox-" + std::to_string(m.id));
        curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
        curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.list);
        curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, request.c_str());
        curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.size()));
        curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &response);
        curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(c.h, CURLOPT_TIMEOUT, o_.timeout_s);
        const auto rc = curl_easy_perform(c.h);
        if (rc != CURLE_OK) return {send_outcome::result::retry, c.failure(rc), {}};
        long status = 0;
        curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
        curl_off_t wait = -1;
        curl_easy_getinfo(c.h, CURLINFO_RETRY_AFTER, &wait);
        auto answer = whatsapp_answer_summary(status, response, answer_limit);
        if (status >= 200 && status < 300) return {send_outcome::result::sent, answer, {}};
        std::optional<protocol::unix_seconds> retry_after;
        if (wait > 0) retry_after = static_cast<protocol::unix_seconds>(wait);
        // Too many requests and server errors pass later; other refusals are final.
        const bool again = status == 429 || status == 408 || status >= 500;
        return {again ? send_outcome::result::retry : send_outcome::result::failed, answer,
                retry_after};
    }

  private:
    whatsapp_options o_;
};

}  // namespace

std::unique_ptr<message_transport> make_smtp_transport(smtp_options o) {
    return std::make_unique<smtp_transport>(std::move(o));
}

std::unique_ptr<message_transport> make_whatsapp_transport(whatsapp_options o) {
    return std::make_unique<whatsapp_transport>(std::move(o));
}

std::string message_id_of(std::int64_t outbox_id, const std::string& from) {
    return "<daring-outbox-" + std::to_string(outbox_id) + "@" + domain_of(from) + ">";
}

std::string mime_message(const email_content& content, const std::string& from,
                         const std::string& to, const std::string& message_id,
                         protocol::unix_seconds date) {
    const std::string boundary = "daring-" + std::to_string(std::hash<std::string>{}(message_id));
    std::string out;
    out += "From: " + header_text("Daring") + " <" + from + ">\r\n";
    out += "To: <" + to + ">\r\n";
    out += "Subject: " + header_text(content.subject) + "\r\n";
    out += "Date: " + rfc5322_date(date) + "\r\n";
    out += "Message-ID: " + message_id + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    out += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(content.text);
    out += "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(content.html);
    out += "--" + boundary + "--\r\n";
    return out;
}

json whatsapp_body(const whatsapp_content& content, const std::string& phone) {
    auto parameters = json::array();
    for (const auto& p : content.parameters) parameters.push_back({{"type", "text"}, {"text", p}});
    return {{"messaging_product", "whatsapp"},
            {"recipient_type", "individual"},
            {"to", phone.starts_with('+') ? phone.substr(1) : phone},
            {"type", "template"},
            {"template",
             {{"name", content.template_name},
              {"language", {{"code", content.language}}},
              {"components", json::array({{{"type", "body"}, {"parameters", parameters}}})}}}};
}

std::string mask_address(const std::string& address) {
    if (auto at = address.find('@'); at != std::string::npos)
        return (at ? address.substr(0, 1) : std::string()) + "***" + address.substr(at);
    if (address.size() <= 9) return std::string(address.size(), '*');
    return address.substr(0, 6) + std::string(address.size() - 9, '*') +
           address.substr(address.size() - 3);
}

}  // namespace daring::server
