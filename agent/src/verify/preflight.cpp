#include "verify/preflight.hpp"

#include "nix/nix_database.hpp"
#include "support/atomic_file.hpp"
#include "verify/user_database.hpp"
#include "verify/wsl_conf.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <utility>

namespace nixtray::agent {

namespace fs = std::filesystem;
namespace asio = net::asio;
using protocol::CheckStatus;
using protocol::PreflightCheck;

namespace {

// Paths inside a generation that the running system reaches through its own generation links.
constexpr std::string_view generation_prefixes[] = {"/run/current-system/", "/run/booted-system/",
                                                    "/nix/var/nix/profiles/system/"};

// wsl.conf settings WSL reads as booleans (besides [boot] systemd).
constexpr std::pair<const char*, const char*> boolean_settings[] = {
    {"automount", "enabled"},          {"automount", "mountFsTab"}, {"network", "generateHosts"},
    {"network", "generateResolvConf"}, {"interop", "enabled"},      {"interop", "appendWindowsPath"},
    {"boot", "protectBinfmt"}};

PreflightCheck make(std::string name, CheckStatus status, std::string message) {
  return PreflightCheck{std::move(name), status, std::move(message)};
}

// The generation being checked: its store path and how to name it in messages.
struct Subject {
  int number = 0;
  fs::path root;

