// Every JSON request body parser of protocol/ and the live message parser: arbitrary text is
// either refused with a field-named error or accepted, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/json_text.hpp"
#include "protocol/live.hpp"
#include "protocol/plan.hpp"
#include "protocol/quiz.hpp"
#include "protocol/user.hpp"

using namespace daring::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)live::parse_client_message(text);
    auto body = parse_json_object(text);
    if (!body) return 0;
    (void)parse_region(*body);
    (void)parse_restriction(*body);
    (void)parse_restriction_patch(*body);
    (void)parse_funding_source(*body);
    (void)parse_training(*body);
    (void)parse_training_patch(*body);
    (void)parse_session(*body);
    (void)parse_session_patch(*body);
    (void)parse_delivery_request(*body);
    (void)parse_user_ids(*body);
    (void)parse_new_user(*body);
    (void)parse_login_request(*body);
    if (auto q = parse_quiz(*body)) {
        (void)to_json(*q, std::nullopt);
        (void)to_json(*q, std::optional<std::int64_t>(7));
    }
    return 0;
}
