#pragma once
// Notifications in the app, each also queued in the outbox for the channels configured
// (storage/outbox_repo.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/plan.hpp"
#include "storage/page.hpp"

namespace daring::storage {

class connection;

// `n` (its user_id ignored) to every enrolled (not withdrawn) trainee and every assigned
// trainer of its training; each also queued in the outbox (storage/outbox_repo.hpp).
int notify_training_audience(connection& c, const protocol::notification& n);
// One notification to one user (id and created_at as given are ignored / used), queued in the
// outbox as well.
std::int64_t insert_notification(connection& c, const protocol::notification& n);
// Newest first; `page.after` is a notification id.
std::vector<protocol::notification> list_notifications(connection& c, std::int64_t user_id,
                                                       const page_request& page);

}  // namespace daring::storage
