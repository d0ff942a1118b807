// Entry points of the nixtray-agent subcommands.
#pragma once

#include "nixtray/cli/command_line.hpp"

namespace nixtray::agent {

int run_agent_cli(int argc, char** argv);

int run_serve(const cli::ParsedCommandLine& args);
int run_bridge(const cli::ParsedCommandLine& args);
int run_token(const cli::ParsedCommandLine& args);
int run_status(const cli::ParsedCommandLine& args);
int run_generations(const cli::ParsedCommandLine& args);
int run_mark_good(const cli::ParsedCommandLine& args);
int run_diff(const cli::ParsedCommandLine& args);
int run_space(const cli::ParsedCommandLine& args);
int run_units(const cli::ParsedCommandLine& args);
int run_units_log(const cli::ParsedCommandLine& args);
int run_job_run(const cli::ParsedCommandLine& args);
int run_rebuild(const cli::ParsedCommandLine& args);
int run_rollback(const cli::ParsedCommandLine& args);
int run_gc(const cli::ParsedCommandLine& args);
int run_jobs(const cli::ParsedCommandLine& args);
int run_job_details(const cli::ParsedCommandLine& args);
int run_logs(const cli::ParsedCommandLine& args);
int run_rescue(const cli::ParsedCommandLine& args);

}  // namespace nixtray::agent
