// How the boot verifier's step messages name things ("generation 5") and list them, shared by
// its parts (boot_verifier.cpp, boot_check.cpp, boot_recovery.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

inline std::string generation_text(int number) { return "generation " + std::to_string(number); }

inline std::string joined(const std::vector<std::string>& items, std::string_view separator = "; ") {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

}  // namespace nixtray::tray
