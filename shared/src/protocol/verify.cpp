#include "nixtray/protocol/verify.hpp"

namespace nixtray::protocol {

void to_json(json& j, const PreflightParams& p) {
  j = json::object();
  if (p.number) {
    j["number"] = *p.number;
  }
}

void from_json(const json& j, PreflightParams& p) {
  read_optional(j, "number", p.number);
  if (p.number) {
    require_generation_number(*p.number, "number");
  }
}

void to_json(json& j, const PreflightCheck& c) {
  j = json{{"name", c.name}, {"status", c.status}, {"message", c.message}};
}

void from_json(const json& j, PreflightCheck& c) {
  read_required(j, "name", c.name);
  read_required(j, "status", c.status);
  read_required(j, "message", c.message);
}

void to_json(json& j, const PreflightResult& r) {
  j = json{{"number", r.number}, {"verdict", r.verdict}, {"checks", r.checks}};
}

void from_json(const json& j, PreflightResult& r) {
  read_required(j, "number", r.number);
  read_required(j, "verdict", r.verdict);
  read_required(j, "checks", r.checks);
}

}  // namespace nixtray::protocol
