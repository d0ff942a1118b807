// `nixtrayctl verify-boot` and `nixtrayctl rebuild`: tray/core's BootVerifier from the command line.
// What the host must remember (the check in progress, the known-good generation) goes to the
// settings file as the tray keeps it, so a nixtrayctl killed half-way is reported by the next one.
#include "core/state/notification_rules.hpp"
#include "core/state/tray_state_reducer.hpp"
#include "core/verify/boot_verifier.hpp"
#include "core/verify/session_verify.hpp"
#include "ctl/ctl_program.hpp"

#include <iostream>

namespace nixtray::ctl {

namespace asio = net::asio;
using protocol::json;

namespace {

tray::BootVerifierOptions verifier_options(const cli::ParsedCommandLine& args, const CtlSetup& setup) {
  tray::BootVerifierOptions options;
  options.agent = connection_options(setup);
  // --timeout: how long to wait for the agent, which for a boot check is the boot.
  options.boot_timeout =
      args.has("timeout")
          ? setup.timeout
          : std::chrono::milliseconds(std::chrono::seconds(std::max(1, setup.settings.verify.boot_timeout_seconds)));
  options.agent.connect_timeout = std::min(options.agent.connect_timeout, options.boot_timeout);
  options.auto_rollback = setup.settings.verify.auto_rollback && !args.has("no-rollback");
  options.distro_profile_dir = distro_profile_dir(args, setup);
  return options;
}

// The notification the tray would show for this result (NotificationRules decides), if any.
json notification_of(const tray::VerifyReport& report, const tray::TraySettings& settings) {
  tray::NotificationRules rules(settings.notifications, std::nullopt, settings.distro);
  const tray::TrayEvent event = tray::verify_finished_event(report);
  const tray::TrayState before;
  const auto after = tray::TrayStateReducer::reduce(before, event);
  const auto decision = rules.observe(before, after, event);
  if (decision.notifications.empty()) return nullptr;
  const auto& n = decision.notifications.front();
  return json{{"kind", std::string(tray::to_string(n.kind))}, {"title", n.title}, {"body", n.body}};
}

int run_check(const cli::ParsedCommandLine& args, CtlSetup& setup, std::optional<tray::RebuildRequest> rebuild) {
  const bool as_json = args.has("json");
  tray::BootVerifierCallbacks callbacks;
  callbacks.on_step = [](const tray::VerifyStep& step) {
    // Progress for people on stderr; stdout holds the result (text or JSON).
    if (step.status == tray::StepStatus::running) {
      std::cerr << "nixtrayctl: " << (step.phase == "recover" ? "recover/" : "") << step.name << ": " << step.message
                << "...\n";
    } else {
      std::cerr << "nixtrayctl: " << (step.phase == "recover" ? "recover/" : "") << step.name << ": "
                << tray::to_string(step.status) << ": " << step.message << "\n";
    }
  };
  callbacks.on_record = [&setup](const std::optional<tray::VerifyRecord>& record) {
    update_distro_record(setup, [&](tray::DistroRecord& r) { r.verify_in_progress = record; });
  };
  callbacks.on_known_good = [&setup](int generation) {
    update_distro_record(setup, [&](tray::DistroRecord& r) { r.known_good = generation; });
  };

  tray::VerifyRequest request;
  if (const auto* record = setup.settings.find_record()) {
    request.host_known_good = record->known_good;
    request.interrupted = record->verify_in_progress;
  }
  if (request.interrupted) {
    std::cerr << "nixtrayctl: " << tray::describe_interrupted_verify(*request.interrupted) << " Checking again.\n";
  }
  request.rebuild_first = std::move(rebuild);

  net::asio::io_context io;
  auto verifier =
      tray::BootVerifier::create(io.get_executor(), verifier_options(args, setup), setup.control, std::move(callbacks));
  std::optional<tray::VerifyReport> report;
  std::exception_ptr error;
  asio::co_spawn(io, verifier->run(std::move(request)), [&](std::exception_ptr e, tray::VerifyReport result) {
    if (e)
      error = e;
    else
      report = std::move(result);
  });
  io.run();
  if (error) std::rethrow_exception(error);

  if (as_json) {
    auto j = tray::to_json(*report);
    j["notification"] = notification_of(*report, setup.settings);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << tray::format_verify_report(*report);
  }
  return tray::verify_exit_code(*report);
}

asio::awaitable<int> rebuild_only(CtlSetup& setup, protocol::JobStartParams params, bool as_json) {
  auto opening = tray::AgentConnection::open(connection_options(setup));
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<tray::ConnectionFailure>(&opened)) {
    std::cerr << "nixtrayctl rebuild: " << failure->message << "\n";
    co_return exit_unreachable;
  }
  auto agent = std::get<std::shared_ptr<tray::AgentConnection>>(opened);
  std::string phase;
  auto running = tray::run_job_to_end(agent, params, std::chrono::hours(2), std::chrono::milliseconds(500),
                                      [&phase](const protocol::Job& job) {
                                        const auto now = json(job.progress.phase).get<std::string>();
                                        if (now != phase)
                                          std::cerr << "nixtrayctl: job " << job.id << ": " << now << "\n";
                                        phase = now;
                                      });
  auto job = co_await std::move(running);
  if (!job) {
    std::cerr << "nixtrayctl rebuild: " << job.error().message << "\n";
    co_return exit_failed;
  }
  if (as_json) {
    std::cout << json(job.value()).dump(2) << "\n";
  } else {
    std::cout << "rebuild (job " << job->id << "): " << json(job->state).get<std::string>()
              << (job->summary ? ": " + *job->summary : std::string()) << "\n";
  }
  co_return job->state == protocol::JobState::succeeded ? exit_ok : exit_failed;
}

}  // namespace

int run_verify_boot(const cli::ParsedCommandLine& args, CtlSetup& setup) {
  return run_check(args, setup, std::nullopt);
}

int run_rebuild(const cli::ParsedCommandLine& args, CtlSetup& setup) {
  protocol::RebuildMode mode = protocol::RebuildMode::boot;
  if (const auto text = args.value("mode")) {
    try {
      mode = json(*text).get<protocol::RebuildMode>();
    } catch (const std::exception&) {
      mode = protocol::RebuildMode::unknown;
    }
    if (mode == protocol::RebuildMode::unknown) {
      throw cli::UsageError("--mode must be switch, boot, test, build or dry-build, not \"" + *text + "\"");
    }
  }
  const auto flake = args.value("flake") ? args.value("flake") : setup.settings.flake;
  if (mode == protocol::RebuildMode::boot && !args.has("no-verify")) {
    auto request = tray::rebuild_before_verify(setup.settings);
    request.flake = flake;
    request.upgrade = args.has("upgrade");
    return run_check(args, setup, request);
  }
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  params.mode = mode;
  params.flake = flake;
  if (args.has("upgrade")) params.upgrade = true;
  return run_to_end(rebuild_only(setup, params, args.has("json")));
}

}  // namespace nixtray::ctl
