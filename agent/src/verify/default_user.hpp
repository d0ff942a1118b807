// status.default_user: whom `wsl.exe -d <distro>` logs in as in the booted generation ([user]
// default of its etc/wsl.conf) and the systemd user session WSL starts for them
// (user@<uid>.service). Without a [user] default WSL uses the user registered with the distro,
// which only Windows knows: then there is nothing to say (nullopt).
#pragma once

#include "nixtray/protocol/default_user.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::agent {

std::optional<protocol::DefaultUser> read_default_user(const std::filesystem::path& generation_root,
                                                       const std::string& generation_name,
                                                       const std::filesystem::path& live_passwd = "/etc/passwd");

}  // namespace nixtray::agent