  [[nodiscard]] std::string name() const { return "generation " + std::to_string(number); }
};

// `relative` exists in the generation (following links) and is an executable file.
PreflightCheck executable_check(const Subject& subject, const std::string& name, const std::string& relative,
                                const std::string& why) {
  const fs::path path = subject.root / relative;
  std::error_code ec;
  const auto link_status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(link_status)) {
    return make(name, CheckStatus::fail, subject.name() + " has no " + relative + ": " + why);
  }
  const auto resolved = fs::canonical(path, ec);
  if (ec) {
    std::error_code read_error;
    const auto target = fs::read_symlink(path, read_error);
    return make(name, CheckStatus::fail,
                relative + " of " + subject.name() + " points to " + (read_error ? std::string("?") : target.string()) +
                    ", which does not exist: " + why);
  }
  if (!fs::is_regular_file(resolved, ec) || ::access(resolved.c_str(), X_OK) != 0) {
    return make(name, CheckStatus::fail,
                relative + " of " + subject.name() + " (" + resolved.string() + ") is not an executable file: " + why);
  }
  return make(name, CheckStatus::ok, relative + " is an executable file");
}

PreflightCheck store_paths_check(const Subject& subject, const NixStoreLocation& store) {
  const auto store_path = store.store_path_of(subject.root);
  if (!store_path) {
    return make("store-paths", CheckStatus::unknown,
                "not checked: " + subject.root.string() + " is not in the Nix store " + store.store_dir.string());
  }
  std::optional<StoreClosure> closure;
  try {
    NixDatabase database(store.database());
    closure = database.closure(store_path->string());
  } catch (const NixDatabaseError& e) {
    return make("store-paths", CheckStatus::unknown, std::string("not checked: ") + e.what());
  }
  if (!closure) {
    return make("store-paths", CheckStatus::fail,
                store_path->string() +
                    " is not registered in the Nix database (an interrupted build or copy?): rebuild the "
                    "configuration, or roll back");
  }
  std::vector<std::string> missing;
  for (const auto& path : closure->paths) {
    struct stat info {};
    if (::lstat(path.path.c_str(), &info) != 0) missing.push_back(path.path);
  }
  if (!missing.empty()) {
    return make("store-paths", CheckStatus::fail,
                std::to_string(missing.size()) + " of the " + std::to_string(closure->paths.size()) +
                    " store paths of the closure are missing on disk (e.g. " + missing.front() +
                    "): it would not boot; run `nix-store --verify --repair` or roll back");
  }
  return make(
      "store-paths", CheckStatus::ok,
      "all " + std::to_string(closure->paths.size()) + " store paths of the closure are registered and present");
}

// The default user's shell, as a path that can be checked: inside the generation when the shell
// is reached through a generation link (/run/current-system/sw/bin/bash), else as it is.
fs::path shell_in_generation(const Subject& subject, const std::string& shell) {
  for (const auto prefix : generation_prefixes) {
    if (shell.starts_with(prefix)) return subject.root / shell.substr(prefix.size());
  }
  return shell;
}

// wsl.conf, the default user and that user's shell.
void wsl_checks(const Subject& subject, const fs::path& live_passwd, std::vector<PreflightCheck>& checks) {
  const auto text = read_small_file(subject.root / "etc" / "wsl.conf");
  std::optional<std::string> default_user;
  if (!text) {
    checks.push_back(make("wsl-conf", CheckStatus::warn,
                          subject.name() + " has no etc/wsl.conf: WSL keeps the one the running system has, and "
                                           "without [boot] systemd=true it would not start systemd"));
  } else {
    const auto conf = parse_wsl_conf(*text);
    std::vector<std::string> problems = conf.errors;
    std::string problem;
    const auto systemd = conf.boolean("boot", "systemd", problem);
    if (!problem.empty()) {
      problems.push_back(problem);
    } else if (!systemd || !*systemd) {
      problems.push_back(
          "[boot] systemd is not true: WSL would not start the generation's systemd, so no service "
          "(and no agent) would run");
    }
    for (const auto& [section, key] : boolean_settings) {
      std::string bad;
      (void)conf.boolean(section, key, bad);
      if (!bad.empty()) problems.push_back(bad);
    }
    if (const auto timeout = conf.value("boot", "initTimeout")) {
      long long ms = 0;
      const auto [end, ec] = std::from_chars(timeout->data(), timeout->data() + timeout->size(), ms);
      if (ec != std::errc() || end != timeout->data() + timeout->size() || ms <= 0) {
        problems.push_back("[boot] initTimeout = " + *timeout + " is not a positive number of milliseconds");
      }
    }
    if (const auto root = conf.value("automount", "root"); root && !root->starts_with("/")) {
      problems.push_back("[automount] root = " + *root + " is not an absolute path");
    }
    default_user = conf.value("user", "default");
    if (default_user && !is_valid_user_name(*default_user)) {
      problems.push_back("[user] default = \"" + *default_user + "\" is not a valid user name");
      default_user.reset();
    }
    if (problems.empty()) {
      checks.push_back(make("wsl-conf", CheckStatus::ok,
                            "etc/wsl.conf parses; [boot] systemd = true" +
                                (default_user ? "; [user] default = " + *default_user : std::string())));
    } else {
      std::string message = "etc/wsl.conf of " + subject.name() + ": ";
      for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
      checks.push_back(make("wsl-conf", CheckStatus::fail, message));
    }
  }

  const std::string user = default_user.value_or("root");
  const auto users = user_database(subject.root, subject.name(), live_passwd);
  const auto entry = users.text ? find_passwd_entry(*users.text, user) : std::nullopt;
  if (!default_user) {
    checks.push_back(make("default-user", CheckStatus::ok,
                          "no [user] default: WSL logs in as the distro's registered default user"));
  } else if (!users.text) {
    checks.push_back(make("default-user", CheckStatus::unknown, "not checked: cannot read " + users.description));
  } else if (!entry) {
    // NixOS creates users when it activates: a user new in this generation is not in the running
    // system's passwd yet. In the generation's own passwd it must be.
    checks.push_back(
        make("default-user", users.from_generation ? CheckStatus::fail : CheckStatus::warn,
             "the default user " + user + " is not in " + users.description + ": WSL would log in as root instead"));
  } else {
    checks.push_back(make("default-user", CheckStatus::ok, "the default user " + user + " exists"));
  }

  if (!entry) {
    checks.push_back(
        make("user-shell", CheckStatus::unknown, "not checked: " + user + " is not in " + users.description));
    return;
  }
  if (entry->shell.empty()) {
    checks.push_back(make("user-shell", CheckStatus::ok, user + " has no shell set: /bin/sh is used"));
    return;
  }
  const auto shell = shell_in_generation(subject, entry->shell);
  std::error_code ec;
  const auto resolved = fs::canonical(shell, ec);
  if (!ec && fs::is_regular_file(resolved, ec) && ::access(resolved.c_str(), X_OK) == 0) {
    checks.push_back(
        make("user-shell", CheckStatus::ok, user + "'s shell " + entry->shell + " exists in " + subject.name()));
    return;
  }
  checks.push_back(make("user-shell", users.from_generation ? CheckStatus::fail : CheckStatus::warn,
                        user + "'s shell " + entry->shell + " (" + shell.string() + ") is missing from " +
                            subject.name() + ": " + user + " could not log in" +
                            (users.from_generation ? std::string()
                                                   : std::string(" (ignore this if the configuration changes "
                                                                 "the user's shell)"))));
}

}  // namespace

