#include "nixtray/net/endpoint.hpp"

#include <charconv>
#include <stdexcept>

namespace nixtray::net {
namespace {

constexpr std::string_view accepted_forms = "unix:PATH, tcp:HOST:PORT or exec:COMMAND [ARGS...]";

[[noreturn]] void reject(std::string_view text, std::string_view why) {
  throw std::invalid_argument("bad agent address \"" + std::string(text) + "\": " + std::string(why) + " (use " +
                              std::string(accepted_forms) + ")");
}

}  // namespace

Endpoint parse_endpoint(std::string_view text) {
  Endpoint endpoint;
  if (text.starts_with("unix:")) {
    endpoint.kind = Endpoint::Kind::unix_socket;
    endpoint.path = std::string(text.substr(5));
    if (endpoint.path.empty()) {
      reject(text, "the socket path is empty");
    }
  } else if (text.starts_with("tcp:")) {
    endpoint.kind = Endpoint::Kind::tcp;
    const auto rest = text.substr(4);
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      reject(text, "expected HOST:PORT");
    }
    endpoint.host = std::string(rest.substr(0, colon));
    if (endpoint.host.size() > 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']') {
      endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
    }
    const auto port_text = rest.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      reject(text, "the port must be a number from 1 to 65535");
    }
    endpoint.port = static_cast<std::uint16_t>(port);
  } else if (text.starts_with("exec:")) {
    endpoint.kind = Endpoint::Kind::command;
    try {
      endpoint.argv = split_command_line(text.substr(5));
    } catch (const std::invalid_argument& e) {
      reject(text, e.what());
    }
    if (endpoint.argv.empty()) {
      reject(text, "the command is empty");
    }
  } else {
    reject(text, "unknown transport");
  }
  return endpoint;
}

std::string to_string(const Endpoint& endpoint) {
  switch (endpoint.kind) {
    case Endpoint::Kind::unix_socket:
      return "unix:" + endpoint.path;
    case Endpoint::Kind::tcp:
      return "tcp:" + endpoint.host + ":" + std::to_string(endpoint.port);
    case Endpoint::Kind::command: {
      std::string text = "exec:";
      for (std::size_t i = 0; i < endpoint.argv.size(); ++i) {
        text += (i > 0 ? " " : "") + endpoint.argv[i];
      }
      return text;
    }
  }
  return {};
}

std::vector<std::string> split_command_line(std::string_view text) {
  std::vector<std::string> argv;
  std::string current;
  bool in_word = false;
  bool in_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
        current.push_back(text[++i]);
      } else if (c == '"') {
        in_quotes = false;
      } else {
        current.push_back(c);
      }
    } else if (c == '"') {
      in_quotes = true;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) {
        argv.push_back(std::move(current));
        current.clear();
        in_word = false;
      }
    } else {
      current.push_back(c);
      in_word = true;
    }
  }
  if (in_quotes) {
    throw std::invalid_argument("unterminated double quote in command: " + std::string(text));
  }
  if (in_word) {
    argv.push_back(std::move(current));
  }
  return argv;
}

}  // namespace nixtray::net
