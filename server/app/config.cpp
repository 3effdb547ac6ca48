#include "server/app/config.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cctype>
#include <filesystem>
#include <sstream>

#include "storage/database.hpp"

namespace daring::server {

namespace po = boost::program_options;

bool split_listen(const std::string& text, std::string& host, std::uint16_t& port) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto port_text = text.substr(colon + 1);
    if (port_text.size() > 5) return false;
    unsigned long value = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    if (value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return !host.empty();
}

namespace {

const char* const usage_head =
    "Daring: online training delivery with attendance evidence.\n\n"
    "Usage:\n"
    "  daring serve [options]   serve the database given by --db\n"
    "  daring demo [options]    recreate a seeded demo database and serve it\n"
    "  daring backup --db PATH --to FILE\n"
    "                           a consistent copy of a database (also while it is served)\n"
    "  daring migrate --from FILE --to postgresql://user@host/dbname\n"
    "                           copy an SQLite database into an empty PostgreSQL one, checked\n"
    "  daring migrate --to postgresql://user@host/dbname\n"
    "                           bring a PostgreSQL database's schema up to date, nothing else\n"
    "  daring --help | --version\n\n"
    "Every option can also be set as DARING_<NAME> (e.g. DARING_LISTEN, DARING_DB).\n"
    "DARING_ADMIN_PASSWORD creates user 'admin' at start if it does not exist.\n\n";

std::string default_web_root() {
    namespace fs = std::filesystem;
    if (fs::is_directory("web")) return "web";
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        auto candidate = exe.parent_path().parent_path() / "web";
        if (fs::is_directory(candidate)) return candidate.string();
    }
    return "web";
}

}  // namespace

