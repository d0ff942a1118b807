// `nixtrayctl space` and `nixtrayctl gc`: what fills the Nix store's disk, and the agent's gc job
// that frees it. The text is nixtray-agent space's (nixtray/text/space_text.hpp), so both command
// lines print one report; --json prints the protocol's SpaceReport, or the finished Job.
#include "core/state/state_text.hpp"
#include "ctl/ctl_program.hpp"
#include "ctl/ctl_words.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/space.hpp"
#include "nixtray/text/byte_size.hpp"
#include "nixtray/text/space_text.hpp"

#include <algorithm>
#include <iostream>
#include <vector>

namespace nixtray::ctl {

namespace asio = net::asio;
using protocol::json;
using namespace std::chrono_literals;

namespace {

// An agent that has not finished its first look at the store answers when it has: seconds on a
// loaded machine, longer on a large store. Without --timeout, wait for that rather than 30 s.
constexpr std::chrono::milliseconds first_look_wait = 5min;

asio::awaitable<std::shared_ptr<tray::AgentConnection>> open_agent(CommandContext& context) {
  auto opening = tray::AgentConnection::open(context.session.connection_options());
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<tray::ConnectionFailure>(&opened)) {
    throw CommandFailure(exit_unreachable, failure->message);
  }
  co_return std::get<std::shared_ptr<tray::AgentConnection>>(opened);
}

asio::awaitable<int> print_space(CommandContext& context, std::chrono::milliseconds timeout, bool refresh,
                                 bool as_json) {
  auto opening = open_agent(context);
  auto agent = co_await std::move(opening);
  if (!agent->supports(protocol::SpaceMethod::name)) {
    throw CommandFailure(exit_failed, "this agent (" + agent->hello().agent +
                                          ") does not report space; update nixtray-agent in the distro");
  }
  protocol::SpaceParams params;
  params.refresh = refresh;
  auto asking = agent->call<protocol::SpaceMethod>(params, timeout);
  auto report = co_await std::move(asking);
  if (!report) throw CommandFailure(exit_failed, "space: " + report.error().message);
  std::cout << (as_json ? json(report.value()).dump(2) + "\n" : text::space_report_text(report.value()));
  co_return exit_ok;
}

// The generation numbers the agent lists now (the job's record names no deleted generations: they
// are what was there before and is not after).
asio::awaitable<std::vector<int>> generation_numbers(std::shared_ptr<tray::AgentConnection> agent) {
  const protocol::NoParams none;
  auto listing = agent->call<protocol::GenerationsListMethod>(none);
  auto list = co_await std::move(listing);
  if (!list) throw CommandFailure(exit_failed, "generations.list: " + list.error().message);
  std::vector<int> numbers;
  for (const auto& generation : list->generations) numbers.push_back(generation.number);
  co_return numbers;
}

tray::Sentence deleted_sentence(const std::vector<int>& before, const std::vector<int>& after) {
  std::string numbers;
  unsigned long count = 0;
  for (const auto number : before) {
    if (std::find(after.begin(), after.end(), number) != after.end()) continue;
    numbers += (numbers.empty() ? "" : ", ") + std::to_string(number);
    ++count;
  }
  if (count == 0) return tray::sentence("Deleted:     no generation");
  return tray::counted("Deleted:     generation %2$s", "Deleted:     generations %2$s", count, {numbers});
}

asio::awaitable<int> collect_garbage(CommandContext& context, protocol::JobStartParams params, bool as_json) {
  auto opening = open_agent(context);
  auto agent = co_await std::move(opening);
  auto listing = generation_numbers(agent);
  const auto before = co_await std::move(listing);
  auto running = follow_job_to_end(agent, params);
  auto job = co_await std::move(running);
  if (!job) throw CommandFailure(exit_failed, "gc: " + job.error().message);
  if (as_json) {
    std::cout << json(job.value()).dump(2) << "\n";
  } else {
    std::cout << job_outcome_line(tray::job_kind_noun(protocol::JobKind::gc), job.value()) << "\n";
    auto relisting = generation_numbers(agent);
    const auto after = co_await std::move(relisting);
    std::cout << say(deleted_sentence(before, after)) << "\n";
    if (job->freed_bytes) {
      std::cout << say(tray::sentence("Freed:       %s", {text::format_bytes(*job->freed_bytes)})) << "\n";
    }
  }
  co_return job->state == protocol::JobState::succeeded ? exit_ok : exit_failed;
}

}  // namespace

int run_space(const cli::ParsedCommandLine& args, CommandContext& context) {
  const auto timeout = args.has("timeout") ? context.timeout : first_look_wait;
  return context.run(print_space(context, timeout, args.has("refresh"), args.has("json")));
}

int run_gc(const cli::ParsedCommandLine& args, CommandContext& context) {
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::gc;
  if (const auto keep = args.integer("keep", 1, 1'000'000)) params.keep = static_cast<int>(*keep);
  if (const auto days = args.integer("older-than", 0, 100'000)) params.older_than_days = static_cast<int>(*days);
  if (!params.keep && !params.older_than_days) {
    throw cli::UsageError("give --keep N, --older-than DAYS or both");
  }
  return context.run(collect_garbage(context, params, args.has("json")));
}

}  // namespace nixtray::ctl
