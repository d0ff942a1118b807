#include "nixtray/protocol/generations.hpp"

namespace nixtray::protocol {

void to_json(json& j, const Generation& g) {
  j = json{{"number", g.number},
           {"path", g.path},
           {"created", g.created},
           {"nixos_version", optional_to_json(g.nixos_version)},
           {"configuration_revision", optional_to_json(g.configuration_revision)},
           {"closure_size", optional_to_json(g.closure_size)},
           {"default", g.is_default},
           {"current", g.current},
           {"booted", g.booted},
           {"known_good", g.known_good},
           {"problem", optional_to_json(g.problem)}};
}

void from_json(const json& j, Generation& g) {
  read_required(j, "number", g.number);
  read_required(j, "path", g.path);
  read_required(j, "created", g.created);
  read_optional(j, "nixos_version", g.nixos_version);
  read_optional(j, "configuration_revision", g.configuration_revision);
  read_optional(j, "closure_size", g.closure_size);
  read_required(j, "default", g.is_default);
  read_required(j, "current", g.current);
  read_required(j, "booted", g.booted);
  read_required(j, "known_good", g.known_good);
  read_optional(j, "problem", g.problem);
}

void to_json(json& j, const GenerationsList& r) { j = json{{"generations", r.generations}}; }

void from_json(const json& j, GenerationsList& r) { read_required(j, "generations", r.generations); }

void to_json(json& j, const GenerationsDiffParams& p) {
  j = json{{"from", p.from}};
  put_if(j, "to", p.to);
  put_if(j, "to_path", p.to_path);
}

void from_json(const json& j, GenerationsDiffParams& p) {
  read_required(j, "from", p.from);
  read_optional(j, "to", p.to);
  read_optional(j, "to_path", p.to_path);
  require_generation_number(p.from, "from");
  if (p.to.has_value() == p.to_path.has_value()) {
    throw RpcException(ErrorCode::invalid_params,
                       p.to ? "to and to_path exclude each other: give one"
                            : "to (a generation number) or to_path (a store path) is required");
  }
  if (p.to) {
    require_generation_number(*p.to, "to");
  }
  if (p.to_path && (p.to_path->empty() || p.to_path->front() != '/')) {
    throw RpcException(ErrorCode::invalid_params,
                       "to_path must be an absolute store path, e.g. a build job's result_path");
  }
}

void to_json(json& j, const PackageChange& c) {
  j = json{{"name", c.name},
           {"kind", c.kind},
           {"from", c.from_versions},
           {"to", c.to_versions},
           {"size_delta", c.size_delta}};
}

void from_json(const json& j, PackageChange& c) {
  read_required(j, "name", c.name);
  read_required(j, "kind", c.kind);
  read_required(j, "from", c.from_versions);
  read_required(j, "to", c.to_versions);
  read_required(j, "size_delta", c.size_delta);
}

bool is_negligible(const PackageChange& change) {
  constexpr std::int64_t shown_from = 8 * 1024;
  return change.kind == PackageChangeKind::resized && change.size_delta > -shown_from && change.size_delta < shown_from;
}

void to_json(json& j, const GenerationsDiff& r) {
  j = json{{"from", r.from},
           {"to", optional_to_json(r.to)},
           {"changes", r.changes},
           {"from_closure_size", r.from_closure_size},
           {"to_closure_size", r.to_closure_size}};
  put_if(j, "to_path", r.to_path);
}

void from_json(const json& j, GenerationsDiff& r) {
  read_required(j, "from", r.from);
  read_optional(j, "to", r.to);
  read_optional(j, "to_path", r.to_path);
  read_required(j, "changes", r.changes);
  read_required(j, "from_closure_size", r.from_closure_size);
  read_required(j, "to_closure_size", r.to_closure_size);
}

void to_json(json& j, const MarkGoodParams& p) { j = json{{"number", p.number}}; }

void from_json(const json& j, MarkGoodParams& p) {
  read_required(j, "number", p.number);
  require_generation_number(p.number, "number");
}

void to_json(json& j, const MarkGoodResult& r) { j = json{{"known_good", r.known_good}}; }

void from_json(const json& j, MarkGoodResult& r) { read_required(j, "known_good", r.known_good); }

}  // namespace nixtray::protocol
