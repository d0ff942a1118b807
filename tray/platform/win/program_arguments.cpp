#include "core/system/program_arguments.hpp"

#include "nixtray/net/windows_child.hpp"

// <windows.h> first: <shellapi.h> needs its declarations.
#include <windows.h>

#include <shellapi.h>

namespace nixtray::tray {

std::vector<std::string> program_arguments(int, char**) {
  int count = 0;
  wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
  std::vector<std::string> args;
  for (int i = 1; i < count; ++i) args.push_back(net::windows::narrow(wide[i]));
  ::LocalFree(wide);
  return args;
}

}  // namespace nixtray::tray
