// NixOS generations: generations.list (also the `generations` topic), generations.diff,
// generations.mark_good.
#pragma once

#include "nixtray/protocol/method.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

struct Generation {
  int number = 0;
  std::string path;                                   // store path the system-N-link points to
  std::int64_t created = 0;                           // unix seconds (the link's mtime, as nix-env reports it)
  std::optional<std::string> nixos_version;           // <gen>/nixos-version
  std::optional<std::string> configuration_revision;  // <gen>/configuration-revision
  std::optional<std::int64_t> closure_size;           // bytes, when known cheaply
  bool is_default = false;                            // wire: "default"
  bool current = false;
  bool booted = false;
  bool known_good = false;
  std::optional<std::string> problem;  // why this generation is unusable (dangling link, ...)
};
void to_json(json& j, const Generation& g);
void from_json(const json& j, Generation& g);

struct GenerationsList {
  std::vector<Generation> generations;  // newest first
};
void to_json(json& j, const GenerationsList& r);
void from_json(const json& j, GenerationsList& r);

struct GenerationsListMethod {
  static constexpr std::string_view name = "generations.list";
  static constexpr bool mutating = false;
  using Params = NoParams;
  using Result = GenerationsList;
};

// Exactly one of `to` and `to_path`: the "after" side is a generation, or a store path that is
// not (yet) one, such as a build job's result_path, so a build can be reviewed before activating.
struct GenerationsDiffParams {
  int from = 0;
  std::optional<int> to;
  std::optional<std::string> to_path;  // checked here only for shape; the agent checks the store
};
void to_json(json& j, const GenerationsDiffParams& p);
void from_json(const json& j, GenerationsDiffParams& p);

enum class PackageChangeKind { unknown, added, removed, changed, resized };
NLOHMANN_JSON_SERIALIZE_ENUM(PackageChangeKind, {
                                                    {PackageChangeKind::unknown, "unknown"},
                                                    {PackageChangeKind::added, "added"},
                                                    {PackageChangeKind::removed, "removed"},
                                                    {PackageChangeKind::changed, "changed"},
                                                    {PackageChangeKind::resized, "resized"},
                                                })

// One package name whose versions or size differ between the closures, as
// `nix store diff-closures` groups them.
struct PackageChange {
  std::string name;
  PackageChangeKind kind = PackageChangeKind::unknown;
  std::vector<std::string> from_versions;  // wire: "from"; "" stands for a path without version
  std::vector<std::string> to_versions;    // wire: "to"
  std::int64_t size_delta = 0;             // bytes
};
void to_json(json& j, const PackageChange& c);
void from_json(const json& j, PackageChange& c);

// A size-only change under 8 KiB, which `nix store diff-closures` does not show either: store paths
// of unchanged packages often differ by a few bytes. Clients list such changes only on request.
bool is_negligible(const PackageChange& change);

struct GenerationsDiff {
  int from = 0;
  std::optional<int> to;               // null when the request named to_path
  std::optional<std::string> to_path;  // as requested; omitted on the wire when not asked
  std::vector<PackageChange> changes;  // sorted by name
  std::int64_t from_closure_size = 0;
  std::int64_t to_closure_size = 0;
};
void to_json(json& j, const GenerationsDiff& r);
void from_json(const json& j, GenerationsDiff& r);

struct GenerationsDiffMethod {
  static constexpr std::string_view name = "generations.diff";
  static constexpr bool mutating = false;
  using Params = GenerationsDiffParams;
  using Result = GenerationsDiff;
};

struct MarkGoodParams {
  int number = 0;
};
void to_json(json& j, const MarkGoodParams& p);
void from_json(const json& j, MarkGoodParams& p);

struct MarkGoodResult {
  int known_good = 0;
};
void to_json(json& j, const MarkGoodResult& r);
void from_json(const json& j, MarkGoodResult& r);

struct GenerationsMarkGoodMethod {
  static constexpr std::string_view name = "generations.mark_good";
  static constexpr bool mutating = true;
  using Params = MarkGoodParams;
  using Result = MarkGoodResult;
};

}  // namespace nixtray::protocol
