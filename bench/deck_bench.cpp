// Deck conversion, as the server runs it: `daring convert` in a child process on one core.
// Speed for a 30-page PDF (vector charts and text), a 30-page photo-heavy PDF and a 30-page
// PPTX (LibreOffice, then the same PDF path), per page against the 0.5 s target; and page
// weight (mean WebP bytes, small 480 px and large 1280 px) of the demo deck and the photo deck
// against 25 kB / 120 kB. The PPTX comes from the demo deck's .fodp repeated to 30 pages and
// converted once beforehand (not timed).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/pdf_maker.hpp"
#include "tests/support/server_process.hpp"

namespace fs = std::filesystem;

namespace {

struct outcome {
    int pages = 0;
    double wall_s = 0, cpu_s = 0;
    double small_mean = 0, large_mean = 0;
    std::uintmax_t small_max = 0, large_max = 0;
};

// Runs argv (a path first) to its end, its output to /dev/null; the child's CPU seconds.
double run(const std::vector<std::string>& argv) {
    std::fflush(stdout);  // a forked child would print the buffer again
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "%s failed (%d)\n", argv[0].c_str(), status);
        std::exit(1);
    }
    auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    return secs(usage.ru_utime) + secs(usage.ru_stime);
}

outcome convert(const std::string& daring, const fs::path& input, const std::string& kind,
                const fs::path& work) {
    fs::remove_all(work);
    fs::create_directories(work / "out");
    const auto t0 = std::chrono::steady_clock::now();
    outcome o;
    o.cpu_s = run({daring, "convert", "--in", input.string(), "--kind", kind, "--out",
                   (work / "out").string(), "--max-pages", "300", "--soffice",
                   "/usr/lib/libreoffice/program/soffice"});
    o.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::uintmax_t small = 0, large = 0;
    for (int n = 1;; ++n) {
        const auto s = work / "out" / (std::to_string(n) + "-small.webp");
        if (!fs::exists(s)) break;
        const auto sb = fs::file_size(s);
        const auto lb = fs::file_size(work / "out" / (std::to_string(n) + "-large.webp"));
        small += sb;
        large += lb;
        o.small_max = std::max(o.small_max, sb);
        o.large_max = std::max(o.large_max, lb);
        o.pages = n;
    }
    if (o.pages > 0) {
        o.small_mean = static_cast<double>(small) / o.pages;
        o.large_mean = static_cast<double>(large) / o.pages;
    }
    return o;
}

void report(const char* name, const outcome& o) {
    std::printf(
        "%-34s %3d pages  %6.2f s wall  %6.2f s CPU  %5.3f s/page (target 0.5)  small %5.1f kB "
        "(max %5.1f, target 25)  large %6.1f kB (max %6.1f, target 120)\n",
        name, o.pages, o.wall_s, o.cpu_s, o.pages ? o.cpu_s / o.pages : 0, o.small_mean / 1000,
        o.small_max / 1000.0, o.large_mean / 1000, o.large_max / 1000.0);
}

void write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

// The demo deck's pages repeated until the presentation has `pages` pages.
std::string repeated_fodp(const std::string& fodp, int pages) {
    const auto first = fodp.find("<draw:page ");
    const auto end = fodp.rfind("</draw:page>") + std::string("</draw:page>").size();
    const auto body = fodp.substr(first, end - first);
    int have = 0;
    for (auto at = body.find("<draw:page "); at != std::string::npos;
         at = body.find("<draw:page ", at + 1))
        ++have;
    std::string all;
    for (int copies = 0; copies * have < pages; ++copies) all += body + "\n";
    // Trim to exactly `pages` pages.
    std::size_t at = 0;
    for (int i = 0; i < pages; ++i) at = all.find("</draw:page>", at) + 12;
    return fodp.substr(0, first) + all.substr(0, at) + fodp.substr(end);
}

}  // namespace

int main() {
    const std::string daring = DARING_BINARY_FOR_BENCH;
    const fs::path dir =
        fs::temp_directory_path() / ("daring-deck-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    // One core, as the server's converter child has when the other serves.
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one);

    write(dir / "charts.pdf",
          daring::test::make_pdf({.pages = 30, .title = "Pembukuan Sederhana"}));
    write(dir / "photos.pdf",
          daring::test::make_pdf(
              {.pages = 30, .title = "Produk unggulan", .shapes = 4, .photo = true}));
    std::ifstream in(std::string(DARING_SOURCE_DIR) + "/demo/kemasan-produk.fodp",
                     std::ios::binary);
    const std::string fodp{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    write(dir / "deck30.fodp", repeated_fodp(fodp, 30));
    run({"/usr/lib/libreoffice/program/soffice", "--headless", "--norestore",
         "-env:UserInstallation=file://" + (dir / "profile").string(), "--convert-to", "pptx",
         "--outdir", dir.string(), (dir / "deck30.fodp").string()});

    report("30-page PDF, charts and text", convert(daring, dir / "charts.pdf", "pdf", dir / "w1"));
    report("30-page PDF, a photo a page", convert(daring, dir / "photos.pdf", "pdf", dir / "w2"));
    report("30-page PPTX (LibreOffice + PDF)",
           convert(daring, dir / "deck30.pptx", "pptx", dir / "w3"));
    write(dir / "demo.fodp", fodp);
    report("the demo deck (5 pages, .fodp)",
           convert(daring, dir / "demo.fodp", "fodp", dir / "w4"));
    fs::remove_all(dir);
    return 0;
}