protocol::PreflightVerdict verdict_of(const std::vector<PreflightCheck>& checks) {
  bool warned = false;
  for (const auto& check : checks) {
    if (check.status == CheckStatus::fail) return protocol::PreflightVerdict::refuse;
    warned = warned || check.status != CheckStatus::ok;
  }
  return warned ? protocol::PreflightVerdict::warn : protocol::PreflightVerdict::pass;
}

protocol::PreflightResult run_preflight(const PreflightInput& input) {
  protocol::PreflightResult result;
  result.number = input.number;
  auto& checks = result.checks;
  std::error_code ec;
  const auto root = fs::canonical(input.link, ec);
  if (ec) {
    std::error_code read_error;
    const auto target = fs::read_symlink(input.link, read_error);
    checks.push_back(make("store-path", CheckStatus::fail,
                          input.link.filename().string() + " points to " +
                              (read_error ? std::string("nothing readable") : target.string()) +
                              ", which does not exist (garbage-collected?): this generation cannot boot"));
    for (const auto* name : {"store-paths", "init", "activate", "systemd", "shell", "switch-to-configuration",
                             "wsl-conf", "default-user", "user-shell", "agent"}) {
      checks.push_back(make(name, CheckStatus::unknown, "not checked: the generation's store path is missing"));
    }
    result.verdict = verdict_of(checks);
    return result;
  }
  const Subject subject{input.number, root};
  checks.push_back(make("store-path", CheckStatus::ok, subject.name() + " is " + root.string()));
  checks.push_back(store_paths_check(subject, input.store));
  checks.push_back(executable_check(subject, "init", "init",
                                    "WSL starts a generation through its init (it activates it and starts systemd)"));
  checks.push_back(executable_check(subject, "activate", "activate",
                                    "the init runs it to set up /etc, users and /run/current-system"));
  checks.push_back(executable_check(subject, "systemd", "systemd/lib/systemd/systemd",
                                    "the init execs it; without it the distro does not start"));
  checks.push_back(executable_check(subject, "shell", "sw/bin/sh", "scripts and logins need a shell"));
  checks.push_back(executable_check(subject, "switch-to-configuration", "bin/switch-to-configuration",
                                    "later switches and rollbacks activate through it"));
  wsl_checks(subject, input.live_passwd, checks);
  const auto agent = executable_check(subject, "agent", "sw/bin/nixtray-agent", "");
  checks.push_back(agent.status == CheckStatus::ok
                       ? make("agent", CheckStatus::ok, "the nixtray agent is in " + subject.name())
                       : make("agent", CheckStatus::warn,
                              subject.name() + " has no nixtray agent (sw/bin/nixtray-agent): after a restart the "
                                               "boot cannot be checked live; enable the nixtray module in the "
                                               "configuration"));
  result.verdict = verdict_of(checks);
  return result;
}

PreflightRunner::~PreflightRunner() {
  worker_.stop();
  worker_.join();
}

asio::awaitable<protocol::PreflightResult> PreflightRunner::check(PreflightInput input) {
  auto work = [input = std::move(input)]() -> asio::awaitable<protocol::PreflightResult> {
    co_return run_preflight(input);
  };
  auto on_worker = asio::co_spawn(worker_.get_executor(), std::move(work), asio::use_awaitable);
  co_return co_await std::move(on_worker);
}

}  // namespace nixtray::agent
