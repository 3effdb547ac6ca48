#pragma once
// The database's pool and transaction figures in Prometheus text, labelled by engine.
#include <string>

namespace daring::storage {
struct database_figures;
}

namespace daring::server {

std::string render_database_figures(const storage::database_figures& f);

}  // namespace daring::server
