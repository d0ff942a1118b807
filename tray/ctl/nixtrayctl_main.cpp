#include "ctl/ctl_program.hpp"

#if defined(_WIN32)
#include "nixtray/net/windows_child.hpp"

#include <shellapi.h>
#include <windows.h>
#endif

int main(int argc, char** argv) {
#if defined(_WIN32)
  // The C runtime's argv is in the ANSI code page, which cannot hold every file name: read the
  // UTF-16 command line instead and pass UTF-8 on, as everywhere else.
  (void)argc;
  (void)argv;
  int count = 0;
  wchar_t** wide = CommandLineToArgvW(GetCommandLineW(), &count);
  std::vector<std::string> args;
  for (int i = 1; i < count; ++i) args.push_back(nixtray::net::windows::narrow(wide[i]));
  LocalFree(wide);
  return nixtray::ctl::run_nixtrayctl(args);
#else
  return nixtray::ctl::run_nixtrayctl(std::vector<std::string>(argv + 1, argv + argc));
#endif
}
