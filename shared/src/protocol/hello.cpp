#include "nixtray/protocol/hello.hpp"

namespace nixtray::protocol {

void to_json(json& j, const HelloParams& p) {
  j = json{{"protocol", p.protocol}, {"client", p.client}};
  if (p.token) {
    j["token"] = *p.token;
  }
}

void from_json(const json& j, HelloParams& p) {
  read_required(j, "protocol", p.protocol);
  read_required(j, "client", p.client);
  read_optional(j, "token", p.token);
  require_in_range(p.protocol, 1, 1'000'000, "protocol");
}

void to_json(json& j, const HelloResult& r) {
  j = json{{"protocol", r.protocol}, {"agent", r.agent}, {"authorized", r.authorized}, {"methods", r.methods}};
}

void from_json(const json& j, HelloResult& r) {
  read_required(j, "protocol", r.protocol);
  read_required(j, "agent", r.agent);
  read_required(j, "authorized", r.authorized);
  read_required(j, "methods", r.methods);
}

}  // namespace nixtray::protocol
