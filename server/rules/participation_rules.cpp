#include "server/rules/participation_rules.hpp"

#include <algorithm>

namespace daring::server {

std::string_view to_string(participation_level l) {
    switch (l) {
        case participation_level::aktif:
            return "aktif";
        case participation_level::cukup:
            return "cukup";
        case participation_level::pasif:
            return "pasif";
    }
    return "pasif";
}

std::int64_t contributions(const participation& p) {
    return p.chat + p.questions + p.poll_answers + p.hands +
           (p.floor_seconds >= floor_contribution_s ? 1 : 0);
}

participation_level level_of(const participation& p) {
    const auto c = contributions(p);
    if (c >= aktif_contributions) return participation_level::aktif;
    if (c >= 1 || p.votes + p.reactions >= cukup_light_actions) return participation_level::cukup;
    return participation_level::pasif;
}

std::map<std::int64_t, std::int64_t> floor_seconds(const std::vector<floor_change>& changes,
                                                   std::int64_t until_ms) {
    std::map<std::int64_t, std::int64_t> ms;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        if (!changes[i].speaker) continue;
        const auto end = i + 1 < changes.size() ? changes[i + 1].at_ms : until_ms;
        ms[*changes[i].speaker] +=
            std::max<std::int64_t>(0, std::min(end, until_ms) - changes[i].at_ms);
    }
    std::map<std::int64_t, std::int64_t> out;
    for (auto [user, v] : ms) out[user] = v / 1000;
    return out;
}

}  // namespace daring::server
