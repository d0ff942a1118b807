#include "config/tcp_address.hpp"

#include "config/agent_config.hpp"

namespace nixtray::agent {

TcpAddress parse_tcp_address(std::string_view text) {
  const auto quoted = "\"" + std::string(text) + "\"";
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw ConfigError("tcp must be ADDRESS:PORT, e.g. 127.0.0.1:7428 (got " + quoted + ")");
  }
  TcpAddress address;
  address.host = std::string(text.substr(0, colon));
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  // Digits only: no sign, no spaces, nothing after the number.
  const auto digits = text.substr(colon + 1);
  unsigned long port = 0;
  bool valid = !digits.empty() && digits.size() <= 5;
  for (const char c : digits) {
    valid = valid && c >= '0' && c <= '9';
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if (!valid || port == 0 || port > 65535) {
    throw ConfigError("tcp: the port must be a number from 1 to 65535 (got " + quoted +
                      "; port 0 would listen on a random port no client knows)");
  }
  address.port = static_cast<std::uint16_t>(port);
  return address;
}

}  // namespace nixtray::agent
