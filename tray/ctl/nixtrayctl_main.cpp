#include "core/system/program_arguments.hpp"
#include "ctl/ctl_program.hpp"

// The arguments as UTF-8 on every platform (Windows: from the UTF-16 command line).
int main(int argc, char** argv) { return nixtray::ctl::run_nixtrayctl(nixtray::tray::program_arguments(argc, argv)); }
