#pragma once
// Delivering one outbox message to a provider, through libcurl: e-mail over SMTP (STARTTLS when
// offered, required before AUTH; implicit TLS for smtps://) as a multipart text + HTML message
// with a stable Message-ID per row, and WhatsApp through the Business Cloud API's message call
// (a template message) with the row's id in an Idempotency-Key header. Blocking: called on the
// outbox sender's own thread, never on an I/O thread.
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "protocol/time_format.hpp"
#include "server/services/message_templates.hpp"
#include "storage/outbox_repo.hpp"

namespace daring::server {

struct send_outcome {
    enum class result { sent, retry, failed };
    result outcome = result::retry;
    std::string answer;                                 // the provider's answer, for the admin
    std::optional<protocol::unix_seconds> retry_after;  // the provider asked to wait this long
};

class message_transport {
  public:
    virtual ~message_transport() = default;
    // `link`: the absolute address the message points to.
    virtual send_outcome send(const storage::outbox_message& m, const std::string& link) = 0;
    // A call in flight ends (as a retry) soon after `*flag` turns true: a stopping server does
    // not wait out a provider's timeout.
    void abort_on(const std::atomic<bool>* flag) { abort_ = flag; }

  protected:
    const std::atomic<bool>* abort_ = nullptr;
};

struct smtp_options {
    std::string url;  // smtp://host:587 (STARTTLS when offered) or smtps://host:465
    std::string user, password;
    std::string from;  // the sender's address
    long timeout_s = 30;
};
std::unique_ptr<message_transport> make_smtp_transport(smtp_options o);

struct whatsapp_options {
    std::string api_url = "https://graph.facebook.com/v20.0";  // or a proxy with the same API
    std::string token;
    std::string phone_number_id;
    template_names templates;
    long timeout_s = 30;
};
std::unique_ptr<message_transport> make_whatsapp_transport(whatsapp_options o);

// The stable Message-ID of an outbox row: the same on every attempt.
std::string message_id_of(std::int64_t outbox_id, const std::string& from);
// The RFC 5322 message (headers, multipart/alternative text and HTML, base64 bodies).
std::string mime_message(const email_content& content, const std::string& from,
                         const std::string& to, const std::string& message_id,
                         protocol::unix_seconds date);
// The Cloud API request body of a template message to `phone` (E.164).
protocol::json whatsapp_body(const whatsapp_content& content, const std::string& phone);
// "+6281234567890" -> "+62812*****890", "siti@example.org" -> "s***@example.org": for logs.
std::string mask_address(const std::string& address);

}  // namespace daring::server
