#include "server/http/metrics.hpp"

#include <cstdio>

namespace daring::server {

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void histogram::observe(double value) {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    ++counts_[i];
    sum_ += value;
    ++count_;
}

namespace {
std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
std::string escape_label(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}
}  // namespace

void histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
    std::uint64_t cumulative = 0;
    const std::string sep = labels.empty() ? "" : ",";
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        cumulative += counts_[i];
        std::string le = i < bounds_.size() ? number(bounds_[i]) : "+Inf";
        out.append(name).append("_bucket{").append(labels).append(sep).append("le=\"");
        out.append(le).append("\"} ").append(std::to_string(cumulative)).append("\n");
    }
    std::string braces = labels.empty() ? "" : "{" + labels + "}";
    out += name + "_sum" + braces + " " + number(sum_) + "\n";
    out += name + "_count" + braces + " " + std::to_string(count_) + "\n";
}

metrics::metrics()
    : request_latency_(
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
      commit_latency_(
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}),
      batch_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512}),
      presence_flush_rows_({1, 10, 100, 1000, 5000, 10000, 50000}) {}

void metrics::record_presence_flush(std::size_t rows) {
    std::lock_guard lock(mutex_);
    presence_flush_rows_.observe(static_cast<double>(rows));
}

void metrics::record_request(const std::string& route, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
    request_latency_.observe(seconds);
}

void metrics::record_commit(double seconds, std::size_t batch_size) {
    std::lock_guard lock(mutex_);
    commit_latency_.observe(seconds);
    batch_size_.observe(static_cast<double>(batch_size));
}

namespace {

// HELP, TYPE and the buckets of one unlabelled histogram.
void histogram_section(std::string& out, const histogram& h, const std::string& name,
                       const std::string& help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" histogram\n");
    h.render(out, name, "");
}

}  // namespace

std::string metrics::render() const {
    std::string out;
    std::lock_guard lock(mutex_);
    out += "# HELP daring_http_requests_total HTTP requests by route pattern and status.\n";
    out += "# TYPE daring_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        out += "daring_http_requests_total{route=\"" + escape_label(key.first) + "\",status=\"" +
               std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
    }
    histogram_section(out, request_latency_, "daring_http_request_duration_seconds",
                      "Time from a complete request to its response.");
    out += "# HELP daring_open_connections Open client connections.\n";
    out += "# TYPE daring_open_connections gauge\n";
    out += "daring_open_connections " + std::to_string(open_connections_.load()) + "\n";
    out +=
        "# HELP daring_hashing_refused_total Requests refused because the password-hashing "
        "queue was full.\n";
    out += "# TYPE daring_hashing_refused_total counter\n";
    out += "daring_hashing_refused_total " + std::to_string(hashing_refused_.load()) + "\n";
    out += "# HELP daring_refused_connections_total Connections refused at the connection cap.\n";
    out += "# TYPE daring_refused_connections_total counter\n";
    out += "daring_refused_connections_total " + std::to_string(refused_connections_.load()) + "\n";
    out += "# HELP daring_audio_records_sent_total Audio records written to live listeners.\n";
    out += "# TYPE daring_audio_records_sent_total counter\n";
    out += "daring_audio_records_sent_total " + std::to_string(audio_sent_.load()) + "\n";
    out +=
        "# HELP daring_audio_records_dropped_total Audio records dropped from slow listeners' "
        "queues (over 1 s of audio waiting).\n";
    out += "# TYPE daring_audio_records_dropped_total counter\n";
    out += "daring_audio_records_dropped_total " + std::to_string(audio_dropped_.load()) + "\n";
    out += "# HELP daring_recordings_bytes Disk use of recordings' audio files.\n";
    out += "# TYPE daring_recordings_bytes gauge\n";
    out += "daring_recordings_bytes " + std::to_string(recordings_bytes_.load()) + "\n";
    out +=
        "# HELP daring_backup_last_timestamp_seconds When the last scheduled backup was made "
        "(0: none yet).\n";
    out += "# TYPE daring_backup_last_timestamp_seconds gauge\n";
    out += "daring_backup_last_timestamp_seconds " + std::to_string(last_backup_at_.load()) + "\n";
    out += "# HELP daring_backup_last_bytes Size of the last scheduled backup.\n";
    out += "# TYPE daring_backup_last_bytes gauge\n";
    out += "daring_backup_last_bytes " + std::to_string(last_backup_bytes_.load()) + "\n";
    out +=
        "# HELP daring_backup_next_due_timestamp_seconds When the next scheduled backup is due, "
        "as of the schedule's last look (0: not looked yet or no scheduled backups).\n";
    out += "# TYPE daring_backup_next_due_timestamp_seconds gauge\n";
    out += "daring_backup_next_due_timestamp_seconds " + std::to_string(next_backup_due_.load()) +
           "\n";
    out += "# HELP daring_outbox_messages Outgoing messages by channel and state.\n";
    out += "# TYPE daring_outbox_messages gauge\n";
    for (const auto& [channel, states] : outbox_) {
        for (const auto& [state, n] : states) {
            out += "daring_outbox_messages{channel=\"";
            out += channel;
            out += "\",state=\"";
            out += state;
            out += "\"} ";
            out += std::to_string(n);
            out += '\n';
        }
    }
    histogram_section(out, commit_latency_, "daring_db_commit_duration_seconds",
                      "Group-commit transaction time, BEGIN to COMMIT.");
    histogram_section(out, batch_size_, "daring_db_commit_batch_size",
                      "Write jobs per group commit.");
    out +=
        "# HELP daring_presence_events_total Presence intervals opened or closed and live messages "
        "seen.\n";
    out += "# TYPE daring_presence_events_total counter\n";
    out += "daring_presence_events_total " + std::to_string(presence_events_.load()) + "\n";
    histogram_section(out, presence_flush_rows_, "daring_presence_flush_rows",
                      "Intervals whose last_seen one flush wrote.");
    if (appendix_) out += appendix_();
    return out;
}

}  // namespace daring::server

namespace daring::server {

void metrics::set_outbox(std::map<std::string, std::map<std::string, std::int64_t>> counts) {
    std::lock_guard lock(mutex_);
    outbox_ = std::move(counts);
}

}  // namespace daring::server
