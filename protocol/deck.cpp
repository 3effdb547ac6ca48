#include "protocol/deck.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "protocol/plan.hpp"
#include "protocol/validate.hpp"

namespace daring::protocol {

namespace {

constexpr std::array<std::pair<deck_kind, std::string_view>, 5> kind_names = {{
    {deck_kind::pdf, "pdf"},
    {deck_kind::pptx, "pptx"},
    {deck_kind::ppt, "ppt"},
    {deck_kind::odp, "odp"},
    {deck_kind::fodp, "fodp"},
}};

constexpr std::array<std::pair<deck_status, std::string_view>, 3> status_names = {{
    {deck_status::converting, "converting"},
    {deck_status::ready, "ready"},
    {deck_status::failed, "failed"},
}};

constexpr std::string_view odp_mime = "application/vnd.oasis.opendocument.presentation";
constexpr std::string_view ole2_magic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
constexpr std::string_view zip_magic = "PK\x03\x04";

// The first bytes that say what a file is: enough for an XML root element and its attributes.
constexpr std::size_t sniff_window = 4096;

bool has_pdf_header(std::string_view bytes) {
    // The header may follow a little junk (readers accept it within the first 1024 bytes).
    return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
}

// The name of a zip's first member and the bytes after its local header.
std::pair<std::string_view, std::string_view> first_zip_member(std::string_view bytes) {
    if (bytes.size() < 30 || !bytes.starts_with(zip_magic)) return {};
    const auto u16 = [&](std::size_t at) {
        return static_cast<std::size_t>(static_cast<unsigned char>(bytes[at])) |
               static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + 1])) << 8;
    };
    const std::size_t name_len = u16(26);
    const std::size_t extra_len = u16(28);
    if (30 + name_len + extra_len > bytes.size()) return {};
    return {bytes.substr(30, name_len), bytes.substr(30 + name_len + extra_len)};
}

// UTF-16LE of "PowerPoint Document", the stream every .ppt holds.
bool has_powerpoint_stream(std::string_view bytes) {
    constexpr std::string_view name = "PowerPoint Document";
    std::string wide;
    for (char ch : name) {
        wide.push_back(ch);
        wide.push_back('\0');
    }
    return bytes.find(wide) != std::string_view::npos;
}

}  // namespace

std::string_view to_string(deck_kind k) {
    for (const auto& [kind, name] : kind_names)
        if (kind == k) return name;
    return "pdf";
}

std::optional<deck_kind> parse_deck_kind(std::string_view text) {
    for (const auto& [kind, name] : kind_names)
        if (name == text) return kind;
    return std::nullopt;
}

std::string_view to_string(deck_status s) {
    for (const auto& [status, name] : status_names)
        if (status == s) return name;
    return "converting";
}

std::optional<deck_status> parse_deck_status(std::string_view text) {
    for (const auto& [status, name] : status_names)
        if (name == text) return status;
    return std::nullopt;
}

std::optional<deck_kind> sniff_deck(std::string_view bytes) {
    if (has_pdf_header(bytes)) return deck_kind::pdf;
    if (bytes.starts_with(ole2_magic))
        return has_powerpoint_stream(bytes) ? std::optional(deck_kind::ppt) : std::nullopt;
    if (bytes.starts_with(zip_magic)) {
        auto [name, rest] = first_zip_member(bytes);
        if (name == "mimetype" && rest.starts_with(odp_mime)) return deck_kind::odp;
        // An OOXML package names its parts in the local headers and the central directory.
        if (bytes.find("ppt/presentation.xml") != std::string_view::npos) return deck_kind::pptx;
        return std::nullopt;
    }
    auto head = bytes.substr(0, sniff_window);
    if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
    while (!head.empty() && (head.front() == ' ' || head.front() == '\n' || head.front() == '\r' ||
                             head.front() == '\t'))
        head.remove_prefix(1);
    if (head.starts_with("<?xml") && head.find("office:document") != std::string_view::npos &&
        head.find(odp_mime) != std::string_view::npos)
        return deck_kind::fodp;
    return std::nullopt;
}

bool parse_known_code(std::string_view code) {
    for (const char* known : {deck_damaged, deck_encrypted, deck_too_many_pages, deck_too_slow,
                              deck_too_large_output, deck_unavailable, deck_interrupted})
        if (code == known) return true;
    return false;
}

slide page_slide(std::int64_t deck_id, const deck_page& p) {
    return {page_title(p), p.text,
            slide_page{.deck_id = deck_id,
                       .n = p.n,
                       .width = p.width,
                       .height = p.height,
                       .small = p.small,
                       .large = p.large,
                       .small_bytes = p.small_bytes,
                       .large_bytes = p.large_bytes}};
}

