#include "server/decks/deck_converter.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "storage/deck_repo.hpp"
#include "storage/session_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Why a child that did not finish failed, when it did not say.
std::string code_of(const child_result& r) {
    using ending = child_result::ending;
    if (r.how == ending::cancelled) return deck_interrupted;
    if (r.how == ending::timed_out) return deck_too_slow;
    if (r.how == ending::signalled && (r.code == SIGXCPU || r.code == SIGKILL))
        return deck_too_slow;
    if (r.how == ending::signalled && r.code == SIGXFSZ) return deck_too_large_output;
    return deck_damaged;
}

// One line of the converter's report (deck_convert.hpp).
struct report_line {
    std::string word;
    int a = 0, b = 0, c = 0;
    std::string text;
};

report_line parse_line(std::string_view line) {
    std::istringstream in{std::string(line)};
    report_line r;
    in >> r.word;
    if (r.word == "error")
        in >> r.text;
    else
        in >> r.a >> r.b >> r.c;
    return r;
}

}  // namespace

deck_converter::deck_converter(storage::database& db, const clock& clk, deck_options options)
    : db_(db), clk_(clk), options_(std::move(options)), assets_(fs::absolute(options_.assets_dir)) {
    // The child runs in its work dir: every path it gets is absolute.
    options_.assets_dir = fs::absolute(options_.assets_dir).string();
    if (options_.converter.empty()) options_.converter = fs::read_symlink("/proc/self/exe");
    options_.jobs = std::max(1, options_.jobs);
}

deck_converter::~deck_converter() {
    stop();
}

void deck_converter::start() {
    const int interrupted = db_.write([&](connection& c) {
        return storage::fail_unfinished_decks(c, clk_.now(), options_.node);
    });
    if (interrupted > 0)
        spdlog::warn("decks: {} conversions interrupted by the last stop marked failed",
                     interrupted);
    std::error_code ec;
    fs::remove_all(work_root(), ec);  // their work dirs
    for (int i = 0; i < options_.jobs; ++i) threads_.emplace_back([this] { worker(); });
}

void deck_converter::housekeeping(protocol::unix_seconds now) {
    const int abandoned = db_.write([&](connection& c) {
        storage::keep_conversions_alive(c, options_.node, now);
        return storage::fail_abandoned_decks(c, now, now - abandoned_after_s);
    });
    if (abandoned > 0)
        spdlog::warn("decks: {} conversions of a node silent for {} s marked failed", abandoned,
                     abandoned_after_s);
}

fs::path deck_converter::work_root() const {
    const auto work = fs::path(options_.assets_dir) / "work";
    return options_.node.empty() ? work : work / options_.node;
}

void deck_converter::stop() {
    std::deque<job> waiting;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        waiting.swap(queue_);
    }
    cancel_ = true;  // running conversions end now (marked interrupted), not at their wall limit
    wake_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
    for (const auto& j : waiting) fail(j, deck_interrupted);
}

bool deck_converter::has_room() const {
    std::lock_guard lock(mutex_);
    return !stopping_ && !full();
}

fs::path deck_converter::make_work_dir() const {
    const auto root = work_root();
    fs::create_directories(root);
    const auto work = fs::path(options_.assets_dir) / "work";
    fs::permissions(work, fs::perms::owner_all, fs::perm_options::replace);
    if (root != work) fs::permissions(root, fs::perms::owner_all, fs::perm_options::replace);
    std::string pattern = (root / "deck-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a work dir in " + root.string());
    return pattern;
}

bool deck_converter::submit(std::int64_t deck_id, std::int64_t session_id, deck_kind kind,
                            fs::path work_dir, fs::path input) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || full()) return false;
        queue_.push_back({deck_id, session_id, kind, std::move(work_dir), std::move(input)});
    }
    wake_.notify_one();
    return true;
}

bool deck_converter::full() const {
    return queue_.size() + converting_ >=
           options_.queue_limit + static_cast<std::size_t>(options_.jobs);
}

std::optional<deck> deck_converter::add(std::int64_t session_id, std::int64_t by, deck_kind kind,
                                        std::string_view bytes,
                                        const std::function<void(connection&, const deck&)>& also) {
    if (!has_room()) return std::nullopt;
    deck d;
    d.session_id = session_id;
    d.kind = kind;
    d.source_bytes = static_cast<std::int64_t>(bytes.size());
    d.created_by = by;
    d.created_at = clk_.now();
    d.id = db_.write([&](connection& c) {
        d.id = storage::insert_deck(c, d, options_.node);
        if (also) also(c, d);
        return d.id;
    });
    const auto work = make_work_dir();
    const auto input = work / ("deck." + std::string(to_string(kind)));
    {
        std::ofstream out(input, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error("cannot write the upload " + input.string());
    }
    if (submit(d.id, session_id, kind, work, input)) return d;
    std::error_code ec;
    fs::remove_all(work, ec);
    db_.write([&](connection& c) {
        storage::fail_deck(c, d.id, "busy", "The conversion queue was full", clk_.now());
    });
    return std::nullopt;
}

deck_converter::figures deck_converter::stats() const {
    std::lock_guard lock(mutex_);
    return {converting_, queue_.size(), ready_, failed_};
}

void deck_converter::worker() {
    for (;;) {
        job j;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, nothing left
            j = std::move(queue_.front());
            queue_.pop_front();
            ++converting_;
        }
        convert(j);
        std::error_code ec;
        fs::remove_all(j.work_dir, ec);
        std::lock_guard lock(mutex_);
        --converting_;
    }
}

