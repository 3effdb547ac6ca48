#include "server/decks/deck_convert.hpp"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <webp/encode.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "protocol/deck.hpp"
#include "protocol/plan.hpp"

namespace daring::server {

namespace fs = std::filesystem;

namespace {

void say(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

int fail(const char* code) {
    say(std::string("error ") + code);
    return 2;
}

// LibreOffice headless turns the office file into work/pdf/<stem>.pdf; a private profile
// (no shared state between runs) under the work dir.
std::optional<fs::path> office_to_pdf(const convert_request& r) {
    const auto work = r.out_dir / "office";
    fs::create_directories(work / "pdf");
    const std::string profile = "-env:UserInstallation=file://" + (work / "profile").string();
    const std::string outdir = (work / "pdf").string();
    const std::string input = r.input.string();
    std::vector<std::string> argv = {r.soffice,       "--headless",  "--norestore", "--nologo",
                                     "--nolockcheck", "--nodefault", profile,       "--convert-to",
                                     "pdf",           "--outdir",    outdir,        input};
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    std::string home = "HOME=" + work.string();
    std::vector<char*> env = {home.data(), const_cast<char*>("PATH=/usr/bin:/bin"),
                              const_cast<char*>("SAL_USE_VCLPLUGIN=svp"), nullptr};
    // LibreOffice talks on standard output, which is our report to the server: its words go to
    // standard error instead.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    pid_t pid = 0;
    const int spawned =
        posix_spawn(&pid, r.soffice.c_str(), &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return std::nullopt;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const auto pdf = work / "pdf" / (r.input.stem().string() + ".pdf");
    std::error_code ec;
    if (!fs::is_regular_file(pdf, ec) || fs::file_size(pdf, ec) == 0) return std::nullopt;
    return pdf;
}

struct webp_picture {
    WebPPicture pic{};
    webp_picture() { WebPPictureInit(&pic); }
    ~webp_picture() { WebPPictureFree(&pic); }
    webp_picture(const webp_picture&) = delete;
    webp_picture& operator=(const webp_picture&) = delete;
};

// Encodes `pic` at `quality`; empty on failure.
std::string encode(WebPPicture& pic, float quality) {
    WebPConfig config;
    if (!WebPConfigPreset(&config, WEBP_PRESET_PICTURE, quality)) return {};
    config.method = 4;
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = &writer;
    std::string out;
    if (WebPEncode(&config, &pic)) out.assign(reinterpret_cast<char*>(writer.mem), writer.size);
    WebPMemoryWriterClear(&writer);
    return out;
}

bool write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
}

// The page's text, cut to a slide body's limit on a UTF-8 boundary.
std::string page_text(const poppler::page& p) {
    // Reading order, not the page's geometry: a phone shows it as plain lines.
    auto bytes = p.text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
    std::string text;
    text.reserve(bytes.size());
    for (char ch : bytes) {
        // Runs of spaces and blank lines collapse; form feeds and other controls go.
        if (ch == '\r' || ch == '\f' || ch == '\t') ch = ' ';
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n') continue;
        if (ch == ' ' && (text.empty() || text.back() == ' ' || text.back() == '\n')) continue;
        if (ch == '\n' && !text.empty() && text.back() == ' ') text.pop_back();
        if (ch == '\n' && (text.empty() || (text.size() >= 2 && text.ends_with("\n\n")))) continue;
        text.push_back(ch);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.size() > protocol::slide_body_limit) {
        std::size_t cut = protocol::slide_body_limit;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text.resize(cut);
    }
    return text;
}

// Renders page `n` (1-based) and writes its three files; false on failure.
bool render_page(const poppler::document& doc, int n, const fs::path& out_dir,
                 std::pair<int, int>& size) {
    std::unique_ptr<poppler::page> page(doc.create_page(n - 1));
    if (!page) return false;
    auto rect = page->page_rect();
    double w = rect.width(), h = rect.height();
    const auto o = page->orientation();
    if (o == poppler::page::landscape || o == poppler::page::seascape) std::swap(w, h);
    if (!(w > 0) || !(h > 0)) return false;
    // Fit into large_page_width x (aspect limit x width) pixels.
    const double res =
        std::min(72.0 * large_page_width / w, 72.0 * large_page_width * page_aspect_limit / h);
    const int width = std::max(1, static_cast<int>(std::lround(w * res / 72.0)));
    const int height = std::max(1, static_cast<int>(std::lround(h * res / 72.0)));

    poppler::page_renderer renderer;
    renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
    renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
    renderer.set_image_format(poppler::image::format_argb32);
    auto image = renderer.render_page(page.get(), res, res, 0, 0, width, height);
    if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) return false;

    webp_picture large;
    large.pic.use_argb = 1;
    large.pic.width = image.width();
    large.pic.height = image.height();
    // Poppler's argb32 is B, G, R, A in memory on little-endian machines; pages are opaque.
    if (!WebPPictureImportBGRX(&large.pic,
                               reinterpret_cast<const std::uint8_t*>(image.const_data()),
                               image.bytes_per_row()))
        return false;
    webp_picture small;
    if (!WebPPictureCopy(&large.pic, &small.pic)) return false;
    const int small_h = std::max(
        1, static_cast<int>(std::lround(1.0 * image.height() * small_page_width / image.width())));
    if (image.width() > small_page_width &&
        !WebPPictureRescale(&small.pic, small_page_width, small_h))
        return false;

    const auto large_bytes = encode(large.pic, large_page_quality);
    const auto small_bytes = encode(small.pic, small_page_quality);
    if (large_bytes.empty() || small_bytes.empty()) return false;
    const auto stem = std::to_string(n);
    if (!write_file(out_dir / (stem + "-large.webp"), large_bytes) ||
        !write_file(out_dir / (stem + "-small.webp"), small_bytes) ||
        !write_file(out_dir / (stem + ".txt"), page_text(*page)))
        return false;
    size = {image.width(), image.height()};
    return true;
}

void quiet_poppler(const std::string&, void*) {}

// The server died (its parent-death signal, decks/child_process.hpp) or someone ends this run:
// LibreOffice, started here in the same process group, goes with it. Only a group of its own
// (as the server starts it) is killed whole, never a shell's job that ran `daring convert`.
void end_the_group(int) {
    if (getpgrp() == getpid()) kill(0, SIGKILL);
    _exit(143);
}

void end_the_group_on_sigterm() {
    struct sigaction a {};
    a.sa_handler = end_the_group;
    sigemptyset(&a.sa_mask);
    sigaction(SIGTERM, &a, nullptr);
}

}  // namespace

std::string find_soffice() {
    for (const char* p : {"/usr/lib/libreoffice/program/soffice", "/usr/bin/soffice"}) {
        std::error_code ec;
        if (fs::exists(p, ec)) return p;
    }
    return {};
}

int run_convert(const convert_request& r) {
    end_the_group_on_sigterm();
    try {
        const auto kind = protocol::parse_deck_kind(r.kind);
        if (!kind) return fail(protocol::deck_damaged);
        fs::path pdf = r.input;
        if (protocol::is_office(*kind)) {
            if (r.soffice.empty()) return fail(protocol::deck_unavailable);
            auto made = office_to_pdf(r);
            if (!made) return fail(protocol::deck_damaged);
            pdf = *made;
        }
        poppler::set_debug_error_function(quiet_poppler, nullptr);
        std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(pdf.string()));
        if (!doc) return fail(protocol::deck_damaged);
        if (doc->is_locked()) return fail(protocol::deck_encrypted);
        const int pages = doc->pages();
        if (pages <= 0) return fail(protocol::deck_damaged);
        if (pages > r.max_pages) return fail(protocol::deck_too_many_pages);
        say("pages " + std::to_string(pages));
        for (int n = 1; n <= pages; ++n) {
            std::pair<int, int> size;
            if (!render_page(*doc, n, r.out_dir, size)) return fail(protocol::deck_damaged);
            say("page " + std::to_string(n) + " " + std::to_string(size.first) + " " +
                std::to_string(size.second));
        }
        say("done");
        return 0;
    } catch (const std::bad_alloc&) {
        return fail(protocol::deck_too_large_output);
    } catch (const std::exception&) {
        return fail(protocol::deck_damaged);
    }
}

}  // namespace daring::server
