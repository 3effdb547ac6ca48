// The CSV reader and the two CSV imports (users, usernames to enroll): arbitrary bytes are
// refused with line-named errors or accepted, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/csv.hpp"
#include "protocol/plan.hpp"
#include "protocol/user.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto records = daring::protocol::parse_csv(text)) {
        std::string out;
        for (const auto& r : *records)
            for (const auto& f : r.fields) daring::protocol::append_csv_field(out, f);
    }
    (void)daring::protocol::parse_user_import(text);
    (void)daring::protocol::parse_username_csv(text);
    return 0;
}
