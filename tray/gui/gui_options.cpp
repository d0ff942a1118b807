#include "gui_options.hpp"

#include "core/targets/target_fleet.hpp"

#include "nixtray/version.hpp"

#include <algorithm>

namespace nixtray::gui {

std::string_view to_string(StatusTab tab) {
  switch (tab) {
    case StatusTab::overview:
      return "overview";
    case StatusTab::generations:
      return "generations";
    case StatusTab::jobs:
      return "jobs";
    case StatusTab::settings:
      return "settings";
  }
  return "overview";
}

std::optional<StatusTab> parse_status_tab(std::string_view name) {
  for (const auto tab : {StatusTab::overview, StatusTab::generations, StatusTab::jobs, StatusTab::settings}) {
    if (to_string(tab) == name) return tab;
  }
  return std::nullopt;
}

cli::Program nixtray_program() {
  cli::Program program;
  program.name = "nixtray";
  program.summary = "NixOS in the system tray: state, rebuilds, rollbacks and notifications.";
  // The session's options, as nixtrayctl takes them.
  program.global_options = tray::session_options();
  program.global_options.push_back({"quit-after", "SECONDS", "exit cleanly after this long (smoke tests)"});
  program.global_options.push_back(
      {"autostart", "", "started at login: also start the distro when the settings ask (start_distro_at_login)"});
  program.global_options.push_back({"open-status-window", "",
                                    "open the status window at start; a word after it names the tab: overview, "
                                    "generations, jobs or settings"});
  program.global_options.push_back(
      {"open-space-window", "",
       "open the Disk space window at start (a second start raises it in the running nixtray)"});
  program.global_options.push_back({"ui-log", "FILE", "append what the GUI shows to FILE, one JSON object per line"});
  program.global_options.push_back(
      {"demo-log-lines", "N", "benchmarks: stream N generated lines into the Jobs page's live log"});
  program.global_options.push_back({"version", "", "print the version"});
  program.footer =
      "Without a tray host (a system tray on the desktop), nixtray opens its status window instead and says why.\n"
      "CMD values are split on whitespace, double quotes group; no shell is involved.\n";
  return program;
}

GuiOptions parse_gui_options(const std::vector<std::string>& args) {
  const auto program = nixtray_program();
  const auto parsed = cli::parse(program, args);
  GuiOptions options;
  options.help = parsed.help;
  options.version = parsed.has("version");
  if (options.help || options.version) {
    return options;
  }
  if (parsed.has("open-status-window")) {
    StatusTab tab = StatusTab::overview;
    if (!parsed.args.empty()) {
      const auto named = parse_status_tab(parsed.args.front());
      if (!named) {
        throw cli::UsageError("--open-status-window: no tab \"" + parsed.args.front() +
                              "\" (overview, generations, jobs, settings)");
      }
      tab = *named;
    }
    options.open_status_window = tab;
  }
  if (parsed.args.size() > (options.open_status_window ? 1U : 0U)) {
    throw cli::UsageError("unexpected argument " + parsed.args.back() + " (see --help)");
  }
  options.open_space_window = parsed.has("open-space-window");
  options.autostart = parsed.has("autostart");
  if (const auto seconds = parsed.integer("quit-after", 1, 7 * 24 * 3600)) {
    options.quit_after_seconds = static_cast<int>(*seconds);
  }
  if (const auto lines = parsed.integer("demo-log-lines", 1, 100'000'000)) {
    options.demo_log_lines = *lines;
  }
  if (const auto file = parsed.value("ui-log")) {
    options.ui_log = std::filesystem::path(*file);
  }

  // The link, the control and the settings as saved: an --agent given today must not end up in
  // the file.
  const auto flags = tray::session_flags(parsed);
  const tray::SessionUse use{std::string("nixtray/") + nixtray::version, true, std::chrono::seconds(10),
                             std::chrono::seconds(30)};
  options.session = tray::make_session_setup(flags, use);
  // Every watched target of the settings, unless the command line chose one target or how to
  // reach it: then that one alone.
  if (!flags.target && !flags.distro && !tray::overrides_connection(flags)) {
    std::vector<std::string> problems;
    for (auto& setup : tray::target_setups(options.session.settings_file.path(), use, true, problems)) {
      if (setup.settings.target_name() != options.session.settings.target_name()) {
        options.other_targets.push_back(std::move(setup));
      }
    }
    // The settings file's own warnings came with the first set-up already.
    for (auto& problem : problems) {
      if (std::find(options.session.warnings.begin(), options.session.warnings.end(), problem) ==
          options.session.warnings.end()) {
        options.session.warnings.push_back(std::move(problem));
      }
    }
  }

  options.start_arguments.emplace_back("--autostart");
  for (const char* name : {"config", "target", "agent", "token-file", "distro-control", "start", "stop", "is-running",
                           "exec-as-root", "console"}) {
    if (const auto value = parsed.value(name)) {
      auto text = *value;
      if (std::string_view(name) == "config") text = std::filesystem::absolute(text).string();
      options.start_arguments.push_back(std::string("--") + name);
      options.start_arguments.push_back(text);
      if (std::string_view(name) != "config" && std::string_view(name) != "target")
        options.overrides.push_back(std::string("--") + name + " " + text);
    }
  }
  return options;
}

}  // namespace nixtray::gui
