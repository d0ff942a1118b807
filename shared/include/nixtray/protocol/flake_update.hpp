// A flake's inputs updated in a copy before anything changes: Job.update of a rebuild job with
// `update` (what moved between the configuration's flake.lock and the updated one), and
// Job.lock_written of the switch or boot that activated that job's result.
#pragma once

#include "nixtray/protocol/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

// One locked input as flake.lock pins it.
struct LockedInput {
  std::string revision;              // the git revision, else the content hash (narHash)
  std::optional<std::int64_t> date;  // lastModified: unix time of that revision
};
void to_json(json& j, const LockedInput& l);
void from_json(const json& j, LockedInput& l);

// An input whose pin changed: `from` null for one the update added, `to` null for one it dropped.
struct InputChange {
  std::string name;    // the node's name in flake.lock, e.g. "nixpkgs" or "home-manager/nixpkgs"
  std::string source;  // where it comes from, as written in flake.nix: "github:NixOS/nixpkgs/nixos-24.11"
  std::optional<LockedInput> from;
  std::optional<LockedInput> to;
};
void to_json(json& j, const InputChange& c);
void from_json(const json& j, InputChange& c);

struct FlakeUpdate {
  std::string lock_file;            // the configuration's flake.lock, which a switch would replace
  std::vector<InputChange> inputs;  // the inputs that moved; empty when nothing newer was found
};
void to_json(json& j, const FlakeUpdate& u);
void from_json(const json& j, FlakeUpdate& u);

}  // namespace nixtray::protocol
