// Who logs in to a generation: its user database (the generation's own etc/passwd when it has
// one, else the running system's, since NixOS writes /etc/passwd when it activates) and WSL's
// default user ([user] default of the generation's etc/wsl.conf).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::agent {

struct PasswdEntry {
  std::string name;
  std::optional<int> uid;  // nullopt when the field is not a number
  std::string home;
  std::string shell;  // "" when none is set (/bin/sh is used)
};

// The entry of `user` in passwd(5) text.
std::optional<PasswdEntry> find_passwd_entry(const std::string& passwd, const std::string& user);

struct UserDatabase {
  std::optional<std::string> text;  // nullopt when it cannot be read
  bool from_generation = false;
  std::string description;  // for messages: "generation 3's etc/passwd"
};

// `generation_name` names the generation in descriptions ("generation 3").
UserDatabase user_database(const std::filesystem::path& generation_root, const std::string& generation_name,
                           const std::filesystem::path& live_passwd);

}  // namespace nixtray::agent