namespace {

// Several nodes (docs/deploy.md).
void add_cluster_options(po::options_description& desc) {
    desc.add_options()(
        "nats", po::value<std::string>(),
        "several nodes: the NATS server(s) live rooms relay through, nats://host:4222 (needs a "
        "PostgreSQL --db shared by the nodes)")(
        "node-id", po::value<std::string>(),
        "several nodes: this node's name, letters, digits, '-' and '_' (default: host name and "
        "port)");
}

// The test suite's own (read from the command line only: option_of_variable).
void add_test_options(po::options_description& desc) {
    desc.add_options()("test-clock-file", po::value<std::string>(),
                       "tests only: read the current time (Unix seconds) from this file")(
        "test-cheap-passwords", po::bool_switch(),
        "tests only: hash passwords at argon2id's least cost (t=1, 64 KiB) so a test suite signs "
        "thousands of users in; never in production (a server without it rehashes them at the "
        "normal cost at their next sign-in)");
}

// The outbox's channels (e-mail and WhatsApp) and its retry settings.
void add_messaging_options(po::options_description& desc) {
    desc.add_options()(
        "smtp-url", po::value<std::string>(),
        "e-mail: smtp://host:587 (STARTTLS when offered, required with --smtp-user) or "
        "smtps://host:465")("smtp-user", po::value<std::string>(), "e-mail: SMTP AUTH user")(
        "smtp-password", po::value<std::string>(),
        "e-mail: SMTP AUTH password (better as DARING_SMTP_PASSWORD)")(
        "mail-from", po::value<std::string>(), "e-mail: the sender's address")(
        "whatsapp-api-url",
        po::value<std::string>()->default_value("https://graph.facebook.com/v20.0"),
        "WhatsApp: the Cloud API's base address (or a proxy with the same API)")(
        "whatsapp-token", po::value<std::string>(),
        "WhatsApp: the access token (better as DARING_WHATSAPP_TOKEN)")(
        "whatsapp-phone-number-id", po::value<std::string>(),
        "WhatsApp: the sender's phone number id")(
        "whatsapp-templates", po::value<std::string>(),
        "WhatsApp: a JSON file naming the approved template of each message kind")(
        "outbox-attempts", po::value<int>()->default_value(6),
        "attempts per outgoing message before it is marked failed")(
        "outbox-poll", po::value<double>()->default_value(2.0),
        "seconds between looks for messages due to be sent")("mail-per-second",
                                                             po::value<double>()->default_value(5),
                                                             "e-mails sent per second at most")(
        "whatsapp-per-second", po::value<double>()->default_value(20),
        "WhatsApp messages sent per second at most")(
        "join-early-minutes", po::value<int>()->default_value(15),
        "a one-tap join link in a message works from this many minutes before the session "
        "starts until it ends");
}

// Where files go, and the deck conversions.
void add_file_options(po::options_description& desc) {
    desc.add_options()(
        "recordings-dir", po::value<std::string>(),
        "where recordings' audio files are kept (default: recordings/ beside the database)")(
        "assets-dir", po::value<std::string>(),
        "where deck pages and handouts are kept (default: assets/ beside the database)")(
        "convert-jobs", po::value<int>()->default_value(1),
        "decks converted at once, each in its own child process")(
        "convert-queue", po::value<int>()->default_value(4),
        "decks waiting for a conversion; beyond them an upload is answered 503 busy")(
        "soffice", po::value<std::string>(),
        "LibreOffice's soffice program for PowerPoint and OpenDocument decks (default: "
        "/usr/lib/libreoffice/program/soffice or /usr/bin/soffice, whichever exists)");
}

po::options_description options_table() {
    po::options_description desc("Options");
    desc.add_options()("listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
                       "HOST:PORT to listen on; port 0 takes a free one")(
        "db", po::value<std::string>(),
        "SQLite database file (serve: daring.db, demo: daring-demo.db), or a PostgreSQL URI "
        "postgresql://user@host/dbname (password from PGPASSWORD or ~/.pgpass)")(
        "web-root", po::value<std::string>(), "directory of the static pages (default: web/)")(
        "tls-cert", po::value<std::string>(), "PEM certificate chain; with --tls-key serves HTTPS")(
        "tls-key", po::value<std::string>(), "PEM private key")(
        "hsts-max-age", po::value<long>()->default_value(31536000),
        "seconds browsers keep to HTTPS (Strict-Transport-Security, under TLS only; 0: not sent)")(
        "threads", po::value<unsigned>()->default_value(0), "I/O threads (0: one per core)")(
        "hash-threads", po::value<unsigned>()->default_value(0),
        "password-hashing threads (0: one per core)")(
        "hash-queue", po::value<std::size_t>()->default_value(128),
        "sign-ins hashing or waiting at most; beyond it 503 busy with Retry-After")(
        "report-threads", po::value<unsigned>()->default_value(2), "threads for reports")(
        "single-pool", po::bool_switch(),
        "benchmarks only: run every request on the general workers (no lanes), as a baseline")(
        "audio-unpaced", po::bool_switch(),
        "benchmarks only: accept a speaker's audio faster than real time (normally refused "
        "beyond a 3 s burst)")("max-connections", po::value<std::size_t>()->default_value(10000),
                               "open connections at most; beyond it new ones get 503")(
        "header-timeout", po::value<unsigned>()->default_value(10),
        "seconds from a request's first byte to the end of its headers")(
        "idle-timeout", po::value<unsigned>()->default_value(60),
        "seconds an idle keep-alive connection stays open")(
        "live-idle-timeout", po::value<unsigned>()->default_value(300),
        "seconds a silent live connection stays open; it is pinged after half of them")(
        "live-sockets-per-user", po::value<unsigned>()->default_value(5),
        "live connections one user may hold at once; a further one replaces the oldest (4009)")(
        "allowed-origin", po::value<std::vector<std::string>>()->composing(),
        "an extra Origin allowed for live connections (repeatable)")(
        "present-pct", po::value<int>()->default_value(75),
        "attendance: percent of a session's time present online that counts as present")(
        "late-after", po::value<int>()->default_value(15),
        "attendance: minutes after the start after which a first join is late")(
        "presence-flush", po::value<int>()->default_value(5),
        "seconds between writes of coalesced heartbeats (the most presence a crash can lose)")(
        "office-name",
        po::value<std::string>()->default_value(
            "Dinas Koperasi dan UKM Provinsi Kalimantan Tengah"),
        "the issuing office printed on certificates")(
        "certificate-prefix", po::value<std::string>()->default_value("DKUKM-KT"),
        "the middle part of certificate numbers (000042/<prefix>/<year>)")(
        "to", po::value<std::string>(),
        "backup: the file to write the copy to; migrate: the PostgreSQL URI")(
        "from", po::value<std::string>(), "migrate: the SQLite database file to copy")(
        "backup-dir", po::value<std::string>(),
        "serve: make a backup in this directory every --backup-every hours")(
        "backup-every", po::value<int>()->default_value(24), "hours between scheduled backups")(
        "backup-keep", po::value<int>()->default_value(7),
        "scheduled backups kept (the oldest beyond it are removed)")(
        "metrics-token", po::value<std::string>(),
        "when set, /metrics needs Authorization: Bearer <token>")(
        "record-audio", po::value<bool>()->default_value(true),
        "keep every audio packet for the session's recording (false: recordings keep the "
        "timeline without audio)")(
        "recording-retention-days", po::value<int>()->default_value(365),
        "days after a session's end its recording is kept (0: until deleted); swept daily")(
        "demo-deck", po::value<std::string>(),
        "demo: the presentation its live session shows, converted at start through LibreOffice "
        "(default: demo/kemasan-produk.fodp beside the web root; empty: typed slides only)")(
        "public-url", po::value<std::string>()->default_value(""),
        "the address people reach this server at, e.g. https://daring.example.go.id, used in QR "
        "codes "
        "(default: the Host of each request)")("help,h", "show this help")("version",
                                                                           "show the version");
    add_file_options(desc);
    add_messaging_options(desc);
    add_cluster_options(desc);
    add_test_options(desc);
    return desc;
}

// DARING_LISTEN -> listen: the environment names of the options (help, version and the tests'
// own --test-* options excluded: a stray variable must not put a server on a test clock or on
// cheap password hashes).
std::string option_of_variable(const po::options_description& desc, const std::string& name) {
    if (!name.starts_with("DARING_")) return {};
    std::string option;
    for (char c : name.substr(7))
        option.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(c)));
    if (!desc.find_nothrow(option, false)) return {};
    if (option == "help" || option == "version" || option.starts_with("test-")) return {};
    return option;
}

