#include "server/rules/delivery_policy.hpp"

namespace daring::server {

using protocol::delivery_mode;
using protocol::session_status;

std::optional<restriction_in_force> restriction_on(const std::vector<protocol::restriction>& list,
                                                   protocol::unix_seconds starts_at,
                                                   int utc_offset_minutes) {
    const auto day = local_day(starts_at, utc_offset_minutes);
    std::optional<restriction_in_force> strictest;
    for (const auto& r : list) {
        if (!r.covers(day)) continue;
        if (!strictest || r.max_gathering < strictest->max_gathering) {
            strictest = restriction_in_force{r.id, r.max_gathering, r.label, r.reference};
        }
    }
    return strictest;
}

namespace {

std::string plural_people(int n) {
    return std::to_string(n) + (n == 1 ? " person" : " people");
}

std::string what(const restriction_in_force& r) {
    return r.label + " (" + r.reference + ")";
}

}  // namespace

policy_outcome decide_delivery(const policy_input& in) {
    policy_outcome out;
    const auto status = in.current_status;
    if (status == session_status::live || status == session_status::ended ||
        status == session_status::cancelled || in.now >= in.starts_at) {
        out.frozen = true;
        return out;
    }
    if (in.override_decision) {
        const auto& o = *in.override_decision;
        out.by_override = true;
        out.mode = o.mode.value_or(in.planned_mode);
        out.status = o.status;
        out.reason = "Admin decision: " + o.reason;
        out.reason_id = "Keputusan admin: " + o.reason;
        if (in.restriction) out.restriction_id = in.restriction->id;
        return out;
    }

    const int expected = in.trainees + in.trainers;
    const auto planned = in.planned_mode;
    out.mode = planned;
    out.status = session_status::scheduled;
    if (!in.restriction) {
        out.reason = "As planned: " + std::string(protocol::to_string(planned)) +
                     "; no gathering restriction is in force.";
        out.reason_id = "Sesuai rencana: " + std::string(protocol::to_indonesian(planned)) +
                        "; tidak ada pembatasan kegiatan yang berlaku.";
        return out;
    }
    const auto& r = *in.restriction;
    out.restriction_id = r.id;
    const std::string limit_en =
        what(r) + " limits gatherings to " + plural_people(r.max_gathering);
    const std::string limit_id =
        what(r) + " membatasi kegiatan hingga " + std::to_string(r.max_gathering) + " orang";

    if (planned == delivery_mode::online) {
        out.reason = "As planned: online. " + limit_en + ".";
        out.reason_id = "Sesuai rencana: daring. " + limit_id + ".";
        return out;
    }
    // The people who would gather in the room.
    int in_room = expected;
    if (planned == delivery_mode::hybrid && in.room_capacity)
        in_room = std::min(expected, *in.room_capacity);
    if (in_room <= r.max_gathering) {
        if (planned == delivery_mode::hybrid) {
            out.reason = "Hybrid as planned: " + limit_en + " and the room holds " +
                         std::to_string(in_room) + ".";
            out.reason_id = "Hibrida sesuai rencana: " + limit_id + " dan ruangan menampung " +
                            std::to_string(in_room) + " orang.";
        } else {
            out.reason = "As planned: in person. " + limit_en + " and " + plural_people(expected) +
                         " are expected.";
            out.reason_id = "Sesuai rencana: tatap muka. " + limit_id + " dan " +
                            std::to_string(expected) + " orang diharapkan hadir.";
        }
        return out;
    }
    const std::string over_en = limit_en + "; " + plural_people(in_room) + " would gather.";
    const std::string over_id =
        limit_id + "; " + std::to_string(in_room) + " orang akan berkumpul.";
    if (in.policy == protocol::switch_policy::approval) {
        out.mode = planned;
        out.status = session_status::pending_approval;
        out.recommended_mode = delivery_mode::online;
        out.reason = "Awaiting approval, online recommended: " + over_en;
        out.reason_id = "Menunggu persetujuan, disarankan daring: " + over_id;
        return out;
    }
    out.mode = delivery_mode::online;
    out.reason = "Moved online: " + over_en;
    out.reason_id = "Dipindahkan ke daring: " + over_id;
    return out;
}

}  // namespace daring::server
