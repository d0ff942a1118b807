// status, generations, mark-good, units, units-log: ask the agent, print for people or as JSON.
#include "cli/agent_client.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/human_output.hpp"
#include "config/agent_config.hpp"
#include "nixtray/protocol/methods.hpp"
#include "nixtray/protocol/space.hpp"
#include "nixtray/text/space_text.hpp"

#include <ctime>
#include <iostream>

namespace nixtray::agent {

namespace {

AgentClient connect(const cli::ParsedCommandLine& args) {
  const auto seconds = args.integer("timeout", 1, 86400).value_or(30);
  return AgentClient(configured_socket_path(args), std::chrono::seconds(seconds));
}

template <class Result>
void print(const cli::ParsedCommandLine& args, const Result& result, std::string (*human)(const Result&)) {
  if (args.has("json")) {
    std::cout << protocol::json(result).dump(2) << "\n";
  } else {
    std::cout << human(result);
  }
}

std::string status_now(const protocol::Status& status) { return format_status(status, std::time(nullptr)); }

}  // namespace

int run_status(const cli::ParsedCommandLine& args) {
  auto client = connect(args);
  print(args, client.call<protocol::StatusMethod>({}), status_now);
  return exit_ok;
}

int run_generations(const cli::ParsedCommandLine& args) {
  auto client = connect(args);
  print(args, client.call<protocol::GenerationsListMethod>({}), format_generations);
  return exit_ok;
}

int run_units(const cli::ParsedCommandLine& args) {
  auto client = connect(args);
  print(args, client.call<protocol::UnitsListMethod>({args.has("failed")}), format_units);
  return exit_ok;
}

int run_units_log(const cli::ParsedCommandLine& args) {
  protocol::UnitsLogParams params;
  params.unit = args.args.at(0);
  params.lines = static_cast<int>(args.integer("lines", 1, 1000).value_or(50));
  auto client = connect(args);
  print(args, client.call<protocol::UnitsLogMethod>(params), format_unit_log);
  return exit_ok;
}

int run_diff(const cli::ParsedCommandLine& args) {
  protocol::GenerationsDiffParams params;
  params.from = static_cast<int>(cli::integer_argument(args, 0, "generation A", 1, protocol::max_generation_number));
  // B may be a store path that is not a generation, e.g. a `rebuild build` job's result.
  if (args.args.at(1).starts_with('/')) {
    params.to_path = args.args.at(1);
  } else {
    params.to = static_cast<int>(cli::integer_argument(args, 1, "generation B", 1, protocol::max_generation_number));
  }
  auto client = connect(args);
  print(args, client.call<protocol::GenerationsDiffMethod>(params), format_generations_diff);
  return exit_ok;
}

int run_mark_good(const cli::ParsedCommandLine& args) {
  const auto number =
      static_cast<int>(cli::integer_argument(args, 0, "generation number N", 1, protocol::max_generation_number));
  auto client = connect(args);
  const auto result = client.call<protocol::GenerationsMarkGoodMethod>({number});
  if (args.has("json")) {
    std::cout << protocol::json(result).dump(2) << "\n";
  } else {
    std::cout << "Generation " << result.known_good << " is now the known-good generation.\n";
  }
  return exit_ok;
}

int run_space(const cli::ParsedCommandLine& args) {
  protocol::SpaceParams params;
  params.refresh = args.has("refresh");
  auto client = connect(args);
  print(args, client.call<protocol::SpaceMethod>(params), text::space_report_text);
  return exit_ok;
}

}  // namespace nixtray::agent
