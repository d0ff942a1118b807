// Connected stream sockets for the test and benchmark clients, as plain file descriptors (the
// caller owns and closes them). Both throw std::runtime_error naming the address and why.
#pragma once

#include <filesystem>

namespace nixtray::testing {

int connect_unix_stream(const std::filesystem::path& path);
int connect_loopback_tcp(int port);

}  // namespace nixtray::testing
