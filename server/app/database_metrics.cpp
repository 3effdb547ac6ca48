#include "server/app/database_metrics.hpp"

#include <cstdint>

#include "storage/database.hpp"

namespace daring::server {

namespace {

void figure(std::string& out, const char* name, const char* type, const char* help,
            const std::string& labels, std::uint64_t value) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
    out += name;
    out += '{';
    out += labels;
    out += "} ";
    out += std::to_string(value);
    out += '\n';
}

}  // namespace

std::string render_database_figures(const storage::database_figures& f) {
    std::string out;
    const std::string engine = std::string("engine=\"") + f.engine + "\"";
    figure(out, "daring_db_info", "gauge", "The database engine in use (always 1).", engine, 1);
    figure(
        out, "daring_db_read_connections", "gauge",
        "Read-only connections open (one at start, more as reads overlap, up to the pool's size).",
        engine, f.read_connections);
    figure(out, "daring_db_read_connections_in_use", "gauge",
           "Read-only connections lent out right now.", engine, f.readers_in_use);
    figure(out, "daring_db_read_waits_total", "counter",
           "Reads that found every read connection busy and waited.", engine, f.read_waits_total);
    figure(out, "daring_db_write_queue", "gauge", "Write jobs waiting for the writer.", engine,
           f.write_queue);
    figure(out, "daring_db_write_queue_limit", "gauge",
           "Write jobs that may wait before new ones are refused.", engine, f.write_queue_limit);
    figure(out, "daring_db_transactions_total", "counter", "Group-commit transactions committed.",
           engine + ",outcome=\"committed\"", f.commits_total);
    out += "daring_db_transactions_total{" + engine + ",outcome=\"failed\"} " +
           std::to_string(f.failed_commits_total) + "\n";
    figure(out, "daring_db_batch_replays_total", "counter",
           "Group commits rolled back and run again because one of their jobs failed.", engine,
           f.replays_total);
    return out;
}

}  // namespace daring::server
