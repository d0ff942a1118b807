// `nixtrayctl discover [--add]`: the WSL distros no target watches yet (core/targets/
// target_discovery.hpp), whether nixtray's agent answers in each, and with --add a target for each
// one where it does.
#include "core/targets/target_discovery.hpp"
#include "ctl/ctl_program.hpp"

#include <iostream>

namespace nixtray::ctl {

using protocol::json;

int run_discover(const cli::ParsedCommandLine& args, const tray::SessionFlags& flags) {
  tray::SettingsFile file(flags.config.value_or(tray::SettingsFile::default_path()));
  const auto document = file.load().document;
  const auto wsl = tray::wsl_control_options(document.default_settings(), flags.wsl.value_or(""));

  net::asio::io_context io;
  std::optional<tray::DistroDiscovery> discovery;
  std::exception_ptr failure;
  net::asio::co_spawn(io, tray::discover_wsl_distros(wsl, document),
                      [&](std::exception_ptr error, tray::DistroDiscovery found) {
                        failure = error;
                        discovery = std::move(found);
                      });
  io.run();
  if (failure) std::rethrow_exception(failure);
  if (!discovery->ok) throw CommandFailure(exit_failed, discovery->problem);

  std::vector<std::string> added;
  if (args.has("add")) {
    for (const auto& found : discovery->distros) {
      if (!found.agent) continue;  // stopped ones are not known to have the agent
      added.push_back(tray::add_found_distro(file, found, wsl.wsl).name);
    }
  }

  if (args.has("json")) {
    json list = json::array();
    for (const auto& found : discovery->distros) list.push_back(tray::to_json(found));
    std::cout << json{{"distros", list}, {"added", added}}.dump(2) << "\n";
    return exit_ok;
  }
  if (discovery->distros.empty()) std::cout << "every WSL distro is a target already\n";
  for (const auto& found : discovery->distros) {
    std::cout << found.distro << ": "
              << (found.agent     ? "running, " + *found.agent
                  : found.running ? std::string("running, without nixtray's agent")
                                  : std::string("stopped (not started to look inside)"))
              << "\n";
  }
  for (const auto& name : added) std::cout << "added target " << name << "\n";
  if (!args.has("add") && std::any_of(discovery->distros.begin(), discovery->distros.end(),
                                      [](const tray::FoundDistro& f) { return f.agent.has_value(); })) {
    std::cout << "add the ones with the agent: nixtrayctl discover --add\n";
  }
  return exit_ok;
}

}  // namespace nixtray::ctl