// The outbox's channels: each one is on only when fully configured.
std::optional<std::string> read_messaging(const po::variables_map& vm, messaging_options& m) {
    auto text = [&](const char* name) {
        return vm.count(name) ? vm[name].as<std::string>() : std::string();
    };
    m.smtp_url = text("smtp-url");
    m.smtp_user = text("smtp-user");
    m.smtp_password = text("smtp-password");
    m.mail_from = text("mail-from");
    m.whatsapp_api_url = text("whatsapp-api-url");
    m.whatsapp_token = text("whatsapp-token");
    m.whatsapp_phone_number_id = text("whatsapp-phone-number-id");
    m.whatsapp_templates = text("whatsapp-templates");
    m.attempts = vm["outbox-attempts"].as<int>();
    m.poll_s = vm["outbox-poll"].as<double>();
    if (!m.smtp_url.empty() && !m.smtp_url.starts_with("smtp://") &&
        !m.smtp_url.starts_with("smtps://"))
        return "--smtp-url must start with smtp:// or smtps://";
    if (!m.smtp_url.empty() && m.mail_from.find('@') == std::string::npos)
        return "--smtp-url needs --mail-from (the sender's address)";
    if (!m.whatsapp_token.empty() && m.whatsapp_phone_number_id.empty())
        return "--whatsapp-token needs --whatsapp-phone-number-id";
    if (m.attempts < 1 || m.attempts > 50) return "--outbox-attempts must be 1 to 50";
    if (!(m.poll_s >= 0.05 && m.poll_s <= 3600))
        return "--outbox-poll must be 0.05 to 3600 seconds";
    m.mail_per_second = vm["mail-per-second"].as<double>();
    m.whatsapp_per_second = vm["whatsapp-per-second"].as<double>();
    if (!(m.mail_per_second > 0 && m.mail_per_second <= 10000) ||
        !(m.whatsapp_per_second > 0 && m.whatsapp_per_second <= 10000))
        return "--mail-per-second and --whatsapp-per-second must be above 0 and at most 10000";
    m.join_early_minutes = vm["join-early-minutes"].as<int>();
    if (m.join_early_minutes < 0 || m.join_early_minutes > 24 * 60)
        return "--join-early-minutes must be 0 to 1440";
    return std::nullopt;
}

