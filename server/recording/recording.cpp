#include "server/recording/recording.hpp"

#include <set>

#include "server/recording/ogg_opus.hpp"

namespace daring::server {

using protocol::json;

namespace {

bool written_by(const json& chat, const std::set<std::int64_t>& users) {
    if (users.empty()) return false;
    const auto from = chat.find("from");
    if (from == chat.end() || !from->is_object()) return false;
    return users.contains(from->value("user_id", std::int64_t{0}));
}

}  // namespace

json recording_timeline(const std::vector<storage::timeline_event>& events,
                        std::int64_t started_at_ms, bool staff,
                        const std::set<std::int64_t>& hidden_users) {
    std::set<std::uint64_t> deleted;
    for (const auto& e : events) {
        if (e.type != "chat_deleted" || !e.body) continue;
        auto body = json::parse(*e.body, nullptr, false);
        if (body.is_object()) deleted.insert(body.value("chat_seq", std::uint64_t{0}));
    }
    auto out = json::array();
    for (const auto& e : events) {
        if (e.type == "presence") continue;
        const auto& text = staff && e.staff_body ? e.staff_body : e.body;
        if (!text) continue;  // staff only
        auto body = json::parse(*text, nullptr, false);
        if (!body.is_object()) continue;
        if (e.type == "chat" && deleted.contains(e.seq)) {
            body.erase("text");
            body["deleted"] = true;
        }
        if (e.type == "chat" && written_by(body, hidden_users)) {
            body.erase("text");
            body.erase("from");
            body["hidden"] = true;
        }
        body["at_ms"] = std::max<std::int64_t>(0, e.at_ms - started_at_ms);
        out.push_back(std::move(body));
    }
    return out;
}

std::string recording_audio(std::int64_t session_id, const std::string& title,
                            const std::vector<storage::audio_packet_row>& packets) {
    if (packets.empty()) return {};
    ogg_opus_writer writer(static_cast<std::uint32_t>(session_id), title);
    for (const auto& p : packets) writer.add(p.at_ms, p.packet);
    return writer.finish();
}

}  // namespace daring::server
