#include "core/onboarding/nixos_installer.hpp"

#include "core/distro/process_runner.hpp"
#include "core/distro/wsl_list_parser.hpp"

#include <filesystem>

namespace nixtray::tray {

namespace asio = net::asio;

std::string_view to_string(InstallStepName name) {
  switch (name) {
    case InstallStepName::check:
      return "check";
    case InstallStepName::import:
      return "import";
    case InstallStepName::activate:
      return "activate";
    case InstallStepName::start:
      return "start";
  }
  return "check";
}

std::string NixosInstallReport::failure() const {
  for (const auto& step : steps) {
    if (step.state == InstallStepState::failed) return step.detail;
  }
  return {};
}

namespace {

// Collects the steps and tells the observer as each one starts and ends.
class StepLog {
 public:
  StepLog(NixosInstallReport& report, InstallStepObserver observer) : report_(report), observer_(std::move(observer)) {}

  void begin(InstallStepName name, std::string detail) {
    report_.steps.push_back({name, InstallStepState::running, std::move(detail)});
    tell();
  }
  bool end(const ControlResult& result) {
    auto& step = report_.steps.back();
    step.state = result.ok ? InstallStepState::done : InstallStepState::failed;
    if (!result.ok) step.detail = result.message;
    tell();
    return result.ok;
  }
  bool fail(std::string detail) { return end(ControlResult::failure(std::move(detail))); }

 private:
  void tell() {
    if (observer_) observer_(report_.steps.back());
  }
  NixosInstallReport& report_;
  InstallStepObserver observer_;
};

std::string join_sentences(const std::vector<std::string>& sentences) {
  std::string text;
  for (const auto& sentence : sentences) text += (text.empty() ? "" : " ") + sentence;
  return text;
}

}  // namespace

asio::awaitable<NixosInstallReport> install_nixos(WslDistroControlOptions wsl, NixosImportRequest request,
                                                  InstallStepObserver observer) {
  NixosInstallReport report;
  StepLog log(report, std::move(observer));
  wsl.distro = request.name;
  wsl.terminal.clear();
  WslDistroControl control(wsl);

  log.begin(InstallStepName::check, "the image, the name and the folder");
  auto list_op = control.list_distros();
  const auto listed = co_await std::move(list_op);
  if (!listed.ok) {
    log.fail("wsl.exe could not list the distros: " + listed.message);
    co_return report;
  }
  std::vector<std::string> existing;
  for (const auto& distro : parse_wsl_list(listed.output)) existing.push_back(distro.name);
  if (const auto problems = check_nixos_import(request, existing); !problems.empty()) {
    log.fail(join_sentences(problems));
    co_return report;
  }
  log.end(ControlResult::success());

  log.begin(InstallStepName::import, quote_command_line(wsl_import_command(wsl.wsl, request)));
  // The default folder's parents do not exist on a new machine; whether wsl.exe makes them
  // differs between versions, so they are made here.
  std::error_code made;
  std::filesystem::create_directories(request.folder, made);
  if (made) {
    log.fail("cannot create the folder " + path_text(request.folder) + ": " + made.message());
    co_return report;
  }
  auto import_op = control.import_distro(request);
  if (!log.end(co_await std::move(import_op))) co_return report;

  const auto kind = nixos_image_kind(request.image);
  if (kind == NixosImageKind::legacy_tarball) {
    // The old procedure: nothing is on PATH until the profile's activation ran once, and the login
    // shell that starts systemd needs it; --exec runs it without that shell.
    const std::vector<std::string> activate{"/nix/var/nix/profiles/system/activate"};
    log.begin(InstallStepName::activate, quote_command_line(wsl_exec_command(wsl, true, activate)));
    auto activate_op = control.run_as_root(activate);
    if (!log.end(co_await std::move(activate_op))) co_return report;
  }

  auto login_shell = wsl;
  login_shell.through_login_shell = wsl.through_login_shell || kind != NixosImageKind::wsl;
  WslDistroControl starter(login_shell);
  log.begin(InstallStepName::start,
            quote_command_line(wsl_exec_command(login_shell, false, {"/bin/sh", "-c", "true"})));
  auto start_op = starter.start();
  const auto started = co_await std::move(start_op);
  if (!started.ok) {
    log.end(started);
    co_return report;
  }
  auto probe_op = control.is_running();
  const auto probe = co_await std::move(probe_op);
  if (probe.state != RunningState::running) {
    log.fail(request.name + " does not run after its start" + (probe.detail.empty() ? "" : ": " + probe.detail));
    co_return report;
  }
  log.end(ControlResult::success());
  report.ok = true;
  co_return report;
}

}  // namespace nixtray::tray
