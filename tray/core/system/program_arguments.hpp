// A program's arguments as UTF-8, without the program's name. On Windows the C runtime's argv is
// in the ANSI code page, which cannot hold every file name: the UTF-16 command line is read
// instead.
#pragma once

#include <string>
#include <vector>

namespace nixtray::tray {

std::vector<std::string> program_arguments(int argc, char** argv);

}  // namespace nixtray::tray
