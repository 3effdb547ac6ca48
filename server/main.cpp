#include "server/app/cli.hpp"

int main(int argc, char* argv[]) {
    return daring::server::run_main(argc, argv);
}
