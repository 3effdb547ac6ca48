#pragma once
// What `daring` does once its command line is parsed: open the database, bootstrap the admin,
// seed the demo, serve until a signal. Returns the process exit code.
namespace daring::server {

// Exit codes besides 0 (stopped by a signal), 1 (another failure) and 2 (a bad command line).
inline constexpr int exit_storage_unavailable = 3;  // the database cannot be reached
inline constexpr int exit_storage_unsupported = 4;  // PostgreSQL older than 13

int run_main(int argc, const char* const argv[]);

}  // namespace daring::server
