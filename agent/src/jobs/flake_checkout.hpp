// A rebuild of a flake that lives in someone else's git checkout. The usual case: the user keeps
// their configuration in ~/nixos-config (their uid) and the job runs as root. Since git 2.35.2
// (CVE-2022-24765) git refuses to read a repository owned by another uid ("detected dubious
// ownership in repository"), and Nix reads local flakes through git, so `sudo nixos-rebuild
// --flake ~/cfg` fails where the user's terminal does not (NixOS/nix#6443, nixpkgs#169193).
//
// The choice: pass git's safe.directory for exactly that checkout (its top directory and its .git
// directory, which newer git and Nix's `--git-dir` calls check), through GIT_CONFIG_COUNT /
// GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n: command-line scope, which git honours for
// safe.directory (unlike a repository's own config), for this job only, never `*`, and nothing
// is written to root's ~/.gitconfig. Building as the invoking user instead would split the job
// in two (build unprivileged, activate as root) and needs a user for TCP and bridge peers, which
// have none; the checkout is trusted anyway: it is the configuration root is asked to activate.
// The top is found by looking for .git upwards, never by running git in the foreign checkout as
// root (what the CVE is about). What it cannot reach: a Nix that reads git with libgit2 (2.20 and
// later) reads safe.directory from configuration files only (NixOS/nix#10202).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

// The local directory a flake reference names by an absolute path (`/path`, `/path#name`,
// `path:/path`, `git+file:///path?ref=x#name`); nullopt for any other reference.
std::optional<std::filesystem::path> local_flake_directory(const std::string& flake);

// The top directory of the git checkout a local flake reference (`/path`, `/path#name`,
// `git+file:///path?ref=x#name`) lies in, when a uid other than `uid` owns it; nullopt for other
// references (registry names, github:, path:, relative paths) and for checkouts `uid` owns.
std::optional<std::filesystem::path> foreign_git_checkout(const std::string& flake, unsigned uid);

// GIT_CONFIG_COUNT=2, GIT_CONFIG_KEY_n=safe.directory, GIT_CONFIG_VALUE_n=<top>, <top>/.git.
std::vector<std::string> safe_directory_environment(const std::filesystem::path& top);

}  // namespace nixtray::agent
