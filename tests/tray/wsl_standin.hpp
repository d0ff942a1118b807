// The wsl.exe stand-in of tests/support/wsl_standin.sh (a test stand-in, not WSL), behind a small
// wrapper that gives it its state directory, so no test changes its own environment. POSIX only.
#pragma once

#include "nixtray/testing/temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace nixtray::tray::fixtures {

// Returns the program to use as wsl.exe; its state lives in dir/wsl-state.
inline std::filesystem::path write_wsl_standin(const testing::TempDir& dir) {
  auto wrapper = dir / "wsl-standin";
  std::ofstream out(wrapper);
  out << "#!/bin/sh\nNIXTRAY_WSL_STANDIN_DIR='" << (dir / "wsl-state").string() << "' exec '"
      << NIXTRAY_WSL_STANDIN_SCRIPT << "' \"$@\"\n";
  out.close();
  ::chmod(wrapper.c_str(), 0755);
  return wrapper;
}

}  // namespace nixtray::tray::fixtures
