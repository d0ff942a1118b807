#include "nixtray/testing/nix_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "nixtray/testing/embedded_files.hpp"

namespace nixtray::testing {
namespace fs = std::filesystem;
namespace {

nlohmann::json spec_to_json(const SystemSpec& s) {
  nlohmann::json packages = nlohmann::json::array();
  for (const auto& p : s.packages)
    packages.push_back({{"name", p.name}, {"version", p.version}, {"size", p.payload_bytes}});
  const char* systemd = s.systemd == SystemSpec::Systemd::Link     ? "link"
                        : s.systemd == SystemSpec::Systemd::Broken ? "broken"
                                                                   : "missing";
  return {
      {"label", s.label},
      {"nameLabel", s.store_name_label()},
      {"hostname", s.hostname},
      {"configurationRevision",
       s.configuration_revision ? nlohmann::json(*s.configuration_revision) : nlohmann::json()},
      {"packages", packages},
      {"hasInit", s.has_init},
      {"initExitStatus", s.init_exit_status},
      {"hasActivate", s.has_activate},
      {"activationErrors", s.activation_errors},
      {"hasSwitchToConfiguration", s.has_switch_to_configuration},
      {"switchExitStatus", s.switch_exit_status},
      {"switchMessage", s.switch_message},
      {"switchDelaySeconds", s.switch_delay_seconds},
      {"buildDelaySeconds", s.build_delay_seconds},
      {"hasShell", s.has_shell},
      {"systemd", systemd},
      {"wslConf", s.wsl_conf ? nlohmann::json(*s.wsl_conf) : nlohmann::json()},
      {"etcFiles", s.etc_files},
      {"extraBinFiles", s.extra_bin_files},
      {"units", s.units},
      {"agentPath", s.agent_path ? nlohmann::json(s.agent_path->string()) : nlohmann::json()},
  };
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// "system-12-link" -> 12; 0 if the name is not a generation link of profile "system".
int generation_number(const std::string& file_name) {
  const std::string prefix = "system-", suffix = "-link";
  if (file_name.size() <= prefix.size() + suffix.size() || file_name.rfind(prefix, 0) != 0 ||
      file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return 0;
  const std::string digits = file_name.substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoi(digits);
}

}  // namespace

NixStore::NixStore(fs::path root) : root_(fs::absolute(std::move(root))) {
  for (const auto& d :
       {store_dir(), state_dir() / "log", profiles_dir(), state_dir() / "gcroots", root_ / "home", root_ / "tmp"})
    fs::create_directories(d);
  // Nix 2.8 creates this itself on first use; created here too so the layout does not depend on it.
  // (Profile links are GC roots anyway: the collector scans <state>/profiles as well as <state>/gcroots.)
  const auto gcroot = state_dir() / "gcroots" / "profiles";
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(gcroot, ec))) fs::create_symlink(profiles_dir(), gcroot);

