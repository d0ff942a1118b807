// Finds a nixos-rebuild (or a switch-to-configuration) started outside nixtray, so that a job
// is not started on top of it. Looks at /proc; processes of nixtray's own job units do not count.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::agent {

// "nixos-rebuild (pid 4242)", or nullopt when none runs.
std::optional<std::string> find_external_rebuild(const std::filesystem::path& proc = "/proc");

}  // namespace nixtray::agent
