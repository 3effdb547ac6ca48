#pragma once
// What a room's owner sends one other node in one NATS message: the deliveries to that node's
// sockets since the last flush, each distinct message once with the sockets it goes to. A
// broadcast to 5,000 sockets on a node crosses once, with 5,000 socket ids beside it, and the
// node delivers one shared buffer to all of them. Every socket receives its messages in the
// order the owner delivered them: a socket joins an earlier entry for the same message only
// when it has nothing later in the batch.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace daring::server {

struct delivery {
    enum class kind : std::uint8_t { text = 1, audio = 2, close = 3, discard_audio = 4 };
    kind what = kind::text;
    std::shared_ptr<const std::string> payload;  // text, an audio record, a close reason
    std::uint16_t value = 0;                     // audio: duration in ms; close: the close code
    std::vector<std::uint64_t> sockets;
};

class delivery_batch {
  public:
    void text(std::uint64_t socket, const std::shared_ptr<const std::string>& message);
    void audio(std::uint64_t socket, const std::shared_ptr<const std::string>& record,
               std::uint16_t duration_ms);
    void close(std::uint64_t socket, std::uint16_t code, std::string_view reason);
    void discard_audio(std::uint64_t socket);
    bool empty() const { return entries_.empty(); }
    std::size_t deliveries() const { return deliveries_; }
    // The batch as bytes; the batch is empty afterwards.
    std::string take_encoded();
    // The batch as pieces of at most `max_bytes` each (a piece holds at least one delivery, so
    // a single payload larger than that makes a larger piece), to be played in order; the batch
    // is empty afterwards. A broadcast to more sockets than fit is split over pieces.
    std::vector<std::string> take_pieces(std::size_t max_bytes);

  private:
    static std::string take_pieces_empty();
    void add(std::uint64_t socket, delivery::kind what,
             const std::shared_ptr<const std::string>& payload, std::uint16_t value);
    std::vector<delivery> entries_;
    std::unordered_map<const std::string*, std::size_t> entry_of_;  // payload -> its entry
    std::unordered_map<std::uint64_t, std::size_t> last_of_;        // socket -> its last entry
    std::size_t deliveries_ = 0;
};

// The deliveries in `bytes`, or none when malformed. Each payload is one shared buffer.
std::optional<std::vector<delivery>> decode_deliveries(std::string_view bytes);

}  // namespace daring::server
