#include "core/targets/copy_trial.hpp"

#include "core/distro/wsl_distro_control.hpp"
#include "core/distro/wsl_list_parser.hpp"
#include "core/onboarding/nixos_import.hpp"
#include "core/tray_session.hpp"
#include "core/verify/verify_progress_view.hpp"

#include <system_error>

namespace nixtray::tray {

namespace asio = net::asio;
using protocol::json;

namespace {

class Trial {
 public:
  Trial(CopyTrialReport& report, const CopyTrialObserver& observer) : report_(report), observer_(observer) {}

  void begin(std::string name, Sentence message) {
    report_.steps.push_back({std::move(name), StepStatus::running, message.english(), message});
    tell();
  }
  void end(StepStatus status, Sentence said) {
    auto english = said.english();
    end(status, std::move(said), std::move(english));
  }
  // `english` says more than `said` where the window shows a shorter sentence than the text.
  void end(StepStatus status, Sentence said, std::string english) {
    report_.steps.back().status = status;
    report_.steps.back().message = std::move(english);
    report_.steps.back().said = std::move(said);
    tell();
  }

 private:
  void tell() const {
    if (observer_.on_step) observer_.on_step(report_.steps.back());
  }
  CopyTrialReport& report_;
  const CopyTrialObserver& observer_;
};

// The copy as a target of its own: the original's settings, its own name and distro, reached
// through its bridge, restarted with the same wsl.exe; its records in a file of its own.
SessionSetup copy_setup(const SessionSetup& original, const WslDistroControlOptions& wsl, const std::string& copy,
                        const std::filesystem::path& folder) {
  auto settings = original.settings;
  settings.name = copy;
  settings.distro = copy;
  settings.agent = wsl_bridge_address(wsl.wsl, copy);
  settings.token_file.reset();
  settings.connect_starts_distro = true;
  settings.distro_control = {};
  settings.distro_control.kind = "wsl";
  settings.distro_control.wsl = wsl.wsl;
  settings.distro_control.through_login_shell = wsl.through_login_shell;
  settings.distros.clear();
  settings.verify.profile_dir = original.profile_dir;
  SessionFlags flags;
  flags.config = folder / "trial-settings.json";
  return make_session_setup(flags, original.use, std::move(settings));
}

}  // namespace

asio::awaitable<CopyTrialReport> try_on_copy(SessionSetup original, CopyTrialRequest request,
                                             CopyTrialObserver observer) {
  CopyTrialReport report;
  report.original = original.distro;
  report.copy = request.copy_name.empty() ? original.distro + "-nixtray-trial" : request.copy_name;
  Trial trial(report, observer);
  const auto wsl = wsl_options_of(original.control.get());
  if (!wsl) {
    set_outcome(report, sentence("Only a WSL distro can be tried on a copy: %s is not controlled with wsl.exe.",
                                 {original.settings.target_name()}));
    co_return report;
  }
  const auto folder = request.folder.empty() ? default_distro_folder(report.copy) : request.folder;
  WslDistroControl control(*wsl);

  // A copy of that name must not exist: it would be another trial's, or someone's distro.
  trial.begin("export", sentence("exporting %s", {report.original}));
  auto listing = control.list_distros();
  const auto listed = co_await std::move(listing);
  if (!listed.ok) {
    trial.end(StepStatus::failed, sentence("cannot list WSL's distros: %s", {listed.message}));
    set_outcome(report, sentence("The copy could not be made: %s", {listed.message}));
    co_return report;
  }
  if (contains_distro(parse_wsl_list(listed.output), report.copy)) {
    trial.end(StepStatus::failed, sentence("WSL has a distro named %s already", {report.copy}));
    set_outcome(report, sentence("The copy could not be made: WSL has a distro named %1$s already (a trial that did "
                                 "not finish?). Remove it with wsl.exe --unregister %1$s if it is one.",
                                 {report.copy}));
    co_return report;
  }
  std::error_code ec;
  if (std::filesystem::exists(folder, ec) && !std::filesystem::is_empty(folder, ec)) {
    trial.end(StepStatus::failed, sentence("%s is not empty", {path_text(folder)}));
    set_outcome(report, sentence("The copy could not be made: its folder %s is not empty.", {path_text(folder)}));
    co_return report;
  }
  std::filesystem::create_directories(folder, ec);
  const auto exported = folder / (report.original + ".tar");
  auto exporting = control.export_distro(exported);
  const auto export_result = co_await std::move(exporting);
  bool registered = false;
  if (!export_result.ok) {
    trial.end(StepStatus::failed, sentence("%s", {export_result.message}));
    set_outcome(report, sentence("The copy could not be made: exporting %1$s failed: %2$s",
                                 {report.original, export_result.message}));
  } else {
    trial.end(StepStatus::ok, sentence("exported to %s", {path_text(exported)}));
    trial.begin("import", sentence("importing it as %s", {report.copy}));
    auto importing = control.import_distro(NixosImportRequest{exported, report.copy, folder / "disk"});
    const auto import_result = co_await std::move(importing);
    if (!import_result.ok) {
      trial.end(StepStatus::failed, sentence("%s", {import_result.message}));
      set_outcome(report, sentence("The copy could not be made: importing it failed: %s", {import_result.message}));
    } else {
      registered = true;
      trial.end(StepStatus::ok, sentence("%1$s is a copy of %2$s", {report.copy, report.original}));
      std::filesystem::remove(exported, ec);  // the copy has it now; the disk space is needed
    }
  }

  if (registered) {
    trial.begin("rebuild and verify", sentence("rebuilding %s and restarting it", {report.copy}));
    auto session =
        TraySession::create(co_await asio::this_coro::executor, copy_setup(original, *wsl, report.copy, folder), {});
    BootCheckRequest check;
    check.rebuild_first = request.rebuild;
    check.boot_timeout = request.boot_timeout;
    check.no_rollback = true;  // the copy is thrown away: nothing to keep
    check.on_step = observer.on_check_step;
    auto checking = session->check_boot(std::move(check));
    report.check = co_await std::move(checking);
    session->stop();
    report.passed = verify_exit_code(*report.check) == 0;
    // The window says the check's headline in the person's language; the text and JSON keep the
    // check's whole English paragraph, which names more than the headline does.
    trial.end(report.passed ? StepStatus::ok : StepStatus::failed, verify_headline(*report.check),
              report.check->message);
    if (report.passed) {
      set_outcome(report,
                  sentence("The copy rebuilt and booted: the same rebuild can be applied to %s.", {report.original}));
    } else {
      auto failed = sentence("The rebuild or its boot verification failed on the copy, so %1$s was not changed: %2$s",
                             {report.original, report.check->message});
      report.message = failed.english();
      failed.nest(1, verify_headline(*report.check));
      report.said = std::move(failed);
    }

    trial.begin("remove", sentence("unregistering %s", {report.copy}));
    WslDistroControl copy_control([&] {
      auto options = *wsl;
      options.distro = report.copy;
      return options;
    }());
    auto stopping = copy_control.terminate();
    (void)co_await std::move(stopping);
    auto unregistering = control.unregister_distro(report.copy);
    const auto removed = co_await std::move(unregistering);
    if (removed.ok) {
      trial.end(StepStatus::ok, sentence("%s is gone", {report.copy}));
    } else {
      trial.end(StepStatus::failed,
                sentence("%1$s; remove it with wsl.exe --unregister %2$s", {removed.message, report.copy}));
    }
  }
  std::filesystem::remove_all(folder, ec);
  const bool copy_gone = !registered || report.steps.back().status == StepStatus::ok;
  report.removed = copy_gone && !std::filesystem::exists(folder, ec);
  co_return report;
}

void set_outcome(CopyTrialReport& report, Sentence said) {
  report.message = said.english();
  report.said = std::move(said);
}

int copy_trial_exit_code(const CopyTrialReport& report) {
  if (report.passed) return 0;
  return report.check ? 1 : 2;
}

std::string format_copy_trial_report(const CopyTrialReport& report) {
  std::string text;
  for (const auto& step : report.steps) {
    text += step.name + ": " + std::string(to_string(step.status)) + (step.message.empty() ? "" : ": " + step.message) +
            "\n";
  }
  text += report.message + "\n";
  if (!report.removed) text += "The copy " + report.copy + " or its folder is left over.\n";
  return text;
}

json to_json(const CopyTrialReport& report) {
  json steps = json::array();
  for (const auto& step : report.steps) {
    steps.push_back({{"name", step.name}, {"status", std::string(to_string(step.status))}, {"message", step.message}});
  }
  return {{"original", report.original}, {"copy", report.copy},
          {"steps", std::move(steps)},   {"check", report.check ? to_json(*report.check) : json(nullptr)},
          {"passed", report.passed},     {"removed", report.removed},
          {"message", report.message}};
}

}  // namespace nixtray::tray