void deck_converter::convert(const job& j) {
    try {
        int pages = 0;
        const auto code = run(j, pages);
        if (code.empty())
            finish(j, pages);
        else
            fail(j, code);
    } catch (const std::exception& e) {
        spdlog::error("decks: deck {} failed: {}", j.deck_id, e.what());
        fail(j, deck_damaged);
    }
}

std::string deck_converter::run(const job& j, int& pages) {
    const auto out_dir = j.work_dir / "out";
    fs::create_directories(out_dir);
    const std::vector<std::string> argv = {options_.converter,
                                           "convert",
                                           "--in",
                                           j.input.string(),
                                           "--kind",
                                           std::string(to_string(j.kind)),
                                           "--out",
                                           out_dir.string(),
                                           "--max-pages",
                                           std::to_string(deck_page_limit),
                                           "--soffice",
                                           options_.soffice};
    std::vector<std::string> env = {"PATH=/usr/bin:/bin", "HOME=" + j.work_dir.string(),
                                    "TMPDIR=" + j.work_dir.string(), "LANG=C.UTF-8"};
    // A sanitizer build's options reach its child too (suppressions, halting on errors).
    for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS"})
        if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
    std::string said_code;
    int done = 0;
    bool finished = false;
    const auto on_line = [&](std::string_view text) {
        const auto line = parse_line(text);
        if (line.word == "pages" && line.a > 0 && line.a <= deck_page_limit) {
            pages = line.a;
            db_.write([&](connection& c) { storage::set_deck_progress(c, j.deck_id, pages, 0); });
        } else if (line.word == "page" && line.a == done + 1 && line.a <= pages) {
            const auto stem = out_dir / std::to_string(line.a);
            deck_page p{line.a, line.b, line.c, {}, {}, 0, 0, read_text(stem.string() + ".txt")};
            const auto large = read_text(stem.string() + "-large.webp");
            const auto small = read_text(stem.string() + "-small.webp");
            p.large = assets_.put(large);
            p.small = assets_.put(small);
            p.large_bytes = static_cast<std::int64_t>(large.size());
            p.small_bytes = static_cast<std::int64_t>(small.size());
            done = line.a;
            db_.write([&](connection& c) {
                storage::insert_deck_page(c, j.deck_id, p);
                storage::set_deck_progress(c, j.deck_id, pages, done);
            });
        } else if (line.word == "error") {
            said_code = line.text;
        } else if (line.word == "done") {
            finished = true;
        }
    };
    const auto& limits = is_office(j.kind) ? options_.office_limits : options_.pdf_limits;
    const auto result =
        run_child(argv, env, j.work_dir, j.work_dir / "stderr.txt", limits, on_line, &cancel_);
    spdlog::info("decks: deck {} ({}) converted {} of {} pages in {} ms", j.deck_id,
                 to_string(j.kind), done, pages, result.took.count());
    if (result.how == child_result::ending::exited && result.code == 0 && finished && pages > 0 &&
        done == pages)
        return {};
    if (!said_code.empty() && parse_known_code(said_code)) return said_code;
    return code_of(result);
}

void deck_converter::finish(const job& j, int pages) {
    bool over = false, given_up = false;
    std::vector<slide> slides;
    db_.write([&](connection& c) {
        // Another node failed it meanwhile (this one looked silent, abandoned_after_s): the
        // trainer was told and may have uploaded again, so its pages are not added now.
        const auto d = storage::find_deck(c, j.deck_id);
        if (!d || d->status != deck_status::converting) {
            given_up = true;
            return;
        }
        auto s = storage::find_session(c, j.session_id);
        if (!s) return;
        slides = std::move(s->slides);
        if (slides.size() + static_cast<std::size_t>(pages) > slides_per_session_limit) {
            over = true;
            return;
        }
        for (const auto& p : storage::deck_pages(c, j.deck_id))
            slides.push_back(page_slide(j.deck_id, p));
        storage::set_slides(c, j.session_id, slides);
        storage::finish_deck(c, j.deck_id, clk_.now());
    });
    if (given_up) {
        spdlog::warn("decks: deck {} was given up while it converted; its pages are not added",
                     j.deck_id);
        return;
    }
    if (over) {
        fail(j, deck_too_many_pages);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        ++ready_;
    }
    if (on_ready_) on_ready_(j.session_id, slides);
}

void deck_converter::fail(const job& j, const std::string& code) {
    try {
        db_.write([&](connection& c) {
            storage::fail_deck(c, j.deck_id, code, deck_error_message(code), clk_.now());
        });
    } catch (const std::exception& e) {
        spdlog::error("decks: cannot mark deck {} failed: {}", j.deck_id, e.what());
    }
    std::lock_guard lock(mutex_);
    ++failed_;
}

}  // namespace daring::server
