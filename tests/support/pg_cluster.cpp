#include "pg_cluster.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "free_port.hpp"

namespace daring::test {

namespace fs = std::filesystem;

namespace {

// Where clusters live: one directory per cluster under it, so the suite's clean-up finds them.
const char* const cluster_root = "/tmp/daring-pg";

std::string bin_dir() {
    for (const char* v : {"16", "15", "14", "13"}) {
        const auto dir = std::string("/usr/lib/postgresql/") + v + "/bin";
        if (fs::exists(dir + "/pg_ctl")) return dir;
    }
    throw std::runtime_error(
        "PostgreSQL server binaries not found (./scripts/setup installs them)");
}

}  // namespace

std::uint16_t free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

pg_cluster::pg_cluster(const std::string& running_dir, std::uint16_t port)
    : dir_(running_dir), port_(port), borrowed_(true) {}

pg_cluster::pg_cluster() {
    fs::create_directories(cluster_root);
    fs::permissions(cluster_root, fs::perms::all | fs::perms::sticky_bit);
    std::string pattern = std::string(cluster_root) + "/cluster-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a cluster directory");
    dir_ = pattern;
    if (geteuid() == 0 && std::system(("chown nobody:nogroup " + dir_).c_str()) != 0)
        throw std::runtime_error("cannot hand " + dir_ + " to nobody");
    port_ = free_port();
    run_as_owner(bin_dir() + "/initdb -D " + dir_ + "/data -U daring -A trust -E UTF8 " +
                 "--locale=C.UTF-8 --no-sync > " + dir_ + "/initdb.log 2>&1");
    start();
}

pg_cluster::~pg_cluster() {
    if (borrowed_) return;
    try {
        if (running_) stop();
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void pg_cluster::run_as_owner(const std::string& command) const {
    const auto line = geteuid() == 0 ? "runuser -u nobody -- sh -c '" + command + "'" : command;
    if (std::system(line.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

void pg_cluster::start() {
    // fsync off: a test cluster trades durability for speed (the kill tests kill the server,
    // not PostgreSQL).
    run_as_owner(bin_dir() + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 " +
                 "-o \"-k " + dir_ + " -p " + std::to_string(port_) +
                 " -c listen_addresses= -c fsync=off -c max_connections=200\" start > /dev/null");
    running_ = true;
}

void pg_cluster::stop() {
    run_as_owner(bin_dir() + "/pg_ctl -D " + dir_ + "/data -m fast -w stop > /dev/null");
    running_ = false;
}

std::string pg_cluster::uri(const std::string& name) const {
    return "postgresql://daring@/" + name + "?host=" + dir_ + "&port=" + std::to_string(port_);
}

std::string pg_cluster::create_database(const std::string& name) {
    const auto cmd =
        bin_dir() + "/createdb -h " + dir_ + " -p " + std::to_string(port_) + " -U daring " + name;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("createdb " + name + " failed");
    return uri(name);
}

std::string pg_cluster::create_migrated_database(const std::string& name) {
    const std::string template_name = "daring_schema";
    {
        // Held until the template is made (or its making failed): closing the file releases it.
        struct file_lock {
            int fd;
            ~file_lock() {
                if (fd >= 0) ::close(fd);
            }
        } lock{::open((dir_ + "/schema-template.lock").c_str(), O_CREAT | O_RDWR, 0666)};
        if (lock.fd < 0 || ::flock(lock.fd, LOCK_EX) != 0)
            throw std::runtime_error("cannot lock " + dir_ + "/schema-template.lock");
        const auto ready = dir_ + "/schema-template.ready";
        if (!fs::exists(ready)) {
            // A template left by a failed attempt goes first.
            std::system((bin_dir() + "/dropdb --if-exists -h " + dir_ + " -p " +
                         std::to_string(port_) + " -U daring " + template_name)
                            .c_str());
            create_database(template_name);
            const auto cmd = std::string(DARING_BINARY) + " migrate --to '" + uri(template_name) +
                             "' > " + dir_ + "/schema-template.log 2>&1";
            if (std::system(cmd.c_str()) != 0)
                throw std::runtime_error("daring migrate --to " + uri(template_name) +
                                         " failed (see " + dir_ + "/schema-template.log)");
            std::ofstream(ready) << template_name << "\n";
        }
    }
    // FILE_COPY: a copy of the template's files, cheaper than WAL_LOG's page by page at this size.
    const auto cmd = bin_dir() + "/createdb -h " + dir_ + " -p " + std::to_string(port_) +
                     " -U daring -T " + template_name + " -S FILE_COPY " + name;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("createdb " + name + " failed");
    return uri(name);
}

namespace {

// The suite's cluster (tests/support/pg-cluster, started by CTest), or a new one of this process.
std::unique_ptr<pg_cluster> suite_or_own() {
    const char* from_env = std::getenv("DARING_TEST_PG_DIR");
    const std::string dir = from_env ? from_env : DARING_SUITE_PG_DIR;
    std::ifstream port_file(dir + "/port");
    int port = 0;
    if (port_file >> port) return pg_cluster::borrow(dir, static_cast<std::uint16_t>(port));
    return std::make_unique<pg_cluster>();
}

}  // namespace

std::unique_ptr<pg_cluster> pg_cluster::borrow(const std::string& running_dir, std::uint16_t port) {
    return std::unique_ptr<pg_cluster>(new pg_cluster(running_dir, port));
}

pg_cluster& shared_pg_cluster() {
    static const std::unique_ptr<pg_cluster> cluster = suite_or_own();
    return *cluster;
}

}  // namespace daring::test
