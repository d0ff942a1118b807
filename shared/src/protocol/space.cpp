#include "nixtray/protocol/space.hpp"

namespace nixtray::protocol {

void to_json(json& j, const RootLink& r) { j = json{{"link", r.link}, {"target", r.target}}; }

void from_json(const json& j, RootLink& r) {
  read_required(j, "link", r.link);
  read_required(j, "target", r.target);
}

void to_json(json& j, const RootGroup& g) {
  j = json{{"kind", g.kind},   {"location", g.location},       {"link_count", g.link_count},
           {"links", g.links}, {"keeps_bytes", g.keeps_bytes}, {"keeps_paths", g.keeps_paths}};
}

void from_json(const json& j, RootGroup& g) {
  read_required(j, "kind", g.kind);
  read_required(j, "location", g.location);
  read_required(j, "link_count", g.link_count);
  read_required(j, "links", g.links);
  read_required(j, "keeps_bytes", g.keeps_bytes);
  read_required(j, "keeps_paths", g.keeps_paths);
}

void to_json(json& j, const GenerationSpace& g) {
  j = json{{"number", g.number}, {"frees_bytes", g.frees_bytes}, {"frees_paths", g.frees_paths}, {"kept", g.kept}};
}

void from_json(const json& j, GenerationSpace& g) {
  read_required(j, "number", g.number);
  read_required(j, "frees_bytes", g.frees_bytes);
  read_required(j, "frees_paths", g.frees_paths);
  read_required(j, "kept", g.kept);
}

void to_json(json& j, const CleanupOption& c) {
  j = json{{"keep", c.keep}, {"deletes", c.deletes}, {"frees_bytes", c.frees_bytes}, {"frees_paths", c.frees_paths}};
}

void from_json(const json& j, CleanupOption& c) {
  read_required(j, "keep", c.keep);
  read_required(j, "deletes", c.deletes);
  read_required(j, "frees_bytes", c.frees_bytes);
  read_required(j, "frees_paths", c.frees_paths);
}

void to_json(json& j, const StoreUsage& u) {
  j = json{{"system", u.system},
           {"roots", u.roots},
           {"old_generations", u.old_generations},
           {"garbage", u.garbage},
           {"other", u.other}};
}

void from_json(const json& j, StoreUsage& u) {
  read_required(j, "system", u.system);
  read_required(j, "roots", u.roots);
  read_required(j, "old_generations", u.old_generations);
  read_required(j, "garbage", u.garbage);
  read_required(j, "other", u.other);
}

void to_json(json& j, const SpaceReport& r) {
  j = json{{"store_dir", r.store_dir},
           {"free_bytes", r.free_bytes},
           {"total_bytes", r.total_bytes},
           {"store_bytes", r.store_bytes},
           {"store_paths", r.store_paths},
           {"garbage_bytes", r.garbage_bytes},
           {"garbage_paths", r.garbage_paths},
           {"usage", r.usage},
           {"generations", r.generations},
           {"cleanup", r.cleanup},
           {"roots", r.roots},
           {"computed", r.computed}};
}

void from_json(const json& j, SpaceReport& r) {
  read_required(j, "store_dir", r.store_dir);
  read_required(j, "free_bytes", r.free_bytes);
  read_required(j, "total_bytes", r.total_bytes);
  read_required(j, "store_bytes", r.store_bytes);
  read_required(j, "store_paths", r.store_paths);
  read_required(j, "garbage_bytes", r.garbage_bytes);
  read_required(j, "garbage_paths", r.garbage_paths);
  read_required(j, "usage", r.usage);
  read_required(j, "generations", r.generations);
  read_required(j, "cleanup", r.cleanup);
  read_required(j, "roots", r.roots);
  read_required(j, "computed", r.computed);
}

void to_json(json& j, const SpaceParams& p) { j = json{{"refresh", p.refresh}}; }

void from_json(const json& j, SpaceParams& p) { read_defaulted(j, "refresh", p.refresh); }

}  // namespace nixtray::protocol
