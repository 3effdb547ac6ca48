#pragma once
// `daring convert`: the child process that opens one uploaded deck and writes its pages. Runs
// under the limits its parent set (decks/child_process); never inside the server.
//
// Office files go to PDF through LibreOffice (headless, a private profile in the work dir);
// each PDF page is rendered with Poppler once at `large_width` and encoded with libwebp at that
// width and at `small_width`, with the page's text beside it. It reports on standard output,
// one line each:
//   pages N               the page count, once the PDF is open
//   page N W H            page N is written: N-large.webp (W x H px), N-small.webp, N.txt
//   error CODE            a failure code of protocol/deck.hpp (then exit status 2)
//   done                  every page is written (exit status 0)
#include <filesystem>
#include <string>

namespace daring::server {

inline constexpr int large_page_width = 1280;
inline constexpr int small_page_width = 480;
// A page taller than this many widths is scaled to fit (a 1 x 20,000 pt strip stays small).
inline constexpr int page_aspect_limit = 3;
// WebP quality of the two sizes (libwebp's 0..100).
inline constexpr float large_page_quality = 72;
inline constexpr float small_page_quality = 68;

struct convert_request {
    std::filesystem::path input;    // the uploaded file
    std::string kind;               // protocol::deck_kind name
    std::filesystem::path out_dir;  // where pages go (exists, private)
    int max_pages = 300;
    std::string soffice;  // LibreOffice's soffice; empty: office files are refused
};

// Returns the process exit status. Never throws.
int run_convert(const convert_request& request);

// The soffice program of this machine, or empty when LibreOffice is not installed.
std::string find_soffice();

}  // namespace daring::server
