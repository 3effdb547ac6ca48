#pragma once
// Scheduled backups of the served database: every `every_hours` a consistent copy checked with
// integrity_check goes to `dir` as daring-YYYYMMDDTHHMMSSZ.db; the newest `keep` stay. Runs on
// the housekeeping worker, never on an I/O thread.
#include <string>

#include "protocol/time_format.hpp"

namespace daring::server {

class metrics;

struct backup_settings {
    std::string db_path;
    std::string dir;  // empty: no scheduled backups
    int every_hours = 24;
    int keep = 7;
};

class backup_schedule {
  public:
    // Finds the newest backup already in `dir` (a restart does not back up again too soon).
    backup_schedule(backup_settings settings, metrics& stats);
    // Makes a backup when one is due; removes the oldest beyond `keep`; says in the metrics when
    // the next is due. Never throws: a failure is logged and retried at the next call.
    void run_if_due(protocol::unix_seconds now);

  private:
    backup_settings settings_;
    metrics& stats_;
    protocol::unix_seconds last_ = 0;  // 0: none yet
    void prune();
};

}  // namespace daring::server
