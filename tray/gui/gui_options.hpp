// nixtray's command line. A contract other tests and people with several distros use:
//   --agent unix:PATH | tcp:HOST:PORT | exec:COMMAND...   (overrides the settings; not saved)
//   --token-file PATH, --config FILE,
//   --distro-control command --start CMD --stop CMD --is-running CMD --exec-as-root CMD --console CMD | local
//   --quit-after SECONDS, --open-status-window [TAB], --open-space-window, --ui-log FILE
// The connection options are the session's (core/session_setup.hpp), as nixtrayctl takes them.
#pragma once

#include "core/session_setup.hpp"

#include "nixtray/cli/command_line.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::gui {

// Exit codes before the GUI runs, as nixtrayctl's.
enum GuiExit : int { gui_exit_failed = 1, gui_exit_usage = 64 };

enum class StatusTab { overview, generations, jobs, settings };
std::string_view to_string(StatusTab tab);
std::optional<StatusTab> parse_status_tab(std::string_view name);

struct GuiOptions {
  bool help = false;
  bool version = false;
  tray::SessionSetup session;                     // the target the tray starts with selected
  std::vector<tray::SessionSetup> other_targets;  // the settings' other watched targets
  std::vector<std::string> overrides;             // "--agent unix:/x": shown on the Settings page
  std::vector<std::string> start_arguments;       // what a login start needs to reproduce this session
  bool autostart = false;                         // started at login (the Run key or the XDG entry passes --autostart)
  std::optional<int> quit_after_seconds;
  std::optional<StatusTab> open_status_window;
  bool open_space_window = false;
  std::optional<std::filesystem::path> ui_log;
  std::optional<long long> demo_log_lines;  // benchmarks: stream this many lines into the Jobs page
};

cli::Program nixtray_program();
// Throws cli::UsageError.
GuiOptions parse_gui_options(const std::vector<std::string>& args);

}  // namespace nixtray::gui
