#pragma once
// A TCP port on 127.0.0.1 that was free a moment ago (for servers the tests start).
#include <cstdint>

namespace daring::test {

std::uint16_t free_port();

}  // namespace daring::test
