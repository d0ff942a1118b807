#include "nixtray/testing/harness_session.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nixtray::testing {
namespace fs = std::filesystem;

HarnessSession::HarnessSession(HarnessSessionOptions options) : options_(std::move(options)) {
  options_.dir = fs::absolute(options_.dir);
  fs::create_directories(options_.dir);
  store_ = std::make_unique<NixStore>(options_.dir / "nix");

  SystemdNamespaceOptions ns;
  ns.work_dir = options_.dir / "ns";
  ns.wanted_units = options_.wanted_units;
  ns.journald = options_.journald;
  ns.persistent_journal = options_.persistent_journal;
  ns.init_override = options_.init_override;
  ns.init_environment = options_.init_environment;
  if (options_.units_dir) {
    for (const auto& entry : fs::directory_iterator(*options_.units_dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream f(entry.path());
      std::stringstream text;
      text << f.rdbuf();
      ns.units[entry.path().filename().string()] = text.str();
    }
  }
  ns_ = std::make_unique<SystemdNamespace>(std::move(ns));
}

void HarnessSession::boot() { ns_->boot(options_.settle_timeout); }

PowerOffReport HarnessSession::shutdown() { return ns_->poweroff(); }

Environment HarnessSession::exported_environment() const {
  const std::string pid = std::to_string(ns_->pid());
  Environment env = {
      {"NIXTRAY_HARNESS_DIR", options_.dir.string()},
      {"NIXTRAY_HARNESS_PID", pid},
      {"NIXTRAY_HARNESS_LAUNCHER_PID", std::to_string(ns_->launcher_pid())},
      {"NIXTRAY_HARNESS_ROOT", "/proc/" + pid + "/root"},
      {"NIXTRAY_HARNESS_BUS", ns_->bus_address()},
      {"NIXTRAY_HARNESS_PRIVATE_BUS", ns_->private_bus_address()},
      {"NIXTRAY_HARNESS_FLAGS", ns_->flag_dir().string()},
      {"NIXTRAY_HARNESS_UNITS", ns_->host_path("/run/nixtray-harness/units").string()},
      {"NIXTRAY_HARNESS_NIX_ROOT", store_->root().string()},
      {"NIXTRAY_HARNESS_SYSTEM_PROFILE", store_->system_profile().string()},
  };
  // The store's variables, except HOME and TMPDIR: a GUI or script test keeps its own.
  for (const auto& [name, value] : store_->env())
    if (name.rfind("NIX_", 0) == 0) env[name] = value;
  return env;
}

void HarnessSession::write_env_file(const fs::path& file) const {
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << "# Written by nixtray-harness: how to reach the test namespace and its Nix store.\n";
    for (const auto& [name, value] : exported_environment()) {
      std::string quoted;
      for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      f << "export " << name << "='" << quoted << "'\n";
    }
    if (!f) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, file);  // readers never see a half-written file
}

Environment HarnessSession::read_env_file(const fs::path& file) {
  // Reads back exactly what write_env_file writes: export NAME='...' where a value may span lines and
  // contain '\'' sequences.
  std::ifstream f(file);
  if (!f) throw std::runtime_error("cannot read " + file.string());
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Environment env;
  size_t pos = 0;
  while ((pos = text.find("export ", pos)) != std::string::npos) {
    if (pos != 0 && text[pos - 1] != '\n') {
      pos += 7;
      continue;
    }
    const size_t eq = text.find("='", pos);
    if (eq == std::string::npos) break;
    const std::string name = text.substr(pos + 7, eq - pos - 7);
    std::string value;
    size_t i = eq + 2;
    for (; i < text.size(); ++i) {
      if (text.compare(i, 4, "'\\''") == 0) {
        value += '\'';
        i += 3;
      } else if (text[i] == '\'') {
        break;
      } else {
        value += text[i];
      }
    }
    env[name] = value;
    pos = i;
  }
  return env;
}

}  // namespace nixtray::testing
