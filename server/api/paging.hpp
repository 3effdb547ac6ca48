#pragma once
// Paged lists (RFC 8288): `?limit=` (default 50, at most 500) and an opaque `cursor`; the body
// stays a JSON array, the next page is in `Link: <...>; rel="next"`, absent on the last page.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "protocol/json_text.hpp"
#include "server/http/http_types.hpp"
#include "storage/page.hpp"

namespace daring::server {

inline constexpr std::size_t default_page_limit = 50;
inline constexpr std::size_t max_page_limit = 500;

// The page asked for; 400 invalid_query (field limit or cursor) for bad values. `key_size`: how
// many numbers a cursor of this list holds.
storage::page_request read_page(const http_request& req, std::size_t key_size = 1,
                                std::size_t default_limit = default_page_limit,
                                std::size_t max_limit = max_page_limit);

// Cursors: opaque to clients (base64url of a versioned list of numbers).
std::string encode_cursor(const std::vector<std::int64_t>& key);

// The answer: the rows of the page as a JSON array, with the next page's Link when `rows`
// (fetched with limit + 1) held more. `key_of` gives a row's cursor key.
template <class Row>
http_response paged_response(const http_request& req, std::vector<Row> rows,
                             const storage::page_request& page,
                             const std::function<std::vector<std::int64_t>(const Row&)>& key_of,
                             const std::function<protocol::json(const Row&)>& to_json);

// The Link header value for the page after `key`.
std::string next_link(const http_request& req, std::size_t limit,
                      const std::vector<std::int64_t>& key);

template <class Row>
http_response paged_response(const http_request& req, std::vector<Row> rows,
                             const storage::page_request& page,
                             const std::function<std::vector<std::int64_t>(const Row&)>& key_of,
                             const std::function<protocol::json(const Row&)>& to_json) {
    const bool more = rows.size() > page.limit;
    if (more) rows.resize(page.limit);
    auto body = protocol::json::array();
    for (const auto& r : rows) body.push_back(to_json(r));
    auto res = json_response(200, body);
    if (more && !rows.empty())
        res.set_header("Link", next_link(req, page.limit, key_of(rows.back())));
    return res;
}

}  // namespace daring::server