// Several nodes: --nats and --node-id (a node id is part of NATS subjects: no dots or spaces).
std::optional<std::string> read_cluster(const po::variables_map& vm, config& cfg) {
    if (vm.count("nats")) cfg.nats_url = vm["nats"].as<std::string>();
    if (vm.count("node-id")) cfg.node_id = vm["node-id"].as<std::string>();
    if (cfg.nats_url.empty()) {
        if (!cfg.node_id.empty()) return "--node-id needs --nats";
        return std::nullopt;
    }
    if (!cfg.nats_url.starts_with("nats://") && !cfg.nats_url.starts_with("tls://"))
        return "--nats must be nats://host:port (or tls://host:port)";
    if (!storage::is_postgresql_uri(cfg.db_path))
        return "--nats needs a PostgreSQL --db the nodes share (postgresql://...)";
    if (cfg.node_id.empty()) {
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        cfg.node_id = std::string(host) + "-" +
                      std::to_string(cfg.port != 0 ? cfg.port : static_cast<unsigned>(::getpid()));
        for (auto& ch : cfg.node_id)
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '-';
    }
    if (cfg.node_id.size() > 64) return "--node-id must be at most 64 characters";
    for (const char ch : cfg.node_id)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
            return "--node-id may hold only letters, digits, '-' and '_'";
    return std::nullopt;
}

// Why the values are unusable, or nullopt. Reads the limits and paths into `cfg`.
std::optional<std::string> read_backups(const po::variables_map& vm, config& cfg) {
    if (vm.count("to")) cfg.backup_to = vm["to"].as<std::string>();
    if (cfg.command == "backup" && cfg.backup_to.empty()) return "backup needs --to FILE";
    if (vm.count("backup-dir")) cfg.backup_dir = vm["backup-dir"].as<std::string>();
    if (!cfg.backup_dir.empty() && storage::is_postgresql_uri(cfg.db_path))
        return "--backup-dir copies an SQLite file; back up PostgreSQL with pg_dump "
               "(docs/architecture.md, \"Backups\")";
    cfg.backup_every_hours = vm["backup-every"].as<int>();
    cfg.backup_keep = vm["backup-keep"].as<int>();
    if (cfg.backup_every_hours < 1 || cfg.backup_every_hours > 24 * 30)
        return "--backup-every must be 1 to 720 hours";
    if (cfg.backup_keep < 1 || cfg.backup_keep > 1000) return "--backup-keep must be 1 to 1000";
    if (vm.count("metrics-token")) cfg.metrics_token = vm["metrics-token"].as<std::string>();
    if (!cfg.metrics_token.empty() && cfg.metrics_token.size() < 16)
        return "--metrics-token must be at least 16 characters";
    return read_messaging(vm, cfg.messaging);
}

