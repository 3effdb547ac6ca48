#include "server/http/byte_range.hpp"

#include <gtest/gtest.h>

using namespace daring::server;

TEST(ByteRange, ServesOneRangeAndIgnoresWhatItDoesNotServe) {
    struct row {
        const char* header;
        byte_range::kind kind;
        std::size_t first, last;
    };
    using k = byte_range::kind;
    const row rows[] = {
        {"", k::whole, 0, 0},
        {"bytes=0-99", k::partial, 0, 99},
        {"bytes=100-", k::partial, 100, 999},
        {"bytes=990-5000", k::partial, 990, 999},  // clipped to the end
        {"bytes=-10", k::partial, 990, 999},
        {"bytes=-5000", k::partial, 0, 999},
        {"bytes=999-999", k::partial, 999, 999},
        {"bytes=1000-", k::unsatisfiable, 0, 0},
        {"bytes=2000-3000", k::unsatisfiable, 0, 0},
        {"bytes=-0", k::unsatisfiable, 0, 0},
        {"bytes=5-1", k::whole, 0, 0},  // invalid: ignored
        {"bytes=0-1,5-6", k::whole, 0, 0},
        {"items=0-1", k::whole, 0, 0},
        {"bytes=a-b", k::whole, 0, 0},
        {"bytes=1", k::whole, 0, 0},
        {"bytes=-", k::whole, 0, 0},
        {"bytes=18446744073709551615-", k::whole, 0, 0},
    };
    for (const auto& r : rows) {
        const auto got = parse_byte_range(r.header, 1000);
        EXPECT_EQ(got.result, r.kind) << r.header;
        if (r.kind == k::partial) {
            EXPECT_EQ(got.first, r.first) << r.header;
            EXPECT_EQ(got.last, r.last) << r.header;
        }
    }
    EXPECT_EQ(parse_byte_range("bytes=0-", 0).result, k::unsatisfiable);
}
