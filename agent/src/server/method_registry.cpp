#include "server/method_registry.hpp"

namespace nixtray::agent {

const MethodRegistry::Entry* MethodRegistry::find(std::string_view name) const {
  const auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> MethodRegistry::names() const {
  std::vector<std::string> result;
  for (const auto& [name, entry] : entries_) {
    result.push_back(name);
  }
  return result;
}

}  // namespace nixtray::agent
