// The Nix settings a person's terminal has, for a rebuild job: the variables below as root's login
// shell sets them (on NixOS /etc/profile sources /etc/set-environment, which exports NIX_PATH and
// the rest of environment.sessionVariables). A job runs in a transient unit whose environment is
// the agent's service environment, which has none of them: without this, `nixos-rebuild` in the
// job would look for <nixos-config> elsewhere than `sudo nixos-rebuild` in a console does.
//
// Why root's login shell, not the default user's: the job runs as root, and the user's own
// start-up files (~/.profile) are theirs to write; running them as root would hand root to
// whoever can write them. Root's login path only reads root-owned files (/etc/profile,
// /etc/set-environment, /root/.profile), as `sudo -i nixos-rebuild` does.
// Why not from the client: a client must not put anything into a root job's environment (argv
// only, docs/security.md); the shell and its command line are constants here, not input.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

// The variables taken from the login path: what nixos-rebuild and the Nix evaluation it runs read
// from the environment (nixos-config and nixpkgs through NIX_PATH or NIXOS_CONFIG, extra nix.conf
// settings through NIX_CONFIG, remote builders' ssh options, nixpkgs' allow-unfree & co. which
// <nixpkgs> reads with getEnv). PATH is not among them: the job keeps the agent's, which finds
// nixos-rebuild and nix; a login PATH would be the terminal's, with whatever it puts first.
const std::vector<std::string>& login_environment_names();

struct LoginEnvironment {
  // The login shell's value of each name it sets, NAME=value. They replace the agent's; a name it
  // does not set keeps the agent's value (the service's own settings, e.g. the NIX_PATH the NixOS
  // module gives it, or a relocated store's NIX_CONFIG): nothing is taken away from the build.
  std::vector<std::string> set;
};

struct LoginEnvironmentRead {
  std::optional<LoginEnvironment> environment;  // nullopt when the login shell did not answer
  std::string shell;                            // root's login shell, as the user database names it
  std::string problem;                          // why it did not answer, for the job's log
};

// Runs root's login shell (`<shell> -l -c <constant command>`, stdin /dev/null, in its own process
// group) and reads the variables it exports. Bounded: at most 64 KiB of output, killed after
// `timeout`. A broken login shell is exactly what a rebuild may be run to repair, so a failure is
// an answer (problem), never an exception: the caller goes on with the agent's environment.
LoginEnvironmentRead read_login_environment(std::chrono::milliseconds timeout);

}  // namespace nixtray::agent
