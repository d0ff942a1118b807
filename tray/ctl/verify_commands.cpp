// `nixtrayctl verify-boot` and `nixtrayctl rebuild`: the session's boot check from the command line.
// What the host must remember (the check in progress, the known-good generation) goes to the
// settings file as the tray keeps it, so a nixtrayctl killed half-way is reported by the next one.
#include "core/verify/session_verify.hpp"
#include "core/verify/verify_progress_view.hpp"
#include "ctl/ctl_program.hpp"
#include "ctl/ctl_words.hpp"

#include "nixtray/protocol/wire_name.hpp"

#include <iostream>

namespace nixtray::ctl {

namespace asio = net::asio;
using protocol::json;

namespace {

json to_json(const std::optional<tray::Notification>& notification) {
  if (!notification) return nullptr;
  return json{{"kind", std::string(tray::to_string(notification->kind))},
              {"title", notification->title.english()},
              {"body", notification->body.english()}};
}

}  // namespace

int run_boot_check(const cli::ParsedCommandLine& args, CommandContext& context,
                   std::optional<tray::RebuildRequest> rebuild) {
  const bool as_json = args.has("json");
  // A rescue from outside needs the profile's absolute path: refuse before anything restarts.
  (void)distro_profile_dir(context);
  tray::BootCheckRequest request;
  request.rebuild_first = std::move(rebuild);
  // --timeout: how long to wait for the agent, which for a boot check is the boot.
  if (args.has("timeout")) request.boot_timeout = context.timeout;
  request.no_rollback = args.has("no-rollback");
  request.on_step = [](const tray::VerifyStep& step) {
    // Progress for people on stderr; stdout holds the result (text or JSON).
    std::cerr << "nixtrayctl: " << say(tray::verify_step_line(step)) << "\n";
  };
  if (const auto interrupted = context.session.interrupted_verify()) {
    std::cerr << "nixtrayctl: " << tray::describe_interrupted_verify(*interrupted) << " Checking again.\n";
  }
  const auto report = context.run(context.session.check_boot(std::move(request)));
  if (as_json) {
    auto j = tray::to_json(report);
    const auto& settings = context.session.settings();
    j["notification"] = to_json(tray::verify_notification(report, settings.notifications, context.session.distro()));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << tray::format_verify_report(report, words());
  }
  return tray::verify_exit_code(report);
}

namespace {

asio::awaitable<int> rebuild_only(CommandContext& context, protocol::JobStartParams params, bool as_json) {
  auto opening = tray::AgentConnection::open(context.session.connection_options());
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<tray::ConnectionFailure>(&opened)) {
    std::cerr << "nixtrayctl rebuild: " << failure->message << "\n";
    co_return exit_unreachable;
  }
  auto agent = std::get<std::shared_ptr<tray::AgentConnection>>(opened);
  auto running = follow_job_to_end(agent, params);
  auto job = co_await std::move(running);
  if (!job) {
    std::cerr << "nixtrayctl rebuild: " << job.error().message << "\n";
    co_return exit_failed;
  }
  if (as_json) {
    std::cout << json(job.value()).dump(2) << "\n";
  } else {
    std::cout << job_outcome_line("rebuild", job.value()) << "\n";
    const bool changes_boot =
        params.mode == protocol::RebuildMode::switch_ || params.mode == protocol::RebuildMode::boot;
    if (changes_boot && job->state == protocol::JobState::succeeded) {
      std::cout << unverified_note() << "\n";
    }
  }
  co_return job->state == protocol::JobState::succeeded ? exit_ok : exit_failed;
}

}  // namespace

int run_verify_boot(const cli::ParsedCommandLine& args, CommandContext& context) {
  return run_boot_check(args, context, std::nullopt);
}

int run_rebuild(const cli::ParsedCommandLine& args, CommandContext& context) {
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
  const auto flake = args.value("flake") ? args.value("flake") : context.session.settings().flake;
  if (mode == protocol::RebuildMode::boot && !args.has("no-verify")) {
    auto request = tray::rebuild_before_verify(context.session.settings());
    request.flake = flake;
    request.upgrade = args.has("upgrade");
    return run_boot_check(args, context, request);
  }
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  params.mode = mode;
  params.flake = flake;
  if (args.has("upgrade")) params.upgrade = true;
  return context.run(rebuild_only(context, params, args.has("json")));
}

}  // namespace nixtray::ctl
