#include "storage/certificate_repo.hpp"

#include <cstdio>

namespace daring::storage {

namespace {

constexpr const char* select_certificate =
    "SELECT c.id, c.training_id, c.user_id, c.number, c.code, c.issued_at, c.seconds_attended, "
    "u.full_name, t.title "
    "FROM certificates c JOIN users u ON u.id = c.user_id JOIN trainings t ON t.id = "
    "c.training_id ";

std::optional<certificate_row> one(statement& q) {
    if (!q.step()) return std::nullopt;
    certificate_row r;
    r.id = q.column(0).as_int64();
    r.training_id = q.column(1).as_int64();
    r.user_id = q.column(2).as_int64();
    r.number = q.column(3).as_text();
    r.code = q.column(4).as_text();
    r.issued_at = q.column(5).as_int64();
    r.seconds_attended = q.column(6).as_int64();
    r.full_name = q.column(7).as_text();
    r.training_title = q.column(8).as_text();
    return r;
}

}  // namespace

std::optional<certificate_row> find_certificate(connection& c, std::int64_t training_id,
                                                std::int64_t user_id) {
    statement q(c, std::string(select_certificate) + "WHERE c.training_id = ? AND c.user_id = ?");
    q.bind(1, static_cast<std::int64_t>(training_id));
    q.bind(2, static_cast<std::int64_t>(user_id));
    return one(q);
}

std::optional<certificate_row> find_certificate_by_code(connection& c, const std::string& code) {
    statement q(c, std::string(select_certificate) + "WHERE c.code = ?");
    q.bind(1, code);
    return one(q);
}

certificate_row issue_certificate(connection& c, std::int64_t training_id, std::int64_t user_id,
                                  const std::string& code, const std::string& number_prefix,
                                  int year, protocol::unix_seconds at,
                                  std::int64_t seconds_attended) {
    if (auto existing = find_certificate(c, training_id, user_id)) return *existing;
    statement ins(
        c,
        "INSERT INTO certificates(training_id, user_id, number, code, issued_at, seconds_attended) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    ins.bind(1, static_cast<std::int64_t>(training_id));
    ins.bind(2, static_cast<std::int64_t>(user_id));
    ins.bind(3, "pending:" + code);  // unique until the id is known
    ins.bind(4, code);
    ins.bind(5, static_cast<std::int64_t>(at));
    ins.bind(6, static_cast<std::int64_t>(seconds_attended));
    ins.exec();
    const auto id = c.last_insert_id();
    char number[96];
    std::snprintf(number, sizeof number, "%06lld/%s/%d", static_cast<long long>(id),
                  number_prefix.c_str(), year);
    statement upd(c, "UPDATE certificates SET number = ? WHERE id = ?");
    upd.bind(1, std::string(number));
    upd.bind(2, static_cast<std::int64_t>(id));
    upd.exec();
    return *find_certificate(c, training_id, user_id);
}

}  // namespace daring::storage
