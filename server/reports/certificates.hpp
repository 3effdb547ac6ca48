#pragma once
// A trainee's certificate of a training: issued on first request once the completion report
// says the trainee completed (stable number and verification code from then on), with the
// dates of the sessions held, for the printable page.
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/time_format.hpp"
#include "server/rules/attendance_rules.hpp"
#include "storage/certificate_repo.hpp"

namespace daring::storage {
class database;
}

namespace daring::server {

inline constexpr std::size_t certificate_code_length = 12;

struct certificate_request {
    std::int64_t training_id = 0;
    std::int64_t user_id = 0;
    std::int64_t actor_id = 0;      // who asked (the audit log's actor when one is issued)
    std::string prefix;             // the middle part of numbers, e.g. "DKUKM-KT"
    attendance_thresholds current;  // for sessions that went live before thresholds were kept
    std::string code;               // the verification code to give; empty: a random one
    bool open_to_now = false;       // open presence counts up to now (a session just ended)
};

struct issued_certificate {
    storage::certificate_row cert;
    std::int64_t first_day = 0, last_day = 0;  // local dates of the first and last session held
    bool issued_now = false;
};

// The certificate, issuing it when the trainee has none yet (a read, then a write job; the
// caller checks who may see it). 404 when the user is not enrolled, 409 `not_completed` with the
// completion report's reason.
issued_certificate certificate_for(storage::database& db, const certificate_request& r,
                                   protocol::unix_seconds now);

// Inside a write job: issues the certificate when the trainee completed and has none yet;
// nullopt otherwise (not completed, or issued before).
std::optional<storage::certificate_row> issue_if_completed(storage::connection& c,
                                                           const certificate_request& r,
                                                           protocol::unix_seconds now);

}  // namespace daring::server
