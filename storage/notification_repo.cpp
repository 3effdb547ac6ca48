#include "storage/notification_repo.hpp"

#include "storage/connection.hpp"
#include "storage/outbox_repo.hpp"

namespace daring::storage {

using namespace protocol;

int notify_training_audience(connection& c, const notification& n) {
    const auto before = last_notification_id(c);
    SQLite::Statement q(
        c.db,
        "INSERT INTO notifications (user_id, training_id, session_id, kind, text_id, text_en, "
        "created_at, params) "
        "SELECT user_id, :training, :session, :kind, :tid, :ten, :now, :params FROM ("
        " SELECT user_id FROM enrollments WHERE training_id = :training AND withdrawn_at IS NULL"
        " UNION SELECT user_id FROM training_trainers WHERE training_id = :training)");
    q.bind(":training", static_cast<std::int64_t>(n.training_id.value_or(0)));
    if (n.session_id)
        q.bind(":session", static_cast<std::int64_t>(*n.session_id));
    else
        q.bind(":session");
    q.bind(":kind", n.kind);
    q.bind(":tid", n.text_id);
    q.bind(":ten", n.text_en);
    q.bind(":now", static_cast<std::int64_t>(n.created_at));
    q.bind(":params", protocol::dump(n.params));
    const int added = q.exec();
    enqueue_outbox(c, before, n.expires_at, n.created_at);
    return added;
}

std::int64_t insert_notification(connection& c, const notification& n) {
    const auto before = last_notification_id(c);
    SQLite::Statement q(c.db,
                        "INSERT INTO notifications (user_id, training_id, session_id, kind, "
                        "text_id, text_en, created_at, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<std::int64_t>(n.user_id));
    if (n.training_id)
        q.bind(2, static_cast<std::int64_t>(*n.training_id));
    else
        q.bind(2);
    if (n.session_id)
        q.bind(3, static_cast<std::int64_t>(*n.session_id));
    else
        q.bind(3);
    q.bind(4, n.kind);
    q.bind(5, n.text_id);
    q.bind(6, n.text_en);
    q.bind(7, static_cast<std::int64_t>(n.created_at));
    q.bind(8, protocol::dump(n.params));
    q.exec();
    const auto id = c.db.getLastInsertRowid();
    enqueue_outbox(c, before, n.expires_at, n.created_at);
    return id;
}

std::vector<notification> list_notifications(connection& c, std::int64_t user_id,
                                             const page_request& page) {
    SQLite::Statement q(
        c.db,
        "SELECT id, user_id, training_id, session_id, kind, text_id, text_en, created_at "
        "FROM notifications WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(user_id));
    q.bind(2, page.after.empty() ? INT64_MAX : page.after.front());
    q.bind(3, static_cast<std::int64_t>(page.limit + 1));
    std::vector<notification> out;
    while (q.executeStep()) {
        notification n;
        n.id = q.getColumn(0).getInt64();
        n.user_id = q.getColumn(1).getInt64();
        n.training_id = opt_int(q.getColumn(2));
        n.session_id = opt_int(q.getColumn(3));
        n.kind = q.getColumn(4).getString();
        n.text_id = q.getColumn(5).getString();
        n.text_en = q.getColumn(6).getString();
        n.created_at = q.getColumn(7).getInt64();
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace daring::storage
