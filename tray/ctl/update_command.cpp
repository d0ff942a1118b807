// `nixtrayctl update`: a flake update tried before anything changes. The agent's rebuild job with
// `update` builds the configuration with its inputs updated in a copy of the flake; this prints
// what moved and the package diff (tray/core's update preview, in English), and how to switch.
// `update --switch JOB` makes that build the next boot (the agent writes the new flake.lock then)
// and verifies it as `rebuild` does.
#include "core/state/update_preview.hpp"
#include "ctl/ctl_program.hpp"
#include "ctl/ctl_words.hpp"

#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/wire_name.hpp"
#include "nixtray/text/byte_size.hpp"

#include <iostream>

namespace nixtray::ctl {

namespace asio = net::asio;
using protocol::json;

namespace {

asio::awaitable<std::shared_ptr<tray::AgentConnection>> open_agent(CommandContext& context) {
  auto opening = tray::AgentConnection::open(context.session.connection_options());
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<tray::ConnectionFailure>(&opened)) {
    throw CommandFailure(exit_unreachable, failure->message);
  }
  co_return std::get<std::shared_ptr<tray::AgentConnection>>(opened);
}

std::string versions(const std::vector<std::string>& list) {
  std::string text;
  for (const auto& version : list) text += (text.empty() ? "" : ", ") + version;
  return text.empty() ? std::string("\xE2\x88\x85") : text;
}

void print_preview(const tray::UpdatePreview& preview) {
  std::cout << say(preview.headline) << (preview.inputs.empty() ? "\n" : ":\n");
  for (const auto& input : preview.inputs) {
    std::cout << "  " << input.name << (input.source.empty() ? "" : " (" + input.source + ")") << ": "
              << say(input.change) << "\n";
  }
  const auto& packages = preview.packages;
  std::cout << say(packages.summary);
  if (packages.known) {
    std::cout << " "
              << say(tray::sentence(
                     "Closure: %1$s \xE2\x86\x92 %2$s.",
                     {text::format_bytes(packages.from_closure_size), text::format_bytes(packages.to_closure_size)}));
  }
  std::cout << "\n";
  for (const auto& change : packages.changes) {
    std::cout << "  " << change.name << ": " << protocol::wire_name(change.kind) << ", "
              << versions(change.from_versions) << " \xE2\x86\x92 " << versions(change.to_versions) << ", "
              << text::format_bytes_delta(change.size_delta) << "\n";
  }
}

// The update job, followed to its end, and the diff from the running generation to its build.
asio::awaitable<int> try_update(CommandContext& context, std::optional<std::string> flake, bool as_json) {
  auto opening = open_agent(context);
  auto agent = co_await std::move(opening);
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  params.mode = protocol::RebuildMode::build;
  params.update = true;
  params.flake = std::move(flake);
  auto running = follow_job_to_end(agent, params);
  auto job = co_await std::move(running);
  if (!job) throw CommandFailure(exit_failed, "update: " + job.error().message);
  if (job->state != protocol::JobState::succeeded) {
    if (as_json) std::cout << json{{"job", job.value()}, {"diff", nullptr}}.dump(2) << "\n";
    throw CommandFailure(exit_failed, "update (job " + job->id + "): " + protocol::wire_name(job->state) +
                                          (job->summary ? ": " + *job->summary : std::string()));
  }
  // Compared with what runs now, as the tray's review compares a build.
  std::optional<int> from = job->generation_before;
  auto asking = agent->call<protocol::StatusMethod>(protocol::NoParams{});
  if (auto status = co_await std::move(asking); status && status->generations.current) {
    from = status->generations.current;
  }
  std::optional<protocol::GenerationsDiff> diff;
  std::string no_diff;
  if (from && job->result_path) {
    protocol::GenerationsDiffParams diff_params;
    diff_params.from = *from;
    diff_params.to_path = *job->result_path;
    auto diffing = agent->call<protocol::GenerationsDiffMethod>(diff_params);
    auto diffed = co_await std::move(diffing);
    if (diffed)
      diff = diffed.value();
    else
      no_diff = diffed.error().message;
  }
  agent->close();
  if (as_json) {
    std::cout << json{{"job", job.value()}, {"diff", diff ? json(*diff) : json(nullptr)}}.dump(2) << "\n";
    co_return exit_ok;
  }
  std::cout << say(tray::sentence("update (job %1$s): built %2$s", {job->id, job->result_path.value_or("?")})) << "\n";
  print_preview(tray::update_preview(job.value(), diff));
  if (!no_diff.empty()) std::cout << "(generations.diff: " << no_diff << ")\n";
  std::cout << say(tray::sentence("Nothing is written yet. To switch to it and verify the boot: %s",
                                  {"nixtrayctl update --switch " + job->id}))
            << "\n"
            << say(tray::sentence("To discard it, do nothing.")) << "\n";
  co_return exit_ok;
}

asio::awaitable<std::string> built_system_of(CommandContext& context, std::string job_id) {
  auto opening = open_agent(context);
  auto agent = co_await std::move(opening);
  auto asking = agent->call<protocol::JobsGetMethod>(protocol::JobIdParams{job_id});
  auto job = co_await std::move(asking);
  agent->close();
  if (!job) throw CommandFailure(exit_failed, "job " + job_id + ": " + job.error().message);
  if (!job->args.update.value_or(false) || !job->update) {
    throw CommandFailure(exit_failed, "job " + job_id + " is not an update (nixtrayctl update starts one)");
  }
  if (job->state != protocol::JobState::succeeded || !job->result_path) {
    throw CommandFailure(
        exit_failed, "update job " + job_id + " built nothing to switch to (" + protocol::wire_name(job->state) + ")");
  }
  co_return *job->result_path;
}

// Without verifying: the switch itself, followed to its end.
asio::awaitable<int> switch_unverified(CommandContext& context, protocol::JobStartParams params) {
  auto opening = open_agent(context);
  auto agent = co_await std::move(opening);
  auto running = tray::run_job_to_end(agent, params, std::chrono::hours(1), std::chrono::milliseconds(500), {});
  auto job = co_await std::move(running);
  if (!job) throw CommandFailure(exit_failed, "switch: " + job.error().message);
  std::cout << job_outcome_line("switch", job.value()) << "\n";
  if (job->lock_written) std::cout << say(tray::sentence("wrote %s", {*job->lock_written})) << "\n";
  if (job->state == protocol::JobState::succeeded) {
    std::cout << unverified_note() << "\n";
  }
  co_return job->state == protocol::JobState::succeeded ? exit_ok : exit_failed;
}

}  // namespace

int run_update(const cli::ParsedCommandLine& args, CommandContext& context) {
  const auto switch_to = args.value("switch");
  if (!switch_to) {
    for (const char* option : {"no-verify", "no-rollback"}) {
      if (args.has(option)) throw cli::UsageError(std::string("--") + option + " goes with --switch JOB");
    }
    const auto flake = args.value("flake") ? args.value("flake") : context.session.settings().flake;
    return context.run(try_update(context, flake, args.has("json")));
  }
  if (args.has("flake")) throw cli::UsageError("--switch activates what the update built: it takes no --flake");
  const auto system = context.run(built_system_of(context, *switch_to));
  tray::RebuildRequest request;
  request.mode = protocol::RebuildMode::boot;
  request.system = system;
  if (!args.has("no-verify")) return run_boot_check(args, context, request);
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  params.mode = protocol::RebuildMode::switch_;
  params.system = system;
  return context.run(switch_unverified(context, params));
}

}  // namespace nixtray::ctl