std::string deck_error_message(std::string_view code) {
    if (code == deck_damaged) return "The file is damaged and cannot be opened";
    if (code == deck_encrypted) return "This PDF is locked with a password: save it without one";
    if (code == deck_too_many_pages)
        return "The deck has more than " + std::to_string(deck_page_limit) + " pages";
    if (code == deck_too_slow) return "Converting the file took too long";
    if (code == deck_too_large_output) return "The converted pages would be too large";
    if (code == deck_unavailable)
        return "This server cannot convert office files: upload a PDF instead";
    if (code == deck_interrupted) return "The server converting it stopped: upload it again";
    return "The file could not be converted";
}

std::string deck_error_message_id(std::string_view code) {
    if (code == deck_damaged) return "Berkas rusak dan tidak dapat dibuka";
    if (code == deck_encrypted)
        return "PDF ini dikunci dengan kata sandi: simpan ulang tanpa kata sandi";
    if (code == deck_too_many_pages)
        return "Berkas lebih dari " + std::to_string(deck_page_limit) + " halaman";
    if (code == deck_too_slow) return "Konversi berkas terlalu lama";
    if (code == deck_too_large_output) return "Halaman hasil konversi terlalu besar";
    if (code == deck_unavailable)
        return "Server ini tidak dapat mengonversi berkas kantor: unggah PDF saja";
    if (code == deck_interrupted) return "Server yang mengonversi berhenti: unggah lagi";
    return "Berkas tidak dapat dikonversi";
}

json to_json(const deck& d) {
    json error = nullptr;
    if (d.status == deck_status::failed)
        error = {{"code", d.error_code},
                 {"message",
                  d.error_message.empty() ? deck_error_message(d.error_code) : d.error_message},
                 {"message_id", deck_error_message_id(d.error_code)}};
    return {{"id", d.id},
            {"session_id", d.session_id},
            {"status", to_string(d.status)},
            {"kind", to_string(d.kind)},
            {"bytes", d.source_bytes},
            {"pages_done", d.pages_done},
            {"pages", d.pages},
            {"error", std::move(error)},
            {"created_at", format_rfc3339(d.created_at)}};
}

std::string page_title(const deck_page& p) {
    std::string_view text = p.text;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = trim(text.substr(0, end));
        if (!line.empty() && !has_control_characters(line, false)) {
            // Cut at 80 code points, never inside one.
            std::size_t points = 0, at = 0;
            while (at < line.size() && points < 80) {
                ++at;
                while (at < line.size() && (static_cast<unsigned char>(line[at]) & 0xC0) == 0x80)
                    ++at;
                ++points;
            }
            if (utf8_length(line.substr(0, at))) return line.substr(0, at);
        }
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return "Halaman " + std::to_string(p.n);
}

json to_json(const material& m) {
    return {{"id", m.id},
            {"training_id", m.training_id},
            {"name", m.name},
            {"content_type", m.content_type},
            {"bytes", m.bytes},
            {"url", "/api/v1/materials/" + std::to_string(m.id) + "/file"},
            {"created_at", format_rfc3339(m.created_at)}};
}

std::optional<std::string> clean_material_name(std::string_view name) {
    auto t = trim(name);
    if (t.empty() || has_control_characters(t, false)) return std::nullopt;
    if (t.find('/') != std::string::npos || t.find('\\') != std::string::npos) return std::nullopt;
    if (t == "." || t == "..") return std::nullopt;
    auto len = utf8_length(t);
    if (!len || *len > material_name_limit) return std::nullopt;
    return t;
}

std::string material_content_type(std::string_view bytes, std::string_view name) {
    if (has_pdf_header(bytes)) return "application/pdf";
    if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
    if (bytes.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
    if (bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP") return "image/webp";
    if (bytes.starts_with(zip_magic)) {
        auto [member, rest] = first_zip_member(bytes);
        if (member == "mimetype") {
            auto type = rest.substr(0, std::min<std::size_t>(rest.find("PK"), 80));
            const bool plain = !type.empty() &&
                               type.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789./+-") ==
                                   std::string_view::npos;
            return plain ? std::string(type) : "application/zip";
        }
        if (bytes.find("ppt/presentation.xml") != std::string_view::npos)
            return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
        if (bytes.find("word/document.xml") != std::string_view::npos)
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        if (bytes.find("xl/workbook.xml") != std::string_view::npos)
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        return "application/zip";
    }
    if (name.ends_with(".txt") && utf8_length(bytes.substr(0, 4096)) &&
        bytes.find('\0') == std::string_view::npos)
        return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

}  // namespace daring::protocol
