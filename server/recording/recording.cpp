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

// A question event as the replay shows it: a hidden one only to staff (marked hidden); the author
// of one whose asker hid their lines from the recording is left out, as for their chat.
bool keep_question(json& event, bool staff, const std::set<std::int64_t>& hidden_questions,
                   const std::set<std::int64_t>& hidden_users) {
    auto q = event.find("question");
    if (q == event.end() || !q->is_object()) return false;
    if (hidden_questions.contains(q->value("id", std::int64_t{0}))) {
        if (!staff) return false;
        (*q)["hidden"] = true;
    }
    const auto author = q->find("author");
    if (author != q->end() && author->is_object() &&
        hidden_users.contains(author->value("user_id", std::int64_t{0})))
        (*q)["author"] = nullptr;
    return true;
}

}  // namespace

json recording_timeline(const std::vector<storage::timeline_event>& events,
                        std::int64_t started_at_ms, bool staff,
                        const std::set<std::int64_t>& hidden_users) {
    std::set<std::uint64_t> deleted;
    std::set<std::int64_t> hidden_questions;  // hidden by a trainer: gone from trainees' replay
    for (const auto& e : events) {
        if ((e.type != "chat_deleted" && e.type != "question_hidden") || !e.body) continue;
        auto body = json::parse(*e.body, nullptr, false);
        if (!body.is_object()) continue;
        if (e.type == "chat_deleted")
            deleted.insert(body.value("chat_seq", std::uint64_t{0}));
        else
            hidden_questions.insert(body.value("question_id", std::int64_t{0}));
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
        if (e.type == "question" && !keep_question(body, staff, hidden_questions, hidden_users))
            continue;
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
