// Finds a nixos-rebuild (or a switch-to-configuration) started outside nixtray, so that a job is
// not started on top of it. Looks at /proc. Only processes running as root count: changing the
// system takes root, and any user can name a process anything (`exec -a nixos-rebuild sleep 600`),
// so a name alone must not be able to block every job. Processes of nixtray's own job units (a
// cgroup named exactly nixtray-job-<id>.service) do not count either.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::agent {

// "nixos-rebuild (pid 4242)", or nullopt when none runs.
std::optional<std::string> find_external_rebuild(const std::filesystem::path& proc = "/proc");

}  // namespace nixtray::agent
