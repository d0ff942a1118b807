#include "core/system/this_program.hpp"

#include <windows.h>

#include <string>

namespace nixtray::tray {

std::filesystem::path this_program_path() {
  std::wstring buffer(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length = ::GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (length == 0) return {};
    if (length < buffer.size()) {
      buffer.resize(length);
      return std::filesystem::path(buffer);
    }
    buffer.resize(buffer.size() * 2);  // cut short: a longer path than MAX_PATH
  }
}

void print_utf8_to_console() { ::SetConsoleOutputCP(CP_UTF8); }

}  // namespace nixtray::tray
