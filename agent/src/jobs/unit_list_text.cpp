#include "jobs/unit_list_text.hpp"

namespace nixtray::agent {

namespace {

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool looks_like_unit_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
  for (const char c : name.substr(0, dot)) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '@' ||
                         c == '.' || c == '_' || c == '\\' || c == ':' || c == '-';
    if (!allowed) return false;
  }
  for (const char c : name.substr(dot + 1)) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

std::vector<std::string> parse_unit_list(std::string_view list) {
  std::vector<std::string> units;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto unit = trim_spaces(list.substr(0, comma));
    if (looks_like_unit_name(unit)) units.emplace_back(unit);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return units;
}

}  // namespace nixtray::agent
