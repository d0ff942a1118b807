// Where this program is and how its text reaches a console: nixtrayctl finds its catalogues next
// to itself (resource_paths.hpp), as nixtray does through wx.
#pragma once

#include <filesystem>

namespace nixtray::tray {

// The running executable's path (Linux: /proc/self/exe; Windows: GetModuleFileNameW); empty when
// the system does not say.
std::filesystem::path this_program_path();

// Makes the console show the UTF-8 this program prints (Windows: the console's output code page
// is the ANSI one, which turns Japanese into question marks). Nothing to do elsewhere.
void print_utf8_to_console();

}  // namespace nixtray::tray
