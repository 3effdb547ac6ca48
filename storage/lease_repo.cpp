#include "storage/lease_repo.hpp"

namespace daring::storage {

room_lease claim_lease(connection& c, std::int64_t session_id, const std::string& node_id,
                       std::int64_t now_ms, std::int64_t ttl_ms) {
    // One statement on both engines: an upsert whose update applies only to the holder's own
    // lease or an expired one. The epoch rises unless the holder renews a live lease, so a lease
    // given up and taken again (by any node, a restarted one too) never repeats an epoch.
    statement q(c,
                "INSERT INTO room_leases(session_id, node_id, epoch, expires_ms) "
                "VALUES (:session, :node, 1, :until) ON CONFLICT (session_id) DO UPDATE SET "
                "epoch = CASE WHEN room_leases.node_id = excluded.node_id AND "
                "room_leases.expires_ms > :now THEN room_leases.epoch "
                "ELSE room_leases.epoch + 1 END, "
                "node_id = excluded.node_id, expires_ms = excluded.expires_ms "
                "WHERE room_leases.node_id = excluded.node_id OR room_leases.expires_ms <= :now "
                "RETURNING node_id, epoch, expires_ms");
    q.bind(":session", session_id);
    q.bind(":node", node_id);
    q.bind(":until", now_ms + ttl_ms);
    q.bind(":now", now_ms);
    if (q.step()) return {q.column(0).as_text(), q.column(1).as_int64(), q.column(2).as_int64()};
    q.reset();
    return lease_of(c, session_id).value_or(room_lease{});
}

std::vector<std::int64_t> renew_leases(connection& c, const std::string& node_id,
                                       std::int64_t until_ms) {
    statement q(c, "UPDATE room_leases SET expires_ms = ? WHERE node_id = ? RETURNING session_id");
    q.bind(1, until_ms);
    q.bind(2, node_id);
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.column(0).as_int64());
    return out;
}

void release_lease(connection& c, std::int64_t session_id, const std::string& node_id) {
    // Expired rather than deleted: the row keeps the epoch, so the next owner's is higher.
    statement q(c, "UPDATE room_leases SET expires_ms = 0 WHERE session_id = ? AND node_id = ?");
    q.bind(1, session_id);
    q.bind(2, node_id);
    q.exec();
}

std::optional<room_lease> lease_of(connection& c, std::int64_t session_id) {
    statement q(c, "SELECT node_id, epoch, expires_ms FROM room_leases WHERE session_id = ?");
    q.bind(1, session_id);
    if (!q.step()) return std::nullopt;
    return room_lease{q.column(0).as_text(), q.column(1).as_int64(), q.column(2).as_int64()};
}

std::int64_t reserve_ids(connection& c, const std::string& name, std::int64_t count,
                         std::int64_t at_least) {
    statement q(c,
                "INSERT INTO id_blocks(name, next_id) "
                "VALUES (:name, CAST(:from AS BIGINT) + CAST(:count AS BIGINT)) "
                "ON CONFLICT (name) DO UPDATE SET next_id = "
                "MAX(id_blocks.next_id, CAST(:from AS BIGINT)) + CAST(:count AS BIGINT) "
                "RETURNING next_id - CAST(:count AS BIGINT)");
    q.bind(":name", name);
    q.bind(":from", at_least + 1);
    q.bind(":count", count);
    q.step();
    return q.column(0).as_int64();
}

}  // namespace daring::storage
