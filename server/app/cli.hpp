#pragma once
// What `daring` does once its command line is parsed: open the database, bootstrap the admin,
// seed the demo, serve until a signal. Returns the process exit code.
namespace daring::server {

int run_main(int argc, const char* const argv[]);

}  // namespace daring::server