std::optional<std::string> read_limits(const po::variables_map& vm, config& cfg) {
    cfg.threads = vm["threads"].as<unsigned>();
    cfg.hash_threads = vm["hash-threads"].as<unsigned>();
    cfg.hash_queue = vm["hash-queue"].as<std::size_t>();
    cfg.report_threads = vm["report-threads"].as<unsigned>();
    cfg.single_pool = vm["single-pool"].as<bool>();
    cfg.audio_unpaced = vm["audio-unpaced"].as<bool>();
    cfg.cheap_passwords = vm["test-cheap-passwords"].as<bool>();
    if (cfg.hash_queue == 0) return "--hash-queue must be positive";
    if (cfg.report_threads == 0) return "--report-threads must be positive";
    cfg.max_connections = vm["max-connections"].as<std::size_t>();
    if (cfg.max_connections == 0) return "--max-connections must be positive";
    cfg.header_timeout_s = vm["header-timeout"].as<unsigned>();
    cfg.idle_timeout_s = vm["idle-timeout"].as<unsigned>();
    cfg.live_idle_timeout_s = vm["live-idle-timeout"].as<unsigned>();
    if (cfg.header_timeout_s == 0 || cfg.idle_timeout_s == 0)
        return "timeouts must be at least 1 second";
    cfg.live_sockets_per_user = vm["live-sockets-per-user"].as<unsigned>();
    if (cfg.live_sockets_per_user == 0) return "--live-sockets-per-user must be positive";
    if (cfg.live_idle_timeout_s < 2) return "--live-idle-timeout must be at least 2 seconds";
    cfg.present_pct = vm["present-pct"].as<int>();
    cfg.late_after_minutes = vm["late-after"].as<int>();
    cfg.presence_flush_s = vm["presence-flush"].as<int>();
    if (cfg.present_pct < 1 || cfg.present_pct > 100) return "--present-pct must be 1 to 100";
    if (cfg.late_after_minutes < 0 || cfg.late_after_minutes > 24 * 60)
        return "--late-after must be 0 to 1440 minutes";
    if (cfg.presence_flush_s < 1 || cfg.presence_flush_s > 60)
        return "--presence-flush must be 1 to 60 seconds";
    return read_backups(vm, cfg);
}

std::optional<std::string> read_identity(const po::variables_map& vm, config& cfg) {
    cfg.office_name = vm["office-name"].as<std::string>();
    cfg.certificate_prefix = vm["certificate-prefix"].as<std::string>();
    if (cfg.office_name.empty() || cfg.office_name.size() > 200)
        return "--office-name must be 1 to 200 bytes";
    if (cfg.certificate_prefix.empty() || cfg.certificate_prefix.size() > 32 ||
        cfg.certificate_prefix.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.") !=
            std::string::npos)
        return "--certificate-prefix must be 1 to 32 letters, digits, '-' or '.'";
    cfg.public_url = vm["public-url"].as<std::string>();
    while (!cfg.public_url.empty() && cfg.public_url.back() == '/') cfg.public_url.pop_back();
    if (!cfg.public_url.empty() && cfg.public_url.rfind("http://", 0) != 0 &&
        cfg.public_url.rfind("https://", 0) != 0)
        return "--public-url must start with http:// or https://";
    const auto& m = cfg.messaging;
    if ((!m.smtp_url.empty() || !m.whatsapp_token.empty()) && cfg.public_url.empty())
        return "--smtp-url and --whatsapp-token need --public-url (the links in messages)";
    return std::nullopt;
}

