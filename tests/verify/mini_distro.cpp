#include "mini_distro.hpp"

#include "catch.hpp"

#include "test_agent.hpp"

#include "nixtray/testing/text_file.hpp"
#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unit_files.hpp"

#include <fstream>
#include <sstream>

namespace nixtray::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const fs::path standin = fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "verify" / "mini-distro-standin";
const fs::path rebuild_standin = fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "jobs" / "nixos-rebuild-standin";

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::vector<std::string> read_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

MiniDistro::MiniDistro() : dir_("nxv"), store_(dir_ / "nix") {
  fs::create_directories(state_dir());
  fs::create_directories(configs());
  fs::create_directories(home("root"));
  fs::create_directories(store_.profiles_dir());
  // No probation: a verify that passes makes the generation known-good at once, as the tests of
  // the check expect; the probation's own tests set it (write_agent_config).
  std::ofstream(dir_ / "agent.json") << R"({"probation": 0})"
                                     << "\n";
  std::ofstream(dir_ / "mini-distro.conf")
      << "HARNESS=" << shell_quoted(NIXTRAY_HARNESS_BINARY) << "\n"
      << "PROFILE=" << shell_quoted(store_.system_profile().string()) << "\n"
      << "ACTIVATION_LOG=" << shell_quoted((dir_ / "activation.log").string()) << "\n";
}

MiniDistro::~MiniDistro() { run_process({NIXTRAY_HARNESS_BINARY, "down", "--dir", dir_.path().string()}); }

SystemSpec MiniDistro::good_generation(const std::string& label) const {
  SystemSpec spec;
  spec.label = label;
  spec.wsl_conf = "[boot]\nsystemd=true\n\n[user]\ndefault=root\n";
  spec.agent_path = agent_binary();
  ServiceSpec agent;
  agent.description = "nixtray agent (of this generation)";
  // As the NixOS module runs it: from the active generation.
  agent.exec_start = {"/run/current-system/sw/bin/nixtray-agent",
                      "serve",
                      "--config",
                      (dir_ / "agent.json").string(),
                      "--socket",
                      socket().string(),
                      "--state-dir",
                      state_dir().string(),
                      "--profile-dir",
                      store_.profiles_dir().string(),
                      "--activation-log",
                      (dir_ / "activation.log").string(),
                      "--rebuild-command",
                      rebuild_standin.string(),
                      "--min-free-space",
                      "0"};
  agent.environment = store_.env();
  agent.environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
  agent.environment["NIXTRAY_STANDIN_CONFIGS"] = configs().string();
  agent.type = "notify";
  agent.log_file = dir_ / "agent.log";
  agent.extra_unit_lines = {"After=dbus.socket"};
  spec.units["nixtray-agent.service"] = UnitFiles::service(agent);
  spec.etc_files["passwd"] =
      "root:x:0:0:System administrator:" + home("root").string() + ":/run/current-system/sw/bin/sh\n";
  spec.units["user@.service"] =
      "[Unit]\nDescription=User Manager for UID %i (stand-in: no systemd --user here)\n\n[Service]\n"
      "ExecStart=/bin/sleep infinity\n";
  return spec;
}

void MiniDistro::write_agent_config(const json& settings) const {
  std::ofstream(dir_ / "agent.json") << settings.dump() << "\n";
}

int MiniDistro::add_generation(const SystemSpec& spec) { return store_.add_generation(store_.build_system(spec)); }

// Split on whitespace by nixtrayctl (no path here has any).
std::string MiniDistro::control_command(const std::string& action) const {
  return "/bin/sh " + standin.string() + " " + dir_.path().string() + " " + action;
}

