#include "verify/wsl_conf.hpp"

#include <algorithm>
#include <cctype>

namespace nixtray::agent {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return std::tolower(c); });
  return result;
}

}  // namespace

std::optional<std::string> WslConf::value(std::string_view section, std::string_view key) const {
  const auto s = sections.find(lower(section));
  if (s == sections.end()) return std::nullopt;
  const auto k = s->second.find(lower(key));
  if (k == s->second.end()) return std::nullopt;
  return k->second;
}

std::optional<bool> WslConf::boolean(std::string_view section, std::string_view key, std::string& problem) const {
  const auto text = value(section, key);
  if (!text) return std::nullopt;
  const auto word = lower(*text);
  if (word == "true") return true;
  if (word == "false") return false;
  problem = "[" + std::string(section) + "] " + std::string(key) + " = " + *text + " is not true or false";
  return std::nullopt;
}

WslConf parse_wsl_conf(std::string_view text) {
  WslConf conf;
  std::string section;
  int number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    const std::string where = "line " + std::to_string(number) + ": ";
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || trim(line.substr(1, line.size() - 2)).empty()) {
        conf.errors.push_back(where + "\"" + std::string(line) + "\" is not a [section] header");
        continue;
      }
      section = lower(trim(line.substr(1, line.size() - 2)));
      conf.sections[section];
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos || trim(line.substr(0, equals)).empty()) {
      conf.errors.push_back(where + "\"" + std::string(line) + "\" is not key = value");
      continue;
    }
    if (section.empty()) {
      conf.errors.push_back(where + "\"" + std::string(line) + "\" comes before any [section]");
      continue;
    }
    auto value = trim(line.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    conf.sections[section][lower(trim(line.substr(0, equals)))] = std::string(value);
  }
  return conf;
}

bool is_valid_user_name(std::string_view name) {
  if (name.ends_with('$')) name.remove_suffix(1);
  if (name.empty() || name.size() > 32) return false;
  const auto first = static_cast<unsigned char>(name.front());
  if (!(std::islower(first) || first == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; });
}

}  // namespace nixtray::agent
