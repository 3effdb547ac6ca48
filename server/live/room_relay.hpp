#pragma once
// Several nodes, the live room's side (docs/architecture.md, "Several nodes"). On the room's
// owner, a socket of another node is a member of the room through a remote participant whose
// deliveries go into that node's batch; owner_relay sends each node its batch once per flush,
// as one relay frame numbered per node. On the other node, relay_endpoint plays a frame back
// to its local sockets: each message one shared buffer for all of them. Frames of an older
// owner (a lower lease epoch) are dropped; after a gap in a node's numbering its sockets are
// told to resume by seq. Both are driven on one strand each (the owner's room strand; the node's
// relay strand): not thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/cluster/delivery_batch.hpp"
#include "server/cluster/relay_frame.hpp"
#include "server/live/live_room.hpp"

namespace daring::server {

// A socket of another node joining the owner's room: who it is and what it resumes from.
struct relayed_join {
    live_member member;
    std::optional<std::uint64_t> resume;
    bool audio = true;
    prior_attendance prior;
};
// The join as a node sends it (JSON in a relay frame) / as the owner reads it (none when
// malformed).
std::string encode_join(const relayed_join& j);
std::optional<relayed_join> decode_join(std::string_view text);

// What a node sends the owner about its socket (a relay frame; the node's id rides in `b`).
std::string join_frame(const std::string& node, std::uint64_t socket, const relayed_join& j);
std::string socket_frame(relay_kind kind, const std::string& node, std::uint64_t socket,
                         std::string_view payload = {});

class owner_relay {
  public:
    explicit owner_relay(std::uint64_t epoch) : epoch_(epoch) {}
    // The member standing in for socket `socket` of node `node` (joins the room like any).
    std::shared_ptr<live_participant> participant(const std::string& node, std::uint64_t socket);
    // A frame from a node (join, text, binary, leave) applied to the owner's room on its
    // strand, as the same message from a local socket would be. Malformed frames and frames
    // about sockets the owner does not know are counted and dropped.
    live_room::outcome receive(std::string_view frame, live_room& room, protocol::unix_seconds now,
                               std::int64_t steady_ms);
    std::uint64_t dropped() const { return dropped_; }
    // The stand-in that sent the last frame applied (null: none, or it left).
    live_participant* sender() const { return sender_; }
    std::size_t remote_sockets() const { return stand_ins_.size(); }
    // Each node with deliveries since the last flush gets one frame (encoded relay_frame).
    using publish_fn = std::function<void(const std::string& node, std::string frame)>;
    void flush(const publish_fn& publish);
    std::uint64_t epoch() const { return epoch_; }
    std::uint64_t deliveries() const { return deliveries_; }  // relayed, all nodes, so far

    // Nodes not heard from (any frame; `alive` every 2 s) for longer than `silence` seconds are
    // gone: their sockets leave the room as of the last frame. Returns their names (their open
    // presence intervals are theirs to end: presence_sink::node_gone). A node gone that speaks
    // again gets a frame out of order at the next flush: its sockets resume (4008) and rejoin.
    std::vector<std::string> reap(live_room& room, protocol::unix_seconds now,
                                  protocol::unix_seconds silence);

  private:
    struct node_state {
        delivery_batch batch;
        std::uint64_t frames = 0;
        protocol::unix_seconds heard = 0;  // the last frame from the node
        bool gone = false;                 // reaped; spoke again: resync at the next flush
        bool resync = false;
    };
    std::map<std::string, std::shared_ptr<node_state>> nodes_;
    std::map<std::pair<std::string, std::uint64_t>, std::shared_ptr<live_participant>> stand_ins_;
    std::uint64_t epoch_;
    std::uint64_t deliveries_ = 0;
    std::uint64_t dropped_ = 0;
    live_participant* sender_ = nullptr;
};

class relay_endpoint {
  public:
    // Socket `socket` of this node is in the relayed room (deliveries to it land on `p`, held
    // until detach).
    void attach(std::uint64_t socket, std::shared_ptr<live_participant> p);
    void detach(std::uint64_t socket);

    // After a gap (a frame lost between nodes: NATS is at most once) the frame is not played:
    // every socket here is closed with 4008 (resume) and reconnects from the last seq it
    // received, which the owner's ring replays (outcome::gap_resume).
    enum class outcome { played, gap_resume, stale_owner, malformed };
    // One frame from the owner's subject for this node.
    outcome receive(std::string_view frame);

    struct figures {
        std::uint64_t frames = 0, deliveries = 0, stale = 0, gaps = 0, malformed = 0;
        std::uint64_t unknown_sockets = 0;  // deliveries to sockets that left meanwhile
    };
    const figures& counts() const { return counts_; }
    std::uint64_t epoch() const { return epoch_; }

  private:
    void play(const delivery& d);
    std::unordered_map<std::uint64_t, std::shared_ptr<live_participant>> sockets_;
    std::uint64_t epoch_ = 0;
    std::uint64_t last_frame_ = 0;
    figures counts_;
};

}  // namespace daring::server
