#include "storage/notification_repo.hpp"

#include "storage/connection.hpp"
#include "storage/outbox_repo.hpp"

namespace daring::storage {

using namespace protocol;

int notify_training_audience(connection& c, const notification& n) {
    const auto before = last_notification_id(c);
    statement q(
        c,
        "INSERT INTO notifications (user_id, training_id, session_id, kind, text_id, text_en, "
        "created_at, params) "
        "SELECT user_id, :training, :session, :kind, :tid, :ten, :now, :params FROM ("
        " SELECT user_id FROM enrollments WHERE training_id = :training AND withdrawn_at IS NULL"
        " UNION SELECT user_id FROM training_trainers WHERE training_id = :training) AS audience");
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
    statement q(c,
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
    const auto id = c.last_insert_id();
    enqueue_outbox(c, before, n.expires_at, n.created_at);
    return id;
}

std::vector<notification> list_notifications(connection& c, std::int64_t user_id,
                                             const page_request& page) {
    statement q(c,
                "SELECT id, user_id, training_id, session_id, kind, text_id, text_en, created_at "
                "FROM notifications WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(user_id));
    q.bind(2, page.after.empty() ? INT64_MAX : page.after.front());
    q.bind(3, static_cast<std::int64_t>(page.limit + 1));
    std::vector<notification> out;
    while (q.step()) {
        notification n;
        n.id = q.column(0).as_int64();
        n.user_id = q.column(1).as_int64();
        n.training_id = opt_int(q.column(2));
        n.session_id = opt_int(q.column(3));
        n.kind = q.column(4).as_text();
        n.text_id = q.column(5).as_text();
        n.text_en = q.column(6).as_text();
        n.created_at = q.column(7).as_int64();
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace daring::storage
