// The TCP token: 64 lowercase hex characters in a file (nixtray-agent token prints it). The tray
// proves it knows the token and never sends it (nixtray/net/agent_handshake.hpp).
#pragma once

#include "core/distro/distro_control.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::tray {

struct TokenRead {
  std::optional<std::string> token;
  std::string error;  // why there is no token, for a person
};

// Trailing whitespace is ignored. A token that is not 64 hex characters is still returned (the
// handshake decides), but an empty file is an error, and so is a file that is a link, is someone
// else's, or that others may read (nixtray/crypto/secret_file.hpp).
TokenRead read_token_file(const std::filesystem::path& file);

// Where the token is kept when the settings do not say: in the user's own profile, one file per
// distro (Windows: %LOCALAPPDATA%\nixtray\<distro>.token, written with a DACL for the user alone;
// elsewhere $XDG_CONFIG_HOME/nixtray/<distro>.token, mode 0600).
std::filesystem::path default_token_file(const std::string& distro);

// The agent's path inside a NixOS distro, for commands run from outside (no PATH with --exec).
inline constexpr const char* agent_path_in_distro = "/run/current-system/sw/bin/nixtray-agent";

// Fetches the token once from inside the distro (`nixtray-agent token`, as root through the
// distro control: wsl.exe -u root --exec) and writes it to `file`, readable by the user only from
// its creation on. Empty on success, else why not.
net::asio::awaitable<std::string> fetch_token(DistroControl& control, std::filesystem::path file);

}  // namespace nixtray::tray
