#include "nixtray/net/endpoint.hpp"
#include "catch.hpp"

#include <stdexcept>

using namespace nixtray::net;

TEST_CASE("endpoints parse in their three forms") {
  const auto unix_socket = parse_endpoint("unix:/run/nixtray/agent.sock");
  CHECK(unix_socket.kind == Endpoint::Kind::unix_socket);
  CHECK(unix_socket.path == "/run/nixtray/agent.sock");
  const auto tcp = parse_endpoint("tcp:127.0.0.1:7428");
  CHECK(tcp.kind == Endpoint::Kind::tcp);
  CHECK(tcp.host == "127.0.0.1");
  CHECK(tcp.port == 7428);
  CHECK(parse_endpoint("tcp:[::1]:7428").host == "::1");
  const auto command =
      parse_endpoint(R"(exec:wsl.exe -d "My Distro" --exec /run/current-system/sw/bin/nixtray-agent bridge)");
  CHECK(command.kind == Endpoint::Kind::command);
  CHECK(command.argv == std::vector<std::string>{"wsl.exe", "-d", "My Distro", "--exec",
                                                 "/run/current-system/sw/bin/nixtray-agent", "bridge"});
}

TEST_CASE("bad endpoints are refused with the accepted forms") {
  for (const auto* text :
       {"", "unix:", "tcp:host", "tcp:host:0", "tcp:host:99999", "tcp:host:12ab", "exec:", "exec:\"open", "http://x"}) {
    INFO(text);
    try {
      (void)parse_endpoint(text);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("unix:PATH") != std::string::npos);
    }
  }
}

TEST_CASE("command lines split without a shell") {
  CHECK(split_command_line("  a  b\tc ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_command_line(R"(a "b c" "d\"e" "f\\g" "")") == std::vector<std::string>{"a", "b c", "d\"e", "f\\g", ""});
  CHECK(split_command_line("$(rm -rf /) ; `x`") == std::vector<std::string>{"$(rm", "-rf", "/)", ";", "`x`"});
}
