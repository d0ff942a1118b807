#pragma once
// A real, relocated Nix store without daemon (NIX_STORE_DIR/NIX_STATE_DIR under a test directory), with a
// NixOS-like system profile and toy generations built by real derivations. Never touches /nix.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "nixtray/testing/environment.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/system_spec.hpp"

namespace nixtray::testing {

// One entry of the system profile: <profiles>/system-<number>-link -> <store_path>.
struct Generation {
  int number = 0;
  std::filesystem::path link;        // .../profiles/system-N-link
  std::filesystem::path store_path;  // what the link points to
  std::time_t created = 0;           // link mtime, as nix-env reports it
  bool current = false;              // profiles/system points to it
};

class NixStore {
 public:
  // root: an existing, empty or reused directory (usually a TempDir); store/, var/, home/, tmp/ go there.
  explicit NixStore(std::filesystem::path root);

  // NIX_STORE_DIR, NIX_STATE_DIR, NIX_LOG_DIR, NIX_REMOTE=local, NIX_CONFIG (no substituters, no build users,
  // no sandbox), HOME and TMPDIR under root: pass these to any process that should use this store.
  const Environment& env() const { return env_; }

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path store_dir() const { return root_ / "store"; }
  std::filesystem::path state_dir() const { return root_ / "var"; }
  std::filesystem::path profiles_dir() const { return state_dir() / "profiles"; }
  // <state>/profiles/system, as /nix/var/nix/profiles/system.
  std::filesystem::path system_profile() const { return profiles_dir() / "system"; }

  // Builds one generation (real nix-build), returns its store path. Not registered in the profile.
  std::filesystem::path build_system(const SystemSpec& spec);
  // Builds all specs in one nix-build evaluation; store paths in the same order.
  std::vector<std::filesystem::path> build_systems(const std::vector<SystemSpec>& specs);

  // Writes a "configuration" for a rebuild test: <dir>/<name>.nix, a Nix file that evaluates to the
  // generation described by spec (built by nix-build when a rebuild runs, not now). Returns its path.
  std::filesystem::path write_configuration(const std::filesystem::path& dir, const std::string& name,
                                            const SystemSpec& spec) const;

  // nix-env -p <system_profile> --set <path>; returns the new generation number.
  int add_generation(const std::filesystem::path& store_path);
  // nix-env --switch-generation n / --rollback (what `nixos-rebuild boot`/a rollback does to the profile).
  void switch_generation(int number);
  void rollback();
  // Generations read from the profile directory, oldest first.
  std::vector<Generation> list_generations() const;
  // The generation profiles/system points to (0 if none).
  int current_generation() const;

  // Makes n generations quickly: one nix-build evaluation; the toplevels come from a few multi-output
  // derivations (one output = one generation store path "...-g0001", labelled "<label>.b<batch>.g0001"),
  // then the system-N-link symlinks are created directly, the way nix-env does it (see README.md), with
  // creation times one hour apart ending now. Returns the new generation numbers, oldest first.
  std::vector<int> build_many(int n, const SystemSpec& base = {});
  // Registers existing store paths as the next generations without nix-env (fast path used by build_many).
  std::vector<int> register_generations_fast(const std::vector<std::filesystem::path>& store_paths,
                                             std::chrono::seconds spacing = std::chrono::hours(1));

  // Runs a Nix tool (absolute path or a name found in /usr/bin, /bin) with this store's environment.
  ProcessResult nix(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout = std::chrono::minutes(5)) const;
  // nix --extra-experimental-features nix-command store diff-closures a b (stdout).
  std::string diff_closures(const std::filesystem::path& a, const std::filesystem::path& b) const;

 private:
  // nix-build of nix/generations.nix with the given JSON spec; expects that many output paths.
  std::vector<std::filesystem::path> run_nix_build(const std::string& spec_json, size_t expected_paths);

  std::filesystem::path root_;
  Environment env_;
};

}  // namespace nixtray::testing
