#pragma once
// Small, valid PDF files made in memory for tests and benchmarks: pages of a chosen size with a
// line of text and some shapes each, and hostile variants (deep nesting, truncation).
#include <string>

namespace daring::test {

struct pdf_spec {
    int pages = 3;
    double width_pt = 960, height_pt = 540;  // 16:9
    std::string title = "Halaman";           // each page shows "<title> <n>"
    int shapes = 12;                         // filled rectangles per page (a bar chart)
    bool photo = false;  // a 640 x 400 photo-like picture (smooth colour and grain) per page
};

// A PDF with a correct cross-reference table.
std::string make_pdf(const pdf_spec& spec = {});

// One page whose content nests `depth` arrays inside each other in a resource dictionary.
std::string make_nested_pdf(int depth);

// A .pptx-looking zip whose slide part inflates to `content` (e.g. hundreds of MB of zeros,
// deflated to a few hundred kB): a zip bomb.
std::string make_zip_bomb_pptx(const std::string& content);

}  // namespace daring::test
