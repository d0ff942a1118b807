// File names as UTF-8 text, both ways, on every platform. The project's strings are UTF-8 (argv,
// messages, wx through FromUTF8); path::string() and path(std::string) use the ANSI code page on
// Windows, which cannot hold every name.
#pragma once

#include <filesystem>
#include <string>

namespace nixtray::tray {

inline std::string path_text(const std::filesystem::path& path) {
  const auto text = path.u8string();
  return std::string(reinterpret_cast<const char*>(text.data()), text.size());
}

inline std::filesystem::path path_from_text(const std::string& utf8) {
  return std::filesystem::path(std::u8string(reinterpret_cast<const char8_t*>(utf8.data()), utf8.size()));
}

}  // namespace nixtray::tray
