#pragma once
// A booted namespace plus a relocated Nix store in one directory, and the environment variables that tell
// other programs how to reach them. Used by the nixtray-harness CLI (run / up / down / exec).
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nixtray/testing/environment.hpp"
#include "nixtray/testing/nix_store.hpp"
#include "nixtray/testing/systemd_namespace.hpp"

namespace nixtray::testing {

struct HarnessSessionOptions {
  std::filesystem::path dir;                       // <dir>/ns: namespace files, <dir>/nix: the Nix store
  std::optional<std::filesystem::path> units_dir;  // every regular file in it is installed as a unit
  std::vector<std::string> wanted_units;           // started at boot
  bool journald = false;
  std::optional<std::filesystem::path> persistent_journal;  // see SystemdNamespaceOptions
  std::optional<std::filesystem::path> init_override;
  Environment init_environment;  // extra variables for PID 1 / the init (e.g. NIXTRAY_ACTIVATION_LOG)
  std::chrono::milliseconds settle_timeout = std::chrono::seconds(20);
};

class HarnessSession {
 public:
  explicit HarnessSession(HarnessSessionOptions options);

  // Boots and waits until settled; throws with the namespace's logs otherwise.
  void boot();
  PowerOffReport shutdown();

  SystemdNamespace& ns() { return *ns_; }
  NixStore& store() { return *store_; }

  // What a command run against this session gets (see README.md, "nixtray-harness"):
  // NIXTRAY_HARNESS_DIR, _PID, _LAUNCHER_PID, _ROOT, _BUS, _PRIVATE_BUS, _FLAGS, _UNITS, _NIX_ROOT,
  // _SYSTEM_PROFILE, and NIX_STORE_DIR, NIX_STATE_DIR, NIX_LOG_DIR, NIX_REMOTE, NIX_CONFIG.
  Environment exported_environment() const;
  // The same, as a file of `export NAME='value'` lines (source it from sh).
  void write_env_file(const std::filesystem::path& file) const;
  // Reads such a file back (used by `nixtray-harness exec`).
  static Environment read_env_file(const std::filesystem::path& file);

 private:
  HarnessSessionOptions options_;
  std::unique_ptr<NixStore> store_;
  std::unique_ptr<SystemdNamespace> ns_;
};

}  // namespace nixtray::testing