  env_ = {
      {"NIX_STORE_DIR", store_dir().string()},
      {"NIX_STATE_DIR", state_dir().string()},
      {"NIX_LOG_DIR", (state_dir() / "log").string()},
      {"NIX_REMOTE", "local"},
      // Without empty substituters every build waits seconds for an unreachable binary cache.
      {"NIX_CONFIG", "substituters =\nbuild-users-group =\nsandbox = false\n"},
      {"HOME", (root_ / "home").string()},
      // Nix builds in $TMPDIR/nix-build-*: keep them out of the host's /tmp.
      {"TMPDIR", (root_ / "tmp").string()},
  };
}

ProcessResult NixStore::nix(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) const {
  std::vector<std::string> full = argv;
  if (!full.empty() && full[0].find('/') == std::string::npos) {
    for (const char* dir : {"/usr/bin/", "/bin/", "/usr/local/bin/"})
      if (::access((dir + full[0]).c_str(), X_OK) == 0) {
        full[0] = dir + full[0];
        break;
      }
  }
  RunOptions options;
  options.env = merged(minimal_environment(), env_);
  options.timeout = timeout;
  return run_process(full, options);
}

std::vector<fs::path> NixStore::build_systems(const std::vector<SystemSpec>& specs) {
  if (specs.empty()) return {};
  nlohmann::json systems = nlohmann::json::array();
  for (const auto& s : specs) systems.push_back(spec_to_json(s));
  auto paths = run_nix_build(nlohmann::json{{"systems", systems}}.dump(1), specs.size());
  // nix-build prints results in list order; checked, because tests rely on paths[i] being specs[i].
  for (size_t i = 0; i < specs.size(); ++i) {
    std::ifstream f(paths[i] / "nixos-version");
    const std::string label((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (label != specs[i].label)
      throw std::runtime_error("nix-build result " + paths[i].string() + " is not the generation labelled " +
                               specs[i].label);
  }
  return paths;
}

std::vector<fs::path> NixStore::run_nix_build(const std::string& spec_json, size_t expected_paths) {
  // A fresh spec file per build: concurrent builds in one store must not overwrite each other's spec.
  static std::atomic<int> counter = 0;
  const auto tag = std::to_string(::getpid()) + "-" + std::to_string(++counter);
  const auto nix_file = root_ / "generations.nix";
  const auto spec_file = root_ / ("spec-" + tag + ".json");
  write_file(nix_file, embedded::generations_nix());
  write_file(spec_file, spec_json);

  auto r = nix(
      {"nix-build", "--no-out-link", "--max-jobs", "auto", nix_file.string(), "--arg", "specFile", spec_file.string()},
      std::chrono::minutes(10));
  if (!r.ok()) throw std::runtime_error("nix-build of toy generations failed: " + r.describe());
  std::vector<fs::path> paths;
  for (const auto& line : split_lines(r.out)) paths.emplace_back(line);
  if (paths.size() != expected_paths)
    throw std::runtime_error("nix-build returned " + std::to_string(paths.size()) + " paths, expected " +
                             std::to_string(expected_paths) + ": " + r.describe());
  fs::remove(spec_file);
  return paths;
}

fs::path NixStore::build_system(const SystemSpec& spec) { return build_systems({spec}).front(); }

fs::path NixStore::write_configuration(const fs::path& dir, const std::string& name, const SystemSpec& spec) const {
  fs::create_directories(dir);
  write_file(dir / "generations.nix", embedded::generations_nix());
  write_file(dir / (name + ".json"), nlohmann::json{{"systems", {spec_to_json(spec)}}}.dump(1));
  const auto file = dir / (name + ".nix");
  write_file(file,
             "# A test configuration: evaluates to one toy NixOS generation.\n"
             "builtins.head (import ./generations.nix { specFile = ./" +
                 name + ".json; })\n");
  return file;
}

int NixStore::add_generation(const fs::path& store_path) {
  auto r = nix({"nix-env", "-p", system_profile().string(), "--set", store_path.string()});
  if (!r.ok()) throw std::runtime_error("nix-env --set failed: " + r.describe());
  return current_generation();
}

void NixStore::switch_generation(int number) {
  auto r = nix({"nix-env", "-p", system_profile().string(), "--switch-generation", std::to_string(number)});
  if (!r.ok()) throw std::runtime_error("nix-env --switch-generation failed: " + r.describe());
}

void NixStore::rollback() {
  auto r = nix({"nix-env", "-p", system_profile().string(), "--rollback"});
  if (!r.ok()) throw std::runtime_error("nix-env --rollback failed: " + r.describe());
}

std::vector<Generation> NixStore::list_generations() const {
  std::vector<Generation> out;
  std::error_code ec;
  const auto current_target = fs::read_symlink(system_profile(), ec);  // "system-N-link" (relative)
  for (const auto& entry : fs::directory_iterator(profiles_dir(), ec)) {
    const int n = generation_number(entry.path().filename().string());
    if (n == 0 || !entry.is_symlink()) continue;
    Generation g;
    g.number = n;
    g.link = entry.path();
    g.store_path = fs::read_symlink(entry.path(), ec);
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) == 0) g.created = st.st_mtime;
    g.current = !current_target.empty() && current_target.filename() == entry.path().filename();
    out.push_back(g);
  }
  std::sort(out.begin(), out.end(), [](const Generation& a, const Generation& b) { return a.number < b.number; });
  return out;
}

int NixStore::current_generation() const {
  std::error_code ec;
  const auto target = fs::read_symlink(system_profile(), ec);
  return ec ? 0 : generation_number(target.filename().string());
}

std::vector<int> NixStore::register_generations_fast(const std::vector<fs::path>& store_paths,
                                                     std::chrono::seconds spacing) {
  // Same result as `nix-env -p system --set P` for each P, which is too slow for a thousand generations:
  //   system-<N>-link -> <absolute store path>   N = highest existing number + 1
  //   system -> system-<N>-link                  relative, replaced atomically
  // Link mtimes are the generation dates nix-env lists; they are spread `spacing` apart, ending now.
  // GC roots: the links live in <state>/profiles, which the collector scans (and gcroots/profiles points to).
  int next = 1;
  for (const auto& g : list_generations()) next = std::max(next, g.number + 1);
  const auto now = std::chrono::system_clock::now();
  std::vector<int> numbers;
  for (size_t i = 0; i < store_paths.size(); ++i) {
    const int n = next + static_cast<int>(i);
    const auto link = profiles_dir() / ("system-" + std::to_string(n) + "-link");
    fs::create_symlink(store_paths[i], link);
    const auto when = now - spacing * static_cast<long>(store_paths.size() - 1 - i);
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
    const timespec times[2] = {{secs, 0}, {secs, 0}};
    ::utimensat(AT_FDCWD, link.c_str(), times, AT_SYMLINK_NOFOLLOW);
    numbers.push_back(n);
  }
  if (!numbers.empty()) {
    const auto tmp = profiles_dir() / ("system.tmp-" + std::to_string(::getpid()));
    fs::remove(tmp);
    fs::create_symlink("system-" + std::to_string(numbers.back()) + "-link", tmp);
    fs::rename(tmp, system_profile());
  }
  return numbers;
}

std::vector<int> NixStore::build_many(int n, const SystemSpec& base) {
  if (n <= 0) return {};
  // One derivation per batch with one output per generation (outputs g0001, g0002, ...): building a
  // thousand separate derivations costs ~50 ms each in Nix's own bookkeeping (see README.md).
  constexpr int kBatch = 250;
  nlohmann::json batches = nlohmann::json::array();
  for (int first = 1; first <= n; first += kBatch) {
    SystemSpec s = base;
    // The label prefix makes each batch's store paths distinct; generation k is labelled "<prefix>.g<k>".
    s.label = base.store_name_label() + ".b" + std::to_string(first);
    nlohmann::json outputs = nlohmann::json::array();
    for (int k = first; k < std::min(n + 1, first + kBatch); ++k) {
      char name[16];
      std::snprintf(name, sizeof name, "g%04d", k);
      outputs.push_back(name);
    }
    batches.push_back({{"system", spec_to_json(s)}, {"outputs", outputs}});
  }
  auto paths = run_nix_build(nlohmann::json{{"systems", nlohmann::json::array()}, {"batches", batches}}.dump(1),
                             static_cast<size_t>(n));
  // Generation order = output number (the name ends in "-g<k>"), whatever order nix-build printed them in.
  std::sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) {
    const auto num = [](const fs::path& p) {
      const auto name = p.filename().string();
      return std::stoi(name.substr(name.rfind("-g") + 2));
    };
    return num(a) < num(b);
  });
  return register_generations_fast(paths);
}

std::string NixStore::diff_closures(const fs::path& a, const fs::path& b) const {
  auto r =
      nix({"nix", "--extra-experimental-features", "nix-command", "store", "diff-closures", a.string(), b.string()});
  if (!r.ok()) throw std::runtime_error("diff-closures failed: " + r.describe());
  return r.out;
}

}  // namespace nixtray::testing
