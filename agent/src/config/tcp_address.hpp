// The `tcp` setting, ADDRESS:PORT: checked when the settings are read, so a port of 0 (which
// would listen on a random one) or a port with garbage in it stops the agent with a clear message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nixtray::agent {

struct TcpAddress {
  std::string host;  // as written, without the brackets of "[::1]"
  std::uint16_t port = 0;
};

// Throws ConfigError naming the setting, the value and what is wrong. Whether the host is a
// loopback address is the server's to check (it parses the address).
TcpAddress parse_tcp_address(std::string_view text);

}  // namespace nixtray::agent
