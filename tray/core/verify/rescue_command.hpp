// The rollback from outside the distro, for when its agent does not answer: the good generation's
// own nixtray-agent repoints the system profile (`rescue rollback`), run as root with absolute
// paths only (`wsl.exe --exec` has no PATH, and a broken generation may have no working login).
// The next start boots that generation.
#pragma once

#include <string>
#include <vector>

namespace nixtray::tray {

// Where the system profile is inside the distro unless the settings say otherwise.
inline const std::string default_distro_profile_dir = "/nix/var/nix/profiles";

// Paths inside the distro are POSIX paths whatever the host is: joined with '/', never with
// std::filesystem (which would use '\\' on Windows).
inline std::string generation_link(const std::string& profile_dir, int generation) {
  return profile_dir + (profile_dir.ends_with('/') ? "" : "/") + "system-" + std::to_string(generation) + "-link";
}

inline std::vector<std::string> rescue_rollback_argv(const std::string& profile_dir, int generation) {
  return {generation_link(profile_dir, generation) + "/sw/bin/nixtray-agent",
          "rescue",
          "rollback",
          std::to_string(generation),
          "--profile-dir",
          profile_dir};
}

}  // namespace nixtray::tray
