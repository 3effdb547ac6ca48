#include "server/live/presence_recorder.hpp"

#include <spdlog/spdlog.h>

#include <vector>

#include "server/http/metrics.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/lease_repo.hpp"

namespace daring::server {

namespace {
// Ids one node may assign before it restarts (a block; 2^63 allows 2^31 such starts).
constexpr std::int64_t shared_id_block = std::int64_t{1} << 32;
}  // namespace

presence_recorder::presence_recorder(storage::database& db, metrics& stats, std::string node)
    : db_(db), stats_(stats), node_(std::move(node)) {
    dangling_up_to_ = db_.read([](storage::connection& c) { return storage::max_presence_id(c); });
    next_id_ = dangling_up_to_;
    if (!node_.empty()) {
        next_id_ = db_.write([used = dangling_up_to_](storage::connection& c) {
            return storage::reserve_ids(c, "presence", shared_id_block, used);
        }) - 1;
    }
    repair();
}

bool presence_recorder::repair() {
    if (repaired_) return true;
    try {
        const auto limit = dangling_up_to_;
        recovered_ = db_.write([limit, node = node_](storage::connection& c) {
            return node.empty() ? storage::close_dangling_presence(c, limit)
                                : storage::close_dangling_presence_of_node(c, node);
        });
    } catch (const std::exception& e) {  // e.g. a full disk: housekeeping tries again
        spdlog::error("presence intervals left open at the last stop are not closed yet: {}",
                      e.what());
        return false;
    }
    repaired_ = true;
    if (recovered_ > 0) {
        spdlog::warn(
            "{} presence intervals were open at the last stop; they end at their last recorded "
            "heartbeat",
            recovered_);
    }
    return true;
}

int presence_recorder::close_left_by_ended_sessions(protocol::unix_seconds now) {
    try {
        const int closed = db_.write([ended_by = now - ended_grace_s](storage::connection& c) {
            return storage::close_presence_of_ended_sessions(c, ended_by);
        });
        if (closed > 0)
            spdlog::warn(
                "{} presence intervals of ended sessions were still open (a node died around the "
                "end); they end at their last recorded heartbeat",
                closed);
        return closed;
    } catch (const std::exception& e) {  // e.g. a full disk: the next housekeeping tries again
        spdlog::error("presence intervals of ended sessions are not closed yet: {}", e.what());
        return 0;
    }
}

void presence_recorder::submit(storage::database::write_job job, const char* what) {
    try {
        db_.submit(std::move(job), [what](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                spdlog::error("presence: {} failed: {}", what, ex.what());
            }
        });
    } catch (const std::exception& ex) {  // overloaded or stopping
        spdlog::error("presence: {} not queued: {}", what, ex.what());
    }
}

std::int64_t presence_recorder::open(std::int64_t session_id, std::int64_t user_id, bool visible,
                                     protocol::unix_seconds at) {
    const auto id = ++next_id_;
    storage::presence_row row{id, session_id, user_id, visible, at, at, std::nullopt, node_};
    submit([row](storage::connection& c) { storage::insert_presence(c, row); },
           "opening an interval");
    stats_.record_presence_event();
    return id;
}

void presence_recorder::seen(std::int64_t interval_id, protocol::unix_seconds at) {
    {
        std::lock_guard lock(mutex_);
        auto& last = pending_[interval_id];
        if (at > last) last = at;
    }
    stats_.record_presence_event();
}

void presence_recorder::close(std::int64_t interval_id, protocol::unix_seconds at) {
    {
        std::lock_guard lock(mutex_);
        pending_.erase(interval_id);
    }
    submit(
        [interval_id, at](storage::connection& c) { storage::close_presence(c, interval_id, at); },
        "closing an interval");
    stats_.record_presence_event();
}

void presence_recorder::flush() {
    std::vector<std::pair<std::int64_t, protocol::unix_seconds>> batch;
    {
        std::lock_guard lock(mutex_);
        if (pending_.empty()) return;
        batch.assign(pending_.begin(), pending_.end());
        pending_.clear();
    }
    stats_.record_presence_flush(batch.size());
    submit(
        [batch = std::move(batch)](storage::connection& c) { storage::touch_presence(c, batch); },
        "flushing last_seen");
}

void presence_recorder::node_gone(std::int64_t session_id, const std::string& node) {
    submit(
        [session_id, node](storage::connection& c) {
            const int ended = storage::close_open_presence_of(c, session_id, node);
            if (ended > 0)
                spdlog::warn(
                    "session {}: node {} went silent; {} of its presence intervals end "
                    "at their last heartbeat",
                    session_id, node, ended);
        },
        "ending a silent node's intervals");
}

}  // namespace daring::server
