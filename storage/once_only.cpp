#include "storage/once_only.hpp"

#include "storage/connection.hpp"

namespace daring::storage {

std::int64_t once_only_key(once_only work) {
    return 7270100 + static_cast<std::int64_t>(work);
}

bool take_once_only(connection& c, once_only work) {
    if (c.dialect() != sql_dialect::postgresql) return true;
    statement q(c, "SELECT CASE WHEN pg_try_advisory_xact_lock(?) THEN 1 ELSE 0 END");
    q.bind(1, once_only_key(work));
    return q.step() && q.column(0).as_int() == 1;
}

}  // namespace daring::storage