std::vector<std::string> MiniDistro::nixtrayctl_argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {NIXTRAYCTL_BINARY,
                                   "--config",
                                   settings_file().string(),
                                   "--agent",
                                   "unix:" + socket().string(),
                                   "--distro-control",
                                   "command",
                                   "--start",
                                   control_command("start"),
                                   "--stop",
                                   control_command("stop"),
                                   "--is-running",
                                   control_command("is-running"),
                                   "--exec-as-root",
                                   control_command("exec-as-root"),
                                   "--console",
                                   control_command("console"),
                                   "--profile-dir",
                                   store_.profiles_dir().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

ProcessResult MiniDistro::nixtrayctl(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  RunOptions options;
  options.timeout = timeout;
  return run_process(nixtrayctl_argv(args), options);
}

Subprocess MiniDistro::spawn_nixtrayctl(const std::vector<std::string>& args) {
  SpawnOptions options;
  options.stdout_to = Redirect::append_to(dir_ / "nixtrayctl.out");
  options.stderr_to = Redirect::append_to(dir_ / "nixtrayctl.err");
  return Subprocess::spawn(nixtrayctl_argv(args), options);
}

void MiniDistro::boot_known_good_two() {
  add_generation(good_generation("24.11.20241201.aaaaaaa (Vicuna)"));
  add_generation(good_generation("24.11.20241215.bbbbbbb (Vicuna)"));
  start();
  const auto marked = agent_call("generations.mark_good", {{"number", 2}});
  INFO(marked.dump());
  REQUIRE(marked["result"]["known_good"] == 2);
  REQUIRE(agent_status()["generations"]["booted"] == 2);
}

void MiniDistro::start() {
  const auto result = nixtrayctl({"start", "--timeout", "60"});
  if (!result.ok()) {
    throw std::runtime_error("the mini distro did not start: " + result.describe() + "\n" + diagnostics());
  }
}

void MiniDistro::stop() {
  const auto result = nixtrayctl({"stop"});
  if (!result.ok()) {
    throw std::runtime_error("the mini distro did not stop: " + result.describe() + "\n" + diagnostics());
  }
}

bool MiniDistro::running() const {
  return run_process({"/bin/sh", standin.string(), dir_.path().string(), "is-running"}).ok();
}

ProcessResult MiniDistro::console(const std::vector<std::string>& argv) const {
  std::vector<std::string> full = {"/bin/sh", standin.string(), dir_.path().string(), "console"};
  full.insert(full.end(), argv.begin(), argv.end());
  RunOptions options;
  options.timeout = scaled(60s);
  return run_process(full, options);
}

ProcessResult MiniDistro::run_inside(const std::vector<std::string>& argv, const Environment& env) const {
  std::vector<std::string> full = {"/usr/bin/nsenter", "-t", std::to_string(namespace_pid()), "-a", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  RunOptions options;
  options.env = merged(minimal_environment(), env);
  options.timeout = scaled(120s);
  return run_process(full, options);
}

json MiniDistro::agent_call(const std::string& method, const json& params) const {
  auto client = RawClient::unix_socket(socket());
  const auto hello = client.hello();
  if (!hello.contains("result")) throw std::runtime_error("hello failed: " + hello.dump());
  client.request(2, method, params);
  const auto response = client.response(2, scaled(30s));
  if (!response) throw std::runtime_error("no answer to " + method);
  return *response;
}

json MiniDistro::settings() const {
  if (!fs::exists(settings_file())) return nullptr;
  return json::parse(read_text(settings_file()));
}

json MiniDistro::distro_record() const {
  const auto j = settings();
  if (j.is_null() || !j.contains("targets")) return nullptr;
  for (const auto& target : j["targets"]) {
    if (target.value("distro", "") == "NixOS" && target.contains("distros") && target["distros"].contains("NixOS")) {
      return target["distros"]["NixOS"];
    }
  }
  return nullptr;
}

std::vector<std::string> MiniDistro::control_log() const { return read_lines(dir_ / "control.log"); }

std::string MiniDistro::agent_log() const { return read_text(dir_ / "agent.log"); }

long MiniDistro::namespace_pid() const {
  for (const auto& line : read_lines(dir_ / "harness.env")) {
    const std::string prefix = "export NIXTRAY_HARNESS_PID='";
    if (line.rfind(prefix, 0) == 0) return std::stol(line.substr(prefix.size()));
  }
  return 0;
}

std::string MiniDistro::diagnostics() const {
  std::string text = "--- control.log ---\n" + read_text(dir_ / "control.log");
  text += "--- supervisor.log ---\n" + read_text(dir_ / "supervisor.log");
  text += "--- launcher.log ---\n" + read_text(dir_ / "ns" / "launcher.log");
  text += "--- activation.log ---\n" + read_text(dir_ / "activation.log");
  text += "--- agent.log ---\n" + agent_log();
  return text;
}

json parse_output(const ProcessResult& result) {
  try {
    return json::parse(result.out);
  } catch (const std::exception& e) {
    FAIL("not JSON: " << e.what() << "\n" << result.describe());
    return nullptr;
  }
}

const json* find_step(const json& report, const std::string& name, const std::string& phase) {
  for (const auto& step : report["steps"]) {
    if (step["name"] == name && step["phase"] == phase) return &step;
  }
  return nullptr;
}

}  // namespace nixtray::testing
