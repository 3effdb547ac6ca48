#include "server/services/delivery_service.hpp"

#include <cstdio>
#include <map>

#include "server/rules/delivery_policy.hpp"
#include "server/rules/local_time.hpp"
#include "storage/notification_repo.hpp"
#include "storage/region_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;

namespace {

std::string status_suffix_en(session_status s) {
    switch (s) {
        case session_status::pending_approval:
            return " (awaiting approval)";
        case session_status::postponed:
            return ", postponed";
        case session_status::cancelled:
            return ", cancelled";
        default:
            return "";
    }
}
std::string status_suffix_id(session_status s) {
    switch (s) {
        case session_status::pending_approval:
            return " (menunggu persetujuan)";
        case session_status::postponed:
            return ", ditunda";
        case session_status::cancelled:
            return ", dibatalkan";
        default:
            return "";
    }
}

}  // namespace

namespace {

policy_input input_of(const storage::evaluation_row& row, const std::vector<restriction>& in_force,
                      unix_seconds now) {
    policy_input in;
    in.current_status = row.session.current.status;
    in.starts_at = row.session.starts_at;
    in.now = now;
    in.planned_mode = row.planned_mode;
    in.policy = row.policy;
    in.trainees = row.trainees;
    in.trainers = row.trainers;
    in.room_capacity = row.room_capacity;
    in.restriction = restriction_on(in_force, row.session.starts_at, row.utc_offset_minutes);
    if (row.override_decision) {
        in.override_decision =
            delivery_override{row.override_decision->mode, row.override_decision->status,
                              row.override_decision->reason};
    }
    return in;
}

delivery delivery_of(const policy_outcome& decided, const storage::evaluation_row& row) {
    delivery after;
    after.mode = decided.mode;
    after.status = decided.status;
    after.reason = decided.reason;
    after.reason_id = decided.reason_id;
    after.recommended_mode = decided.recommended_mode;
    after.restriction_id = decided.restriction_id;
    after.overridden = decided.by_override;
    if (decided.by_override) after.decided_by = row.override_decision->by;
    return after;
}

// A change of mode or status: the decision row and a notice to the training's audience.
void record_change(storage::connection& c, const storage::evaluation_row& row,
                   const delivery& before, const delivery& after,
                   const std::map<std::int64_t, std::string>& references, unix_seconds now) {
    delivery_decision d;
    d.session_id = row.session.id;
    d.from_mode = before.mode;
    d.from_status = before.status;
    d.to_mode = after.mode;
    d.to_status = after.status;
    d.reason = after.reason;
    d.reason_id = after.reason_id;
    // The restriction that now applies, or the one that stopped applying (a lift).
    auto ref_id = after.restriction_id ? after.restriction_id : before.restriction_id;
    if (ref_id && references.contains(*ref_id)) d.restriction_reference = references.at(*ref_id);
    d.actor_id = after.decided_by;
    d.at = now;
    storage::insert_decision(c, d);

    const auto when = format_local(row.session.starts_at, row.utc_offset_minutes);
    const std::string text_id = "Sesi \"" + row.session.title + "\" (" + when + ") kini " +
                                std::string(to_indonesian(after.mode)) +
                                status_suffix_id(after.status) + ". " + after.reason_id;
    const std::string text_en = "Session \"" + row.session.title + "\" (" + when + ") is now " +
                                std::string(to_string(after.mode)) +
                                status_suffix_en(after.status) + ". " + after.reason;
    notification n;
    n.training_id = row.session.training_id;
    n.session_id = row.session.id;
    n.kind = "delivery_changed";
    n.text_id = text_id;
    n.text_en = text_en;
    n.created_at = now;
    // What the channel templates are filled with; the message is pointless once it started.
    n.params = {{"session_title", row.session.title},
                {"when", when},
                {"mode", to_string(after.mode)},
                {"status", to_string(after.status)},
                {"reason_id", after.reason_id},
                {"reason_en", after.reason},
                {"reference", d.restriction_reference},
                {"link", "#/live/" + std::to_string(row.session.id)}};
    n.expires_at = row.session.starts_at;
    storage::notify_training_audience(c, n);
}

}  // namespace

reevaluation reevaluate(storage::connection& c, const storage::evaluation_scope& scope,
                        unix_seconds now) {
    reevaluation out;
    std::map<std::string, std::vector<restriction>> by_region;
    std::map<std::int64_t, std::string> references;
    for (auto& row : storage::sessions_for_evaluation(c, scope)) {
        auto [it, fresh] = by_region.try_emplace(row.region_code);
        if (fresh) it->second = storage::list_restrictions(c, row.region_code);
        for (const auto& r : it->second) references[r.id] = r.reference;

        auto decided = decide_delivery(input_of(row, it->second, now));
        const auto& before = row.session.current;
        evaluated_session seen{row.session.id,
                               local_day(row.session.starts_at, row.utc_offset_minutes),
                               before.mode, before.status};
        if (!decided.frozen) {
            auto after = delivery_of(decided, row);
            const bool changed = after.mode != before.mode || after.status != before.status;
            const bool reworded = after.reason != before.reason ||
                                  after.restriction_id != before.restriction_id ||
                                  after.decided_by != before.decided_by;
            if (changed || reworded) {
                after.decided_at = changed ? now : before.decided_at;
                storage::update_delivery(c, row.session.id, after);
            }
            if (changed) {
                record_change(c, row, before, after, references, now);
                out.changes.push_back({row.session.id, row.session.training_id, before, after});
            }
            seen.mode = after.mode;
            seen.status = after.status;
        }
        out.evaluated.push_back(seen);
    }
    return out;
}

}  // namespace daring::server
