// Where an agent is reached: "unix:PATH", "tcp:HOST:PORT", "exec:COMMAND ARGS..." (the command's
// stdin/stdout carry the protocol, e.g. `wsl.exe -d NixOS --exec .../nixtray-agent bridge`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::net {

struct Endpoint {
  enum class Kind { unix_socket, tcp, command };
  Kind kind = Kind::unix_socket;
  std::string path;  // unix_socket
  std::string host;  // tcp
  std::uint16_t port = 0;
  std::vector<std::string> argv;  // command
};

// Throws std::invalid_argument with a message naming the accepted forms.
Endpoint parse_endpoint(std::string_view text);
std::string to_string(const Endpoint& endpoint);

// Splits a command line into an argv without a shell: whitespace separates, double quotes
// group (a backslash escapes a quote or backslash inside them). Throws on an open quote.
std::vector<std::string> split_command_line(std::string_view text);

}  // namespace nixtray::net
