#include "storage/audit_repo.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

void insert_audit(connection& c, const audit_entry& e) {
    statement q(c,
                "INSERT INTO audit_log (actor_id, action, target, detail, at) VALUES "
                "(?,?,?,?,?)");
    if (e.actor_id)
        q.bind(1, static_cast<std::int64_t>(*e.actor_id));
    else
        q.bind(1);
    q.bind(2, e.action);
    q.bind(3, e.target);
    q.bind(4, e.detail.empty() ? std::string("{}") : e.detail);
    q.bind(5, static_cast<std::int64_t>(e.at));
    q.exec();
}

std::vector<audit_entry> list_audit(connection& c, const audit_filter& filter,
                                    const page_request& page) {
    std::string sql =
        "SELECT a.id, a.actor_id, a.action, a.target, a.detail, a.at, coalesce(u.username, ''), "
        "coalesce(u.full_name, '') FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.id < :before";
    if (filter.actor_id) sql += " AND a.actor_id = :actor";
    if (!filter.action.empty())
        sql += filter.action.ends_with('.') ? " AND substr(a.action, 1, length(:action)) = :action"
                                            : " AND a.action = :action";
    sql += " ORDER BY a.id DESC LIMIT :limit";
    statement q(c, sql);
    q.bind(":before", page.after.empty() ? INT64_MAX : page.after.front());
    if (filter.actor_id) q.bind(":actor", *filter.actor_id);
    if (!filter.action.empty()) q.bind(":action", filter.action);
    q.bind(":limit", static_cast<std::int64_t>(page.limit + 1));
    std::vector<audit_entry> out;
    while (q.step()) {
        audit_entry e;
        e.id = q.column(0).as_int64();
        if (!q.column(1).is_null()) e.actor_id = q.column(1).as_int64();
        e.action = q.column(2).as_text();
        e.target = q.column(3).as_text();
        e.detail = q.column(4).as_text();
        e.at = q.column(5).as_int64();
        e.actor_username = q.column(6).as_text();
        e.actor_name = q.column(7).as_text();
        out.push_back(std::move(e));
    }
    return out;
}

void insert_audit(connection& c, std::optional<std::int64_t> actor_id, std::string action,
                  std::string target, const protocol::json& detail, protocol::unix_seconds at) {
    insert_audit(c, audit_entry{0, actor_id, std::move(action), std::move(target),
                                protocol::dump(detail), at});
}

}  // namespace daring::storage
