// Repoints the system profile (<profile dir>/system) at an existing generation the way
// `nix-env -p ... --switch-generation N` does, without needing nix-env: under the profile's lock
// (<profile>.lock, flock, as Nix takes it), a new relative symlink `system -> system-N-link` is
// renamed over the old one, so a reader sees either the old or the new generation, never none.
// Used by `nixtray-agent rescue rollback`, which must work with nothing but the agent's binary.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>

namespace nixtray::agent {

class ProfileSwitchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ProfileSwitch {
  std::optional<int> before;  // the generation `system` pointed at
  int after = 0;
};

// Throws ProfileSwitchError with a message naming the path and the reason (no such generation,
// its store path is gone, the lock is held, the directory is not writable).
ProfileSwitch switch_system_profile(const std::filesystem::path& profile_dir, int number,
                                    std::chrono::milliseconds lock_timeout = std::chrono::seconds(10));

}  // namespace nixtray::agent
