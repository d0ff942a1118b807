#include "nixtray/protocol/units.hpp"

namespace nixtray::protocol {

void to_json(json& j, const Unit& u) {
  j = json{{"name", u.name},
           {"description", u.description},
           {"load_state", u.load_state},
           {"active_state", u.active_state},
           {"sub_state", u.sub_state},
           {"result", u.result},
           {"since", optional_to_json(u.since)}};
}

void from_json(const json& j, Unit& u) {
  read_required(j, "name", u.name);
  read_required(j, "description", u.description);
  read_required(j, "load_state", u.load_state);
  read_required(j, "active_state", u.active_state);
  read_required(j, "sub_state", u.sub_state);
  read_required(j, "result", u.result);
  read_optional(j, "since", u.since);
}

bool operator==(const Unit& a, const Unit& b) {
  return a.name == b.name && a.description == b.description && a.load_state == b.load_state &&
         a.active_state == b.active_state && a.sub_state == b.sub_state && a.result == b.result && a.since == b.since;
}

void to_json(json& j, const UnitsListParams& p) { j = json{{"failed_only", p.failed_only}}; }

void from_json(const json& j, UnitsListParams& p) { read_defaulted(j, "failed_only", p.failed_only); }

void to_json(json& j, const UnitsListResult& r) { j = json{{"units", r.units}}; }

void from_json(const json& j, UnitsListResult& r) { read_required(j, "units", r.units); }

void to_json(json& j, const UnitsLogParams& p) { j = json{{"unit", p.unit}, {"lines", p.lines}}; }

void from_json(const json& j, UnitsLogParams& p) {
  read_required(j, "unit", p.unit);
  read_defaulted(j, "lines", p.lines);
  require_in_range(p.lines, 1, 1000, "lines");
  if (p.unit.empty()) {
    throw RpcException(ErrorCode::invalid_params, "unit must not be empty");
  }
}

void to_json(json& j, const JournalLine& l) {
  j = json{{"time", l.time}, {"priority", l.priority}, {"message", l.message}};
}

void from_json(const json& j, JournalLine& l) {
  read_required(j, "time", l.time);
  read_required(j, "priority", l.priority);
  read_required(j, "message", l.message);
}

void to_json(json& j, const UnitsLogResult& r) { j = json{{"unit", r.unit}, {"lines", r.lines}}; }

void from_json(const json& j, UnitsLogResult& r) {
  read_required(j, "unit", r.unit);
  read_required(j, "lines", r.lines);
}

void to_json(json& j, const UnitsChanged& e) { j = json{{"changed", e.changed}, {"removed", e.removed}}; }

void from_json(const json& j, UnitsChanged& e) {
  read_required(j, "changed", e.changed);
  read_required(j, "removed", e.removed);
}

}  // namespace nixtray::protocol
