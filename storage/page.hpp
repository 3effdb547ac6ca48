#pragma once
// Keyset paging: a page starts after the key of the last row of the previous one (stable under
// concurrent inserts, no OFFSET). Repositories fetch `limit + 1` rows so the caller can tell
// whether a next page exists.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace daring::storage {

struct page_request {
    std::size_t limit = 50;
    std::vector<std::int64_t> after;  // the last row's key; empty: from the start
};

// Every row (internal callers: reports, the delivery policy).
inline const page_request every_row{std::size_t{1} << 40, {}};

}  // namespace daring::storage
