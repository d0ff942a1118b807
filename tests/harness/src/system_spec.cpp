#include "nixtray/testing/system_spec.hpp"

namespace nixtray::testing {

std::string SystemSpec::store_name_label() const {
  // Store path names allow [A-Za-z0-9+-._?=]; NixOS names toplevels "nixos-system-<host>-<version>" without
  // the codename, so everything from the first space on is dropped.
  std::string name = label.substr(0, label.find(' '));
  for (char& c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                         c == '-' || c == '.' || c == '_' || c == '?' || c == '=';
    if (!allowed) c = '-';
  }
  return name.empty() ? std::string("unnamed") : name;
}

}  // namespace nixtray::testing
