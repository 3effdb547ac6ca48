#pragma once
// A live room participant with no socket, for the room's unit tests: records what it is sent
// (parsed and raw), its audio records and discards, the close code; can stall like a slow phone
// (beyond `queue_limit` undelivered messages it is closed as a slow consumer).
#include <string>
#include <vector>

#include "server/live/live_room.hpp"

namespace daring::test {

class fake_participant : public server::live_participant {
  public:
    explicit fake_participant(std::size_t queue_limit = 1000) : limit_(queue_limit) {}
    void deliver(const server::shared_message& m) override {
        if (closed_code) return;
        if (stalled && ++pending_ > limit_) {
            close(server::close_slow_consumer, "slow");
            return;
        }
        raw.push_back(m);
        received.push_back(protocol::json::parse(*m));
    }
    void close(int code, std::string_view) override { closed_code = code; }
    void deliver_audio(const server::shared_message& record, std::uint16_t) override {
        audio.push_back(record);
    }
    void discard_audio() override { ++audio_discards; }
    // The messages of `type` received, in order.
    std::vector<protocol::json> of_type(const std::string& type) const {
        std::vector<protocol::json> out;
        for (const auto& j : received)
            if (j["type"] == type) out.push_back(j);
        return out;
    }
    std::vector<protocol::json> received;
    std::vector<server::shared_message> raw;
    std::vector<server::shared_message> audio;
    int audio_discards = 0;
    int closed_code = 0;
    bool stalled = false;

  private:
    std::size_t limit_;
    std::size_t pending_ = 0;
};

}  // namespace daring::test
