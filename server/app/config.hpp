#pragma once
// Command line and DARING_* environment: `daring serve|demo [options]`.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/services/messaging_options.hpp"

namespace daring::server {

struct config {
    std::string command;  // "serve", "demo" or "backup"
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string db_path;  // serve: daring.db, demo: daring-demo.db (recreated)
    std::string web_root;
    std::string tls_cert;
    std::string tls_key;
    unsigned threads = 0;
    std::size_t max_connections = 10000;
    long hsts_max_age = 31536000;
    unsigned hash_threads = 0;
    std::size_t hash_queue = 128;
    unsigned report_threads = 2;
    bool single_pool = false;
    std::string recordings_dir;  // recordings' audio files
    int recording_retention_days = 365;
    bool record_audio = true;
    std::string assets_dir;  // deck pages and handouts
    int convert_jobs = 1;    // decks converted at once
    int convert_queue = 4;   // decks waiting beyond those
    std::string soffice;     // LibreOffice's soffice; empty: looked for in the usual places
    bool audio_unpaced = false;
    unsigned header_timeout_s = 10;
    unsigned idle_timeout_s = 60;
    unsigned live_idle_timeout_s = 300;
    unsigned live_sockets_per_user = 5;
    std::vector<std::string> allowed_origins;
    int present_pct = 75;         // attendance: share of the session to count as present
    int late_after_minutes = 15;  // attendance: first join after start + this is late
    int presence_flush_s = 5;     // seconds between flushes of coalesced heartbeats
    std::string office_name =
        "Dinas Koperasi dan UKM Provinsi Kalimantan Tengah";  // on certificates
    std::string certificate_prefix = "DKUKM-KT";  // certificate numbers: 000042/<prefix>/<year>
    std::string
        public_url;  // the origin people reach the server at (QR codes); empty: the request's
    std::optional<std::string> demo_deck;  // demo: its deck's file (unset: the bundled one; empty:
                                           // none)
    std::string clock_file;                // tests only: read "now" (Unix seconds) from this file
    bool cheap_passwords = false;          // tests only: argon2id at its least cost
    std::string backup_to;                 // backup: the file to write
    std::string migrate_from, migrate_to;  // migrate: the SQLite file, the PostgreSQL URI
    std::string backup_dir;                // serve: where scheduled backups go (empty: none)
    int backup_every_hours = 24;
    int backup_keep = 7;
    std::string metrics_token;    // non-empty: /metrics needs "Authorization: Bearer <token>"
    messaging_options messaging;  // the outbox's e-mail and WhatsApp channels
    std::string nats_url;         // several nodes: nats://host:4222 (empty: one node)
    std::string node_id;          // several nodes: this node's name (default: host-port)
};

struct parse_outcome {
    std::optional<config> cfg;  // empty: print `output` and exit with `exit_code`
    int exit_code = 0;
    std::string output;
};

// Command-line flags win over the environment (read from `environ`).
parse_outcome parse_command_line(int argc, const char* const argv[]);

// Splits "HOST:PORT" ("[::1]:8080" for IPv6). False when malformed.
bool split_listen(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace daring::server
