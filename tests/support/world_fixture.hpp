#pragma once
// A GoogleTest fixture over the shared world, with its parts under their usual names.
#include <gtest/gtest.h>

#include "tests/support/world.hpp"

namespace daring::test {

class world_fixture : public ::testing::Test {
  protected:
    world w;
    temp_dir& dir = w.dir;
    std::unique_ptr<server_process>& server = w.server;
    std::unique_ptr<http_client>& http = w.http;
    std::unique_ptr<api_client>& admin = w.admin;
};

}  // namespace daring::test
