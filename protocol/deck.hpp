#pragma once
// A trainer's own deck (uploaded PDF or presentation, converted to page images) and a
// training's handouts: value types and their JSON. Pure: no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/json_text.hpp"
#include "protocol/plan.hpp"
#include "protocol/time_format.hpp"

namespace daring::protocol {

// Named limits of an upload (pages: protocol/plan.hpp deck_page_limit).
inline constexpr std::size_t deck_upload_limit = 50u << 20;      // bytes of one deck file
inline constexpr std::size_t material_upload_limit = 50u << 20;  // bytes of one handout
inline constexpr std::size_t material_name_limit = 120;          // code points of a file name
inline constexpr int materials_per_training_limit = 100;

// What the bytes of an upload are (sniffed, never taken from a name).
enum class deck_kind { pdf, pptx, ppt, odp, fodp };
std::string_view to_string(deck_kind k);
std::optional<deck_kind> parse_deck_kind(std::string_view text);
// The kind of a deck file from its first bytes (a zip's member names, an XML root), or none.
std::optional<deck_kind> sniff_deck(std::string_view bytes);
// Whether LibreOffice must first turn it into PDF.
inline bool is_office(deck_kind k) {
    return k != deck_kind::pdf;
}

enum class deck_status { converting, ready, failed };
std::string_view to_string(deck_status s);
std::optional<deck_status> parse_deck_status(std::string_view text);

// Why a conversion failed (the codes of API.md, plus `interrupted`: the server stopped while
// it converted).
inline constexpr const char* deck_damaged = "damaged";
inline constexpr const char* deck_encrypted = "encrypted";
inline constexpr const char* deck_too_many_pages = "too_many_pages";
inline constexpr const char* deck_too_slow = "too_slow";
inline constexpr const char* deck_too_large_output = "too_large";
inline constexpr const char* deck_unavailable = "conversion_unavailable";
inline constexpr const char* deck_interrupted = "interrupted";
// Whether `code` is one of the failure codes above.
bool parse_known_code(std::string_view code);
// The trainer's sentence for a failure code, in English and Bahasa Indonesia.
std::string deck_error_message(std::string_view code);
std::string deck_error_message_id(std::string_view code);

struct deck {
    std::int64_t id = 0;
    std::int64_t session_id = 0;
    deck_status status = deck_status::converting;
    deck_kind kind = deck_kind::pdf;
    std::int64_t source_bytes = 0;
    int pages = 0;       // known once the PDF is open (0 before)
    int pages_done = 0;  // pages rendered so far
    std::string error_code, error_message;
    std::int64_t created_by = 0;
    unix_seconds created_at = 0;
};
json to_json(const deck& d);

// One rendered page as the converter reports it and the store keeps it.
struct deck_page {
    int n = 0;
    int width = 0, height = 0;
    std::string small, large;  // content hashes
    std::int64_t small_bytes = 0, large_bytes = 0;
    std::string text;
};
// A ready page as a slide (title from its text, body its text).
slide page_slide(std::int64_t deck_id, const deck_page& p);
// The slide title of a page: its text's first line (at most 80 code points), else "Halaman n".
std::string page_title(const deck_page& p);

struct material {
    std::int64_t id = 0;
    std::int64_t training_id = 0;
    std::string name;
    std::string content_type;
    std::int64_t bytes = 0;
    std::string file;  // content hash
    std::int64_t created_by = 0;
    unix_seconds created_at = 0;
};
json to_json(const material& m);
// A handout's file name from ?name=: one line, no path separators, 1..120 code points; nullopt
// when unusable.
std::optional<std::string> clean_material_name(std::string_view name);
// The content type served for a handout, from its sniffed bytes and name.
std::string material_content_type(std::string_view bytes, std::string_view name);

}  // namespace daring::protocol