std::optional<std::string> read_network(const po::variables_map& vm, const std::string& command,
                                        config& cfg) {
    if (!split_listen(vm["listen"].as<std::string>(), cfg.host, cfg.port))
        return "--listen must be HOST:PORT, e.g. 127.0.0.1:8080";
    cfg.db_path = vm.count("db") ? vm["db"].as<std::string>()
                                 : (command == "demo" ? "daring-demo.db" : "daring.db");
    cfg.web_root = vm.count("web-root") ? vm["web-root"].as<std::string>() : default_web_root();
    cfg.recording_retention_days = vm["recording-retention-days"].as<int>();
    cfg.record_audio = vm["record-audio"].as<bool>();
    if (cfg.recording_retention_days < 0 || cfg.recording_retention_days > 36500)
        return "--recording-retention-days must be 0 to 36500";
    const bool pg = storage::is_postgresql_uri(cfg.db_path);
    if (pg && command == "demo")
        return "daring demo seeds its own SQLite file: give --db a file path (daring serve runs on "
               "PostgreSQL)";
    // Files beside an SQLite database; on PostgreSQL in the working directory.
    const auto files =
        pg ? std::filesystem::path(".") : std::filesystem::path(cfg.db_path).parent_path();
    cfg.recordings_dir = vm.count("recordings-dir") ? vm["recordings-dir"].as<std::string>()
                                                    : (files / "recordings").string();
    cfg.assets_dir =
        vm.count("assets-dir") ? vm["assets-dir"].as<std::string>() : (files / "assets").string();
    cfg.convert_jobs = vm["convert-jobs"].as<int>();
    if (cfg.convert_jobs < 1 || cfg.convert_jobs > 16) return "--convert-jobs must be 1 to 16";
    cfg.convert_queue = vm["convert-queue"].as<int>();
    if (cfg.convert_queue < 0 || cfg.convert_queue > 100) return "--convert-queue must be 0 to 100";
    if (vm.count("soffice")) {
        cfg.soffice = vm["soffice"].as<std::string>();
        std::error_code ec;
        if (!std::filesystem::is_regular_file(cfg.soffice, ec) ||
            ::access(cfg.soffice.c_str(), X_OK) != 0)
            return "--soffice " + cfg.soffice + ": not an executable file";
    }
    if (vm.count("tls-cert")) cfg.tls_cert = vm["tls-cert"].as<std::string>();
    if (vm.count("tls-key")) cfg.tls_key = vm["tls-key"].as<std::string>();
    if (cfg.tls_cert.empty() != cfg.tls_key.empty()) return "--tls-cert and --tls-key go together";
    cfg.hsts_max_age = vm["hsts-max-age"].as<long>();
    if (cfg.hsts_max_age < 0 || cfg.hsts_max_age > 63072000)
        return "--hsts-max-age must be 0 to 63072000 seconds (two years)";
    if (vm.count("demo-deck")) {
        cfg.demo_deck = vm["demo-deck"].as<std::string>();
        std::error_code ec;
        if (!cfg.demo_deck->empty() && !std::filesystem::is_regular_file(*cfg.demo_deck, ec))
            return "--demo-deck " + *cfg.demo_deck +
                   ": no such file (an empty value keeps the demo's typed slides)";
    }
    if (vm.count("test-clock-file")) cfg.clock_file = vm["test-clock-file"].as<std::string>();
    if (vm.count("allowed-origin"))
        cfg.allowed_origins = vm["allowed-origin"].as<std::vector<std::string>>();
    return std::nullopt;
}

}  // namespace

parse_outcome parse_command_line(int argc, const char* const argv[]) {
    const auto desc = options_table();
    auto help_text = [&] {
        std::ostringstream out;
        out << usage_head << desc;
        return out.str();
    };
    if (argc < 2) return {std::nullopt, 2, help_text()};
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help")
        return {std::nullopt, 0, help_text()};
    if (command == "--version") return {std::nullopt, 0, "daring " DARING_VERSION "\n"};
    if (command != "serve" && command != "demo" && command != "backup" && command != "migrate")
        return {std::nullopt, 2, "daring: unknown command '" + command + "'\n\n" + help_text()};

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).run(), vm);
        po::store(
            po::parse_environment(
                desc, [&](const std::string& name) { return option_of_variable(desc, name); }),
            vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return {std::nullopt, 2, std::string("daring: ") + e.what() + "\n\n" + help_text()};
    }
    if (vm.count("help")) return {std::nullopt, 0, help_text()};
    if (vm.count("version")) return {std::nullopt, 0, "daring " DARING_VERSION "\n"};

    config cfg;
    cfg.command = command;
    if (command == "migrate") {
        if (!vm.count("to") || !storage::is_postgresql_uri(vm["to"].as<std::string>()))
            return {std::nullopt, 2,
                    "daring: migrate needs --to postgresql://user@host/dbname (and --from FILE "
                    "to copy an SQLite database into it)\n"};
        if (vm.count("from")) cfg.migrate_from = vm["from"].as<std::string>();
        cfg.migrate_to = vm["to"].as<std::string>();
        return {cfg, 0, {}};
    }
    if (command == "backup" && !vm.count("db"))
        return {std::nullopt, 2, "daring: backup needs --db PATH\n"};
    for (auto problem : {read_network(vm, command, cfg), read_limits(vm, cfg),
                         read_identity(vm, cfg), read_cluster(vm, cfg)})
        if (problem) return {std::nullopt, 2, "daring: " + *problem + "\n"};
    return {cfg, 0, {}};
}

}  // namespace daring::server
