#include "tests/support/pdf_maker.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace daring::test {

// Deflate without a zlib header (as zip members carry it).
std::string raw_deflate(const std::string& in);

namespace {

// Writes objects 1..n (bodies given) with the xref table and trailer; object 1 is the catalog.
std::string assemble(const std::vector<std::string>& objects) {
    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const auto xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (auto o : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
        out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
           " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

// A photo-like picture (smooth colour fields with grain) as a Flate-compressed RGB image
// XObject; different per page `n`.
std::string photo_object(int n) {
    constexpr int w = 640, h = 400;
    std::string rgb;
    rgb.reserve(static_cast<std::size_t>(w) * h * 3);
    std::uint32_t noise = 2463534242u + static_cast<std::uint32_t>(n);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            const int grain = static_cast<int>(noise % 24) - 12;
            const int r = 120 + static_cast<int>(90 * std::sin((x + n * 37) / 70.0)) + grain;
            const int g = 110 + static_cast<int>(80 * std::cos((y + n * 11) / 55.0)) + grain;
            const int b = 100 + static_cast<int>(70 * std::sin((x + y) / 90.0)) + grain;
            for (int v : {r, g, b}) rgb.push_back(static_cast<char>(std::clamp(v, 0, 255)));
        }
    }
    // zlib-wrapped for /FlateDecode: header, raw deflate, Adler-32.
    const auto raw = raw_deflate(rgb);
    const auto adler =
        adler32(1, reinterpret_cast<const Bytef*>(rgb.data()), static_cast<uInt>(rgb.size()));
    std::string z = "\x78\x9c" + raw;
    for (int shift : {24, 16, 8, 0}) z.push_back(static_cast<char>((adler >> shift) & 0xFF));
    return "<< /Type /XObject /Subtype /Image /Width " + std::to_string(w) + " /Height " +
           std::to_string(h) + " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode" +
           " /Length " + std::to_string(z.size()) + " >>\nstream\n" + z + "\nendstream";
}

std::string stream(const std::string& content) {
    return "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
           "\nendstream";
}

}  // namespace

std::string make_pdf(const pdf_spec& spec) {
    // 1 catalog, 2 pages, 3 font, then per page: page object, content stream.
    std::vector<std::string> objects(3);
    std::string kids;
    for (int n = 1; n <= spec.pages; ++n) {
        const int page_obj = static_cast<int>(objects.size()) + 1;
        kids += std::to_string(page_obj) + " 0 R ";
        char box[96];
        std::snprintf(box, sizeof box, "[0 0 %.2f %.2f]", spec.width_pt, spec.height_pt);
        const std::string picture =
            spec.photo ? " /XObject << /Im1 " + std::to_string(page_obj + 2) + " 0 R >>" : "";
        objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox " + std::string(box) +
                          " /Resources << /Font << /F1 3 0 R >>" + picture + " >> /Contents " +
                          std::to_string(page_obj + 1) + " 0 R >>");
        std::string content;
        for (int i = 0; i < spec.shapes; ++i) {
            char rect[128];
            const double w = spec.width_pt / (spec.shapes * 2.0 + 1);
            std::snprintf(rect, sizeof rect, "%.2f %.2f %.2f rg %.2f %.2f %.2f %.2f re f\n",
                          0.1 + 0.05 * (i % 10), 0.5, 0.3, w * (2 * i + 1), spec.height_pt * 0.1, w,
                          spec.height_pt * (0.1 + 0.05 * ((i * 7 + n) % 10)));
            content += rect;
        }
        char text[160];
        std::snprintf(text, sizeof text, "BT /F1 %.1f Tf 0 0 0 rg %.2f %.2f Td (%s %d) Tj ET",
                      spec.height_pt / 12, spec.width_pt * 0.08, spec.height_pt * 0.82,
                      spec.title.c_str(), n);
        content += text;
        if (spec.photo) {
            char place[96];
            std::snprintf(place, sizeof place, "\nq %.2f 0 0 %.2f %.2f %.2f cm /Im1 Do Q",
                          spec.width_pt * 0.45, spec.height_pt * 0.6, spec.width_pt * 0.5,
                          spec.height_pt * 0.15);
            content += place;
        }
        objects.push_back(stream(content));
        if (spec.photo) objects.push_back(photo_object(n));
    }
    objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
    objects[1] =
        "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(spec.pages) + " >>";
    objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    return assemble(objects);
}

std::string make_nested_pdf(int depth) {
    std::string nested(static_cast<std::size_t>(depth), '[');
    nested += std::string(static_cast<std::size_t>(depth), ']');
    std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Deep " + nested +
            " >> /Contents 4 0 R >>",
        stream("0 0 1 rg 10 10 100 100 re f")};
    return assemble(objects);
}

namespace {

void put16(std::string& out, unsigned v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

}  // namespace

std::string raw_deflate(const std::string& in) {
    z_stream z{};
    if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&z, in.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

namespace {

struct zip_member {
    std::string name, data;
    bool deflated = false;
};

std::string zip_of(const std::vector<zip_member>& members) {
    std::string out, directory;
    for (const auto& m : members) {
        const auto stored = m.deflated ? raw_deflate(m.data) : m.data;
        const auto crc = static_cast<std::uint32_t>(crc32(
            0, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size())));
        const auto offset = static_cast<std::uint32_t>(out.size());
        const unsigned method = m.deflated ? 8 : 0;
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, 0);
        put16(out, method);
        put32(out, 0);
        put32(out, crc);
        put32(out, static_cast<std::uint32_t>(stored.size()));
        put32(out, static_cast<std::uint32_t>(m.data.size()));
        put16(out, static_cast<unsigned>(m.name.size()));
        put16(out, 0);
        out += m.name + stored;
        put32(directory, 0x02014b50);
        put16(directory, 20);
        put16(directory, 20);
        put16(directory, 0);
        put16(directory, method);
        put32(directory, 0);
        put32(directory, crc);
        put32(directory, static_cast<std::uint32_t>(stored.size()));
        put32(directory, static_cast<std::uint32_t>(m.data.size()));
        put16(directory, static_cast<unsigned>(m.name.size()));
        put32(directory, 0);  // extra and comment lengths
        put32(directory, 0);  // disk, internal attributes
        put32(directory, 0);  // external attributes
        put32(directory, offset);
        directory += m.name;
    }
    const auto at = static_cast<std::uint32_t>(out.size());
    out += directory;
    put32(out, 0x06054b50);
    put32(out, 0);
    put16(out, static_cast<unsigned>(members.size()));
    put16(out, static_cast<unsigned>(members.size()));
    put32(out, static_cast<std::uint32_t>(directory.size()));
    put32(out, at);
    put16(out, 0);
    return out;
}

}  // namespace

std::string make_zip_bomb_pptx(const std::string& content) {
    const std::string types =
        "<?xml version=\"1.0\"?><Types "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override "
        "PartName=\"/ppt/presentation.xml\" "
        "ContentType=\"application/"
        "vnd.openxmlformats-officedocument.presentationml.presentation.main+xml\"/></Types>";
    const std::string presentation =
        "<?xml version=\"1.0\"?><p:presentation "
        "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"/>";
    return zip_of({{"[Content_Types].xml", types, false},
                   {"ppt/presentation.xml", presentation, false},
                   {"ppt/slides/slide1.xml", content, true}});
}

}  // namespace daring::test
