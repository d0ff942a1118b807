#include "nixtray/protocol/flake_update.hpp"

namespace nixtray::protocol {

void to_json(json& j, const LockedInput& l) { j = json{{"revision", l.revision}, {"date", optional_to_json(l.date)}}; }

void from_json(const json& j, LockedInput& l) {
  read_required(j, "revision", l.revision);
  read_optional(j, "date", l.date);
}

void to_json(json& j, const InputChange& c) {
  j = json{{"name", c.name}, {"source", c.source}, {"from", optional_to_json(c.from)}, {"to", optional_to_json(c.to)}};
}

void from_json(const json& j, InputChange& c) {
  read_required(j, "name", c.name);
  read_required(j, "source", c.source);
  read_optional(j, "from", c.from);
  read_optional(j, "to", c.to);
}

void to_json(json& j, const FlakeUpdate& u) { j = json{{"lock_file", u.lock_file}, {"inputs", u.inputs}}; }

void from_json(const json& j, FlakeUpdate& u) {
  read_required(j, "lock_file", u.lock_file);
  read_required(j, "inputs", u.inputs);
}

}  // namespace nixtray::protocol
