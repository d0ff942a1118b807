// `nixtrayctl targets`, `add-target NAME` and `remove-target NAME`: the settings file's targets
// (core/settings/settings_document.hpp), each looked at through its own session at the same time,
// so one that does not answer costs its timeout once, not once per target.
#include "core/state/tray_state.hpp"
#include "core/targets/target_fleet.hpp"
#include "ctl/ctl_program.hpp"
#include "ctl/ctl_words.hpp"

#include <iostream>

namespace nixtray::ctl {

using protocol::json;
using tray::TrayState;

namespace {

struct Looked {
  std::string name;
  std::optional<TrayState> state;  // nothing: its settings cannot work (problem)
  std::string problem;
};

// Each target's state, looked at concurrently.
std::vector<Looked> look_at_targets(const std::filesystem::path& file, const tray::SessionUse& use,
                                    std::chrono::milliseconds deadline, std::vector<std::string>& warnings) {
  net::asio::io_context io;
  const auto setups = tray::target_setups(file, use, false, warnings);
  std::vector<Looked> looked;
  std::vector<std::shared_ptr<tray::TraySession>> sessions;
  for (const auto& setup : setups) {
    looked.push_back({setup.settings.target_name(), std::nullopt, {}});
    sessions.push_back(tray::TraySession::create(io.get_executor(), setup, {}));
  }
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    net::asio::co_spawn(io, sessions[i]->probe(deadline), [&looked, i](std::exception_ptr error, TrayState state) {
      if (error) {
        looked[i].problem = "could not look at it";
      } else {
        looked[i].state = std::move(state);
      }
    });
  }
  io.run();
  return looked;
}

std::string agent_text(const tray::TraySettings& target) {
  try {
    return net::to_string(tray::effective_endpoint(target));
  } catch (const std::invalid_argument& e) {
    return target.agent + " (" + e.what() + ")";
  }
}

}  // namespace

int run_targets(const cli::ParsedCommandLine& args, const std::filesystem::path& file, const tray::SessionUse& use) {
  std::vector<std::string> warnings;
  const auto document = tray::SettingsFile(file).load().document;
  auto looked = look_at_targets(file, use, use.connect_timeout + std::chrono::seconds(5), warnings);
  for (const auto& warning : warnings) std::cerr << "nixtrayctl: warning: " << warning << "\n";
  const auto& default_name = document.default_settings().target_name();

  json list = json::array();
  std::vector<std::string> tooltips;  // in the person's language; the JSON's are English
  for (const auto& target : document.targets) {
    const auto name = target.target_name();
    const auto found = std::find_if(looked.begin(), looked.end(), [&](const Looked& l) { return l.name == name; });
    const TrayState* state = found != looked.end() && found->state ? &*found->state : nullptr;
    const auto view = state ? std::optional(tray::present(*state, target.distro)) : std::nullopt;
    tooltips.push_back(view ? tray::tooltip_line(*view, words()) : std::string());
    json j;
    j["name"] = name;
    j["default"] = name == default_name;
    j["watch"] = target.watch;
    j["distro"] = target.distro;
    j["agent"] = agent_text(target);
    j["distro_control"] = tray::effective_distro_control_kind(target);
    j["condition"] = state ? json(std::string(tray::to_string(state->condition))) : json(nullptr);
    j["icon"] = view ? json(std::string(tray::to_string(view->icon))) : json(nullptr);
    j["tooltip"] = view ? json(view->tooltip) : json(nullptr);
    j["detail"] = view ? json(view->detail) : json(nullptr);
    j["connected"] = state && tray::is_connected(*state);
    j["unverified"] = view && view->unverified_badge;
    list.push_back(std::move(j));
  }
  if (args.has("json")) {
    std::cout << list.dump(2) << "\n";
    return exit_ok;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& j = list[i];
    std::cout << (j["default"].get<bool>() ? "* " : "  ") << j["name"].get<std::string>() << "\n";
    const bool watched = j["watch"].get<bool>();
    if (j["condition"].is_null()) {
      std::cout << say(watched ? tray::sentence("    state:  (its settings cannot work)")
                               : tray::sentence("    state:  (its settings cannot work) (not watched)"))
                << "\n";
    } else {
      std::cout << say(watched ? tray::sentence("    state:  %s", {tooltips[i]})
                               : tray::sentence("    state:  %s (not watched)", {tooltips[i]}))
                << "\n";
    }
    std::cout << say(tray::sentence("    agent:  %s", {j["agent"].get<std::string>()})) << "\n";
    std::cout << say(tray::sentence("    distro: %1$s, controlled by %2$s",
                                    {j["distro"].get<std::string>(), j["distro_control"].get<std::string>()}))
              << "\n";
  }
  return exit_ok;
}

int run_add_target(const cli::ParsedCommandLine& args, const tray::SessionFlags& flags, const tray::SessionUse& use) {
  const auto& name = args.args.at(0);
  if (const auto problem = tray::target_name_problem(name); !problem.empty()) throw cli::UsageError(problem);
  if (flags.target) throw cli::UsageError("add-target names the new target itself; --target is for other commands");
  tray::SettingsFile file(flags.config.value_or(tray::SettingsFile::default_path()));
  // Without a file, the defaults are its one target: they stay, next to the new one.
  auto document = file.load().document;
  if (document.find(name)) {
    throw CommandFailure(
        exit_failed, "there is a target named \"" + name + "\" already; remove-target it first, or use another name");
  }
  // The target is what the flags say, on top of the defaults (nothing of the default target's).
  tray::TraySettings target;
  target.name = name;
  target.watch = !args.has("no-watch");
  if (flags.distro) target.distro = *flags.distro;
  if (flags.agent) target.agent = *flags.agent;
  if (flags.token_file) target.token_file = *flags.token_file;
  auto& control = target.distro_control;
  if (flags.distro_control) control.kind = *flags.distro_control;
  control.start = flags.start.value_or("");
  control.stop = flags.stop.value_or("");
  control.is_running = flags.is_running.value_or("");
  control.exec_as_root = flags.exec_as_root.value_or("");
  control.console = flags.console.value_or("");
  control.wsl = flags.wsl.value_or("");
  control.through_login_shell = flags.through_login_shell;
  target.verify.profile_dir = flags.profile_dir;
  // Refuses what cannot work (a bad address, commands without --distro-control command) before saving.
  tray::SessionFlags checked;
  checked.config = file.path();
  (void)tray::make_session_setup(checked, use, target);
  target.start_at_login = document.start_at_login;
  document.put(target);
  if (args.has("default")) document.default_target = name;
  file.save(document);
  std::cout << say(tray::sentence("added target %1$s (%2$s)", {name, agent_text(target)})) << "\n";
  return exit_ok;
}

int run_remove_target(const cli::ParsedCommandLine& args, const tray::SessionFlags& flags) {
  const auto& name = args.args.at(0);
  tray::SettingsFile file(flags.config.value_or(tray::SettingsFile::default_path()));
  std::string problem;
  file.update([&](tray::SettingsDocument& document) {
    if (!document.find(name)) {
      problem = "there is no target named \"" + name + "\"; its targets are " + document.names();
    } else if (!document.remove(name)) {
      problem = "\"" + name + "\" is the only target; the tray needs one";
    }
  });
  if (!problem.empty()) throw CommandFailure(exit_failed, problem);
  std::cout << say(tray::sentence("removed target %s (what the host remembered about it too)", {name})) << "\n";
  return exit_ok;
}

}  // namespace nixtray::ctl
