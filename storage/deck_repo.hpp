#pragma once
// Decks (a trainer's uploaded slides and their converted pages) and a training's handouts.
// Page and handout files live in the assets directory; these rows name them by content hash.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/deck.hpp"
#include "protocol/plan.hpp"

namespace daring::storage {

class connection;

// Decks. `node` converts it (several nodes; empty on one node), alive as of its created_at.
std::int64_t insert_deck(connection& c, const protocol::deck& d, const std::string& node);
std::optional<protocol::deck> find_deck(connection& c, std::int64_t id);
// A session's decks, newest first.
std::vector<protocol::deck> session_decks(connection& c, std::int64_t session_id);
// The page count once known, and pages rendered so far.
void set_deck_progress(connection& c, std::int64_t deck_id, int pages, int pages_done);
void insert_deck_page(connection& c, std::int64_t deck_id, const protocol::deck_page& p);
std::vector<protocol::deck_page> deck_pages(connection& c, std::int64_t deck_id);
// converting -> ready (pages_done = pages).
void finish_deck(connection& c, std::int64_t deck_id, protocol::unix_seconds now);
// converting -> failed with a code of protocol/deck.hpp.
void fail_deck(connection& c, std::int64_t deck_id, const std::string& code,
               const std::string& message, protocol::unix_seconds now);
// Every deck `node` is still converting -> failed `interrupted` (at its start: no conversion
// survives a restart; other nodes' conversions go on). Returns how many.
int fail_unfinished_decks(connection& c, protocol::unix_seconds now, const std::string& node);
// `node` still converts (or queues) its unfinished decks: they are alive as of `now`.
void keep_conversions_alive(connection& c, const std::string& node, protocol::unix_seconds now);
// Decks still converting whose node has not said they are alive since `silent_since` (it died
// and did not come back, or was renamed) -> failed `interrupted`. Returns how many.
int fail_abandoned_decks(connection& c, protocol::unix_seconds now,
                         protocol::unix_seconds silent_since);
// Decks of a session still converting (the queue's bound is per server; this is per session).
int converting_decks(connection& c, std::int64_t session_id);
// Page n of a deck, when the deck has it.
std::optional<protocol::deck_page> find_deck_page(connection& c, std::int64_t deck_id, int n);
// Whether `hash` is the small or large image of a page of the deck.
bool deck_has_image(connection& c, std::int64_t deck_id, const std::string& hash);

// Handouts.
std::int64_t insert_material(connection& c, const protocol::material& m);
std::optional<protocol::material> find_material(connection& c, std::int64_t id);
// A training's handouts (not deleted), oldest first.
std::vector<protocol::material> training_materials(connection& c, std::int64_t training_id);
// Marks it deleted; false when it was not there.
bool delete_material(connection& c, std::int64_t id, protocol::unix_seconds now);
// Whether any handout or deck page still names the file (before removing it from disk).
bool asset_in_use(connection& c, const std::string& hash);

}  // namespace daring::storage
