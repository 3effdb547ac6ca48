#pragma once
// Certificates of completion, issued once per trainee and training.
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/time_format.hpp"
#include "storage/connection.hpp"

namespace daring::storage {

struct certificate_row {
    std::int64_t id = 0;
    std::int64_t training_id = 0;
    std::int64_t user_id = 0;
    std::string number;
    std::string code;
    protocol::unix_seconds issued_at = 0;
    std::int64_t seconds_attended = 0;
    // Joined for rendering and verification.
    std::string full_name;
    std::string training_title;
};

std::optional<certificate_row> find_certificate(connection& c, std::int64_t training_id,
                                                std::int64_t user_id);
std::optional<certificate_row> find_certificate_by_code(connection& c, const std::string& code);
// Issues the certificate unless one exists (write job): the number is "<id, 6
// digits>/<prefix>/<year>".
certificate_row issue_certificate(connection& c, std::int64_t training_id, std::int64_t user_id,
                                  const std::string& code, const std::string& number_prefix,
                                  int year, protocol::unix_seconds at,
                                  std::int64_t seconds_attended);

}  // namespace daring::storage
