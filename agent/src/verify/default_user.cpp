#include "verify/default_user.hpp"

#include "support/atomic_file.hpp"
#include "verify/user_database.hpp"
#include "verify/wsl_conf.hpp"

namespace nixtray::agent {

std::optional<protocol::DefaultUser> read_default_user(const std::filesystem::path& generation_root,
                                                       const std::string& generation_name,
                                                       const std::filesystem::path& live_passwd) {
  const auto text = read_small_file(generation_root / "etc" / "wsl.conf");
  if (!text) return std::nullopt;
  const auto name = parse_wsl_conf(*text).value("user", "default");
  if (!name || !is_valid_user_name(*name)) return std::nullopt;
  protocol::DefaultUser user;
  user.name = *name;
  const auto users = user_database(generation_root, generation_name, live_passwd);
  if (const auto entry = users.text ? find_passwd_entry(*users.text, *name) : std::nullopt) {
    user.uid = entry->uid;
    user.shell = entry->shell.empty() ? "/bin/sh" : entry->shell;
    if (entry->uid) user.session_unit = "user@" + std::to_string(*entry->uid) + ".service";
  }
  return user;
}

}  // namespace nixtray::agent
