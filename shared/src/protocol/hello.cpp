#include "nixtray/protocol/hello.hpp"

namespace nixtray::protocol {

void to_json(json& j, const HelloParams& p) {
  j = json{{"protocol", p.protocol}, {"client", p.client}};
  put_if(j, "nonce", p.nonce);
}

void from_json(const json& j, HelloParams& p) {
  read_required(j, "protocol", p.protocol);
  read_required(j, "client", p.client);
  read_optional(j, "nonce", p.nonce);
  require_in_range(p.protocol, 1, 1'000'000, "protocol");
}

void to_json(json& j, const HelloResult& r) {
  j = json{{"protocol", r.protocol}, {"agent", r.agent}, {"authorized", r.authorized}, {"methods", r.methods}};
  put_if(j, "nonce", r.nonce);
  put_if(j, "proof", r.proof);
}

void from_json(const json& j, HelloResult& r) {
  read_required(j, "protocol", r.protocol);
  read_required(j, "agent", r.agent);
  read_required(j, "authorized", r.authorized);
  read_required(j, "methods", r.methods);
  read_optional(j, "nonce", r.nonce);
  read_optional(j, "proof", r.proof);
}

void to_json(json& j, const AuthParams& p) { j = json{{"proof", p.proof}}; }

void from_json(const json& j, AuthParams& p) { read_required(j, "proof", p.proof); }

void to_json(json& j, const AuthResult& r) { j = json{{"authorized", r.authorized}}; }

void from_json(const json& j, AuthResult& r) { read_required(j, "authorized", r.authorized); }

}  // namespace nixtray::protocol
