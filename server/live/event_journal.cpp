#include "server/live/event_journal.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "server/util/failure.hpp"

namespace daring::server {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void event_journal::event(std::int64_t session_id, std::uint64_t seq, std::string type,
                          shared_message all, shared_message staff, std::int64_t audio_heard_ms) {
    storage::timeline_event e;
    e.session_id = session_id;
    e.seq = seq;
    e.at_ms = std::max(now_ms(), audio_heard_ms);
    e.type = std::move(type);
    if (all) e.body = *all;
    if (staff && (!all || *staff != *all)) e.staff_body = *staff;
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(e));
    auto& st = states_[session_id];
    st.last_seq = std::max(st.last_seq, seq);
    dirty_.insert(session_id);
}

void event_journal::slide_shown(std::int64_t session_id, int slide) {
    std::lock_guard lock(mutex_);
    states_[session_id].slide = slide;
    dirty_.insert(session_id);
}

void event_journal::audio_packet(std::int64_t session_id, std::uint32_t seq, std::uint32_t at_ms,
                                 std::uint16_t duration_ms, std::uint8_t flags,
                                 std::string_view packet) {
    if (!keep_audio_) return;
    storage::audio_packet_row row{session_id, seq, at_ms, duration_ms, flags, std::string(packet)};
    std::lock_guard lock(mutex_);
    audio_.push_back(std::move(row));
}

void event_journal::audio_changed(std::int64_t session_id, const protocol::json& state,
                                  std::uint32_t seq_reserved) {
    auto text = protocol::dump(state);
    std::lock_guard lock(mutex_);
    auto& st = states_[session_id];
    st.audio = std::move(text);
    st.audio_seq_reserved = std::max(st.audio_seq_reserved, seq_reserved);
    dirty_.insert(session_id);
}

void event_journal::pointer(std::int64_t session_id, const std::string& message,
                            std::int64_t audio_heard_ms) {
    std::lock_guard lock(mutex_);
    pointer_.push_back({session_id, std::max(now_ms(), audio_heard_ms), message});
}

void event_journal::flush() {
    std::vector<storage::timeline_event> events;
    std::vector<storage::audio_packet_row> audio;
    std::vector<storage::pointer_row> pointer;
    std::unordered_map<std::int64_t, storage::live_state> states;
    {
        std::lock_guard lock(mutex_);
        if (events_.empty() && audio_.empty() && pointer_.empty() && dirty_.empty()) return;
        events.swap(events_);
        audio.swap(audio_);
        pointer.swap(pointer_);
        for (auto id : dirty_) states.emplace(id, states_[id]);
        dirty_.clear();
    }
    const auto now = now_ms() / 1000;
    try {
        db_.submit(
            [events = std::move(events), audio = std::move(audio), pointer = std::move(pointer),
             states = std::move(states), now](storage::connection& c) {
                storage::append_events(c, events);
                storage::append_audio(c, audio);
                storage::append_pointer(c, pointer);
                for (const auto& [session_id, st] : states)
                    storage::save_live_state(c, session_id, st, now);
            },
            [](std::exception_ptr e) {
                if (e) spdlog::error("writing the live timeline failed: {}", what_of(e));
            });
    } catch (const std::exception& e) {  // the writer's queue is full: drop this batch, say so
        spdlog::error("live timeline not queued: {}", e.what());
    }
}

}  // namespace daring::server
