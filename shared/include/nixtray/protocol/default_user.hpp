// status.default_user: who `wsl.exe -d <distro>` logs in as in the booted generation, and the
// systemd user session WSL starts for them. A verify's console step logs in as this user and then
// checks that `session_unit` is active.
#pragma once

#include "nixtray/protocol/json.hpp"

#include <optional>
#include <string>

namespace nixtray::protocol {

struct DefaultUser {
  std::string name;                         // etc/wsl.conf [user] default
  std::optional<int> uid;                   // from the user database; null when the user is not in it
  std::optional<std::string> shell;         // the login shell named there; null when not in it
  std::optional<std::string> session_unit;  // "user@<uid>.service"; null when the uid is unknown
};
void to_json(json& j, const DefaultUser& u);
void from_json(const json& j, DefaultUser& u);

}  // namespace nixtray::protocol
