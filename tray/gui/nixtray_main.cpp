// nixtray: thin main over tray/gui. --help, --version and usage errors are answered before wx
// starts, so they work without a display.
#include "gui_options.hpp"
#include "tray_app.hpp"

#include "nixtray/version.hpp"

#include <iostream>

wxIMPLEMENT_APP_NO_MAIN(nixtray::gui::TrayApp);

int main(int argc, char** argv) {
  try {
    const auto options = nixtray::gui::parse_gui_options(std::vector<std::string>(argv + 1, argv + argc));
    if (options.help) {
      std::cout << nixtray::cli::program_help(nixtray::gui::nixtray_program());
      return 0;
    }
    if (options.version) {
      std::cout << "nixtray " << nixtray::version << "\n";
      return 0;
    }
  } catch (const nixtray::cli::UsageError& e) {
    std::cerr << "nixtray: " << e.what() << "\n";
    return nixtray::gui::gui_exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "nixtray: " << e.what() << "\n";
    return nixtray::gui::gui_exit_failed;
  }
  return wxEntry(argc, argv);
}
