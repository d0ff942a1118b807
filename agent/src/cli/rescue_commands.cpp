// `nixtray-agent rescue list|rollback N|mark-good N`: works on the profile directory and the state
// directory directly, without the daemon, without systemd and without anything on PATH, so that
// it can be run from outside a distro that does not boot:
//   wsl.exe -d NixOS -u root -e /nix/var/nix/profiles/system-41-link/sw/bin/nixtray-agent rescue rollback 41
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/human_output.hpp"
#include "config/agent_config.hpp"
#include "nix/nix_store_location.hpp"
#include "state/generation_store.hpp"
#include "state/known_good_store.hpp"
#include "verify/system_profile_switch.hpp"

#include <iostream>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

struct RescuePaths {
  fs::path profile_dir;
  fs::path state_dir;
};

fs::path absolute_option(const cli::ParsedCommandLine& args, const char* name, const fs::path& fallback) {
  const auto value = args.value(name);
  if (!value) return fallback;
  // The rescue runs where PATH and the working directory mean nothing (wsl.exe -e, a recovery
  // shell): only absolute paths say unambiguously which profile is changed.
  if (value->empty() || (*value)[0] != '/') {
    throw cli::UsageError("--" + std::string(name) + " must be an absolute path, not \"" + *value + "\"");
  }
  return *value;
}

RescuePaths rescue_paths(const cli::ParsedCommandLine& args) {
  // The daemon's settings when its config file can be read; the defaults when it cannot (a broken
  // config must not stand in the way of a rescue).
  RescuePaths paths{NixStoreLocation::from_environment().state_dir / "profiles", "/var/lib/nixtray"};
  try {
    const auto config = load_agent_config(args);
    paths.profile_dir = config.profile_dir;
    paths.state_dir = config.state_dir;
  } catch (const std::exception& e) {
    std::cerr << "nixtray-agent rescue: warning: " << e.what() << " (using the default directories)\n";
  }
  paths.profile_dir = absolute_option(args, "profile-dir", paths.profile_dir);
  paths.state_dir = absolute_option(args, "state-dir", paths.state_dir);
  return paths;
}

protocol::GenerationsList read_generations(const RescuePaths& paths, KnownGoodStore& known_good) {
  SystemPaths system;
  system.profile_dir = paths.profile_dir;
  system.state_dir = paths.state_dir;
  GenerationStore store(system, known_good);
  store.refresh();
  if (store.problem()) throw CommandFailure(exit_failed, *store.problem());
  return store.list();
}

// The generation, if it exists and can be used; otherwise a failure that says why.
protocol::Generation usable_generation(const protocol::GenerationsList& list, int number) {
  for (const auto& generation : list.generations) {
    if (generation.number != number) continue;
    if (generation.problem) {
      throw CommandFailure(exit_failed,
                           "generation " + std::to_string(number) + " cannot be used: " + *generation.problem);
    }
    return generation;
  }
  throw CommandFailure(exit_failed,
                       "there is no generation " + std::to_string(number) + " (see: nixtray-agent rescue list)");
}

int rescue_list(const cli::ParsedCommandLine& args, const RescuePaths& paths) {
  KnownGoodStore known_good(paths.state_dir);
  const auto list = read_generations(paths, known_good);
  if (args.has("json")) {
    std::cout << protocol::json(list).dump(2) << "\n";
  } else {
    std::cout << "Generations in " << paths.profile_dir.string() << ":\n" << format_generations(list);
  }
  return exit_ok;
}

int rescue_rollback(const RescuePaths& paths, int number) {
  KnownGoodStore known_good(paths.state_dir);
  const auto generation = usable_generation(read_generations(paths, known_good), number);
  std::error_code ec;
  if (!fs::exists(fs::path(generation.path) / "init", ec)) {
    throw CommandFailure(exit_failed, "generation " + std::to_string(number) + " (" + generation.path +
                                          ") has no init: it would not boot either; choose another one");
  }
  ProfileSwitch result;
  try {
    result = switch_system_profile(paths.profile_dir, number);
  } catch (const ProfileSwitchError& e) {
    throw CommandFailure(exit_failed, e.what());
  }
  std::cout << "The system profile " << (paths.profile_dir / "system").string() << " now points at generation "
            << number << (result.before ? " (it was " + std::to_string(*result.before) + ")" : std::string()) << ".\n"
            << "Restart the distro to boot it: wsl.exe --terminate <distro>, then start it again.\n";
  return exit_ok;
}

int rescue_mark_good(const RescuePaths& paths, int number) {
  KnownGoodStore known_good(paths.state_dir);
  const auto generation = usable_generation(read_generations(paths, known_good), number);
  try {
    known_good.mark(number, generation.path);
  } catch (const std::runtime_error& e) {
    throw CommandFailure(exit_failed, e.what());
  }
  std::cout << "Generation " << number << " is the known-good generation (recorded in " << paths.state_dir.string()
            << ").\n";
  return exit_ok;
}

}  // namespace

int run_rescue(const cli::ParsedCommandLine& args) {
  const auto& action = args.args.at(0);
  const auto wants_number = action == "rollback" || action == "mark-good";
  if (action != "list" && !wants_number) {
    throw cli::UsageError("unknown rescue action \"" + action + "\": use list, rollback N or mark-good N");
  }
  if (wants_number != (args.args.size() == 2)) {
    throw cli::UsageError(wants_number ? "rescue " + action + " needs a generation number"
                                       : "rescue list takes no argument");
  }
  const auto paths = rescue_paths(args);
  if (action == "list") return rescue_list(args, paths);
  const auto number =
      static_cast<int>(cli::integer_argument(args, 1, "the generation number", 1, protocol::max_generation_number));
  return action == "rollback" ? rescue_rollback(paths, number) : rescue_mark_good(paths, number);
}

}  // namespace nixtray::agent
