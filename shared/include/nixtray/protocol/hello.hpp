// hello: the first request of every connection.
#pragma once

#include "nixtray/protocol/method.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

inline constexpr int protocol_version = 1;

struct HelloParams {
  int protocol = protocol_version;
  std::string client;                // "<name>/<version>"
  std::optional<std::string> token;  // hex; required on TCP, ignored on the Unix socket
};
void to_json(json& j, const HelloParams& p);
void from_json(const json& j, HelloParams& p);

struct HelloResult {
  int protocol = protocol_version;
  std::string agent;                 // agent version
  bool authorized = false;           // may this peer call mutating methods?
  std::vector<std::string> methods;  // methods this agent implements
};
void to_json(json& j, const HelloResult& r);
void from_json(const json& j, HelloResult& r);

struct HelloMethod {
  static constexpr std::string_view name = "hello";
  static constexpr bool mutating = false;
  using Params = HelloParams;
  using Result = HelloResult;
};

}  // namespace nixtray::protocol
