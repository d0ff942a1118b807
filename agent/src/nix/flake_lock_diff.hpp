// What a `nix flake update` moved: the inputs of two flake.lock files (version 7, the format Nix
// has written since 2.4) compared by the path a person would name them by ("nixpkgs",
// "home-manager/nixpkgs"), as `nix flake update` itself reports "Updated input 'nixpkgs'". Pure
// functions on parsed JSON, no I/O.
#pragma once

#include "nixtray/protocol/flake_update.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nixtray::agent {

// The inputs whose pin differs between `before` and `after` (either may be null: no lock yet),
// sorted by name. Inputs that only follow another input are not listed on their own.
std::vector<protocol::InputChange> moved_inputs(const nlohmann::json& before, const nlohmann::json& after);

// An `original` node as a flake reference: "github:NixOS/nixpkgs/nixos-24.11",
// "git+file:///srv/pins?ref=main", "path:/etc/nixos/sub"; the type alone for what it cannot spell.
std::string flake_reference_of(const nlohmann::json& original);

}  // namespace nixtray::agent
