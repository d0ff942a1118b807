// /etc/wsl.conf as WSL reads it: an INI file of [section] headers and `key = value` lines, with
// `#` and `;` comments; section and key names are case-insensitive. Parsing keeps every problem
// (with its line number) instead of stopping at the first, so pre-flight can list them all.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::agent {

struct WslConf {
  // section (lower case) -> key (lower case) -> value (surrounding spaces and quotes removed)
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::vector<std::string> errors;  // "line 3: ..." for lines that are not INI

  [[nodiscard]] std::optional<std::string> value(std::string_view section, std::string_view key) const;
  // nullopt when absent; an error text in `problem` when present but not true/false.
  [[nodiscard]] std::optional<bool> boolean(std::string_view section, std::string_view key, std::string& problem) const;
};

WslConf parse_wsl_conf(std::string_view text);

// Whether `name` is a user name WSL and shadow accept ([a-z_][a-z0-9_-]*, an optional final $).
bool is_valid_user_name(std::string_view name);

}  // namespace nixtray::agent
