// hello, the first request of every connection, and auth, the second half of the TCP handshake
// (docs/protocol.md §3.2, §6.1, §6.2).
#pragma once

#include "nixtray/protocol/method.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

// The protocol this code speaks. An agent also answers clients of older versions, down to
// oldest_protocol_version, in their version (on the Unix socket and the bridge; TCP needs 2).
inline constexpr int protocol_version = 2;
inline constexpr int oldest_protocol_version = 1;

struct HelloParams {
  int protocol = protocol_version;
  std::string client;                // "<name>/<version>"
  std::optional<std::string> nonce;  // TCP: the client's fresh nonce, 64 lowercase hex; else ignored
};
void to_json(json& j, const HelloParams& p);
void from_json(const json& j, HelloParams& p);

struct HelloResult {
  int protocol = protocol_version;
  std::string agent;                 // agent version
  bool authorized = false;           // may this peer call mutating methods? (TCP: false until auth)
  std::vector<std::string> methods;  // methods this agent implements
  // TCP only (omitted elsewhere): the agent's fresh nonce and its proof of the token.
  std::optional<std::string> nonce;
  std::optional<std::string> proof;
};
void to_json(json& j, const HelloResult& r);
void from_json(const json& j, HelloResult& r);

struct HelloMethod {
  static constexpr std::string_view name = "hello";
  static constexpr bool mutating = false;
  using Params = HelloParams;
  using Result = HelloResult;
};

struct AuthParams {
  std::string proof;  // the client's proof of the token, 64 lowercase hex
};
void to_json(json& j, const AuthParams& p);
void from_json(const json& j, AuthParams& p);

struct AuthResult {
  bool authorized = true;
};
void to_json(json& j, const AuthResult& r);
void from_json(const json& j, AuthResult& r);

struct AuthMethod {
  static constexpr std::string_view name = "auth";
  static constexpr bool mutating = false;
  using Params = AuthParams;
  using Result = AuthResult;
};

}  // namespace nixtray::protocol
