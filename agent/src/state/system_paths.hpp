// Where the agent reads the system's state. Every path is an option so tests point the agent at
// a harness instead of the host.
#pragma once

#include <filesystem>
#include <optional>

namespace nixtray::agent {

struct SystemPaths {
  std::filesystem::path profile_dir = "/nix/var/nix/profiles";  // holds system, system-N-link
  std::filesystem::path current_system = "/run/current-system";
  std::filesystem::path booted_system = "/run/booted-system";
  std::filesystem::path state_dir = "/var/lib/nixtray";

  [[nodiscard]] std::filesystem::path system_profile() const { return profile_dir / "system"; }
};

}  // namespace nixtray::agent
