#pragma once
// Taking part, per trainee per session: what they did, how long each held the floor, and the
// participation level the reports show. Pure. The rules (docs/architecture.md, "Participation"):
//   contributions = chat messages + questions asked + poll answers + hands raised
//                   + 1 when they held the floor for at least floor_contribution_s seconds
//   light actions = upvotes + reactions
//   aktif  (active):   at least 3 contributions
//   cukup  (moderate): at least 1 contribution, or at least 3 light actions
//   pasif  (passive):  otherwise (also whoever did not join)
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace daring::server {

struct participation {
    std::int64_t chat = 0;
    std::int64_t questions = 0;
    std::int64_t votes = 0;
    std::int64_t poll_answers = 0;
    std::int64_t hands = 0;  // times raised
    std::int64_t floor_seconds = 0;
    std::int64_t reactions = 0;
};

enum class participation_level { aktif, cukup, pasif };
std::string_view to_string(participation_level l);

inline constexpr std::int64_t floor_contribution_s = 30;
inline constexpr std::int64_t aktif_contributions = 3;
inline constexpr std::int64_t cukup_light_actions = 3;

std::int64_t contributions(const participation& p);
participation_level level_of(const participation& p);

// A change of who holds the floor: at `at_ms`, `speaker` speaks (none: nobody).
struct floor_change {
    std::int64_t at_ms = 0;
    std::optional<std::int64_t> speaker;
};
// Seconds each user held the floor, from changes in time order, the last one lasting until
// `until_ms` (the session's end, or now while it is live). Rounded down per user.
std::map<std::int64_t, std::int64_t> floor_seconds(const std::vector<floor_change>& changes,
                                                   std::int64_t until_ms);

}  // namespace daring::server
