#include "nix/nix_gc_settings.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace nixtray::agent {

namespace {

std::string_view trimmed(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

void NixGcSettings::apply(std::string_view conf) {
  while (!conf.empty()) {
    const auto end = conf.find('\n');
    auto line = conf.substr(0, end);
    conf = end == std::string_view::npos ? std::string_view() : conf.substr(end + 1);
    if (const auto comment = line.find('#'); comment != std::string_view::npos) line = line.substr(0, comment);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const auto name = trimmed(line.substr(0, equals));
    const auto value = trimmed(line.substr(equals + 1));
    if (value != "true" && value != "false") continue;
    if (name == "keep-derivations" || name == "gc-keep-derivations") keep_derivations = value == "true";
    if (name == "keep-outputs" || name == "gc-keep-outputs") keep_outputs = value == "true";
  }
}

NixGcSettings NixGcSettings::from_environment() {
  NixGcSettings settings;
  const char* dir = std::getenv("NIX_CONF_DIR");
  std::ifstream file(std::string(dir && *dir ? dir : "/etc/nix") + "/nix.conf");
  if (file) {
    std::ostringstream text;
    text << file.rdbuf();
    settings.apply(text.str());
  }
  if (const char* config = std::getenv("NIX_CONFIG")) settings.apply(config);
  return settings;
}

}  // namespace nixtray::agent
