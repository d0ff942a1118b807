// nixtrayctl as a person runs it, for the tests that drive the real program: its settings in
// `home`, then `args` (an --agent, a command, its options); `env` adds to the minimal environment
// (LANG=C.UTF-8: English unless a test asks for another language).
#pragma once

#include "nixtray/testing/environment.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace nixtray::testing {

inline ProcessResult run_nixtrayctl(const TempDir& home, const std::vector<std::string>& args,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                    const Environment& env = {}) {
  std::vector<std::string> argv = {NIXTRAYCTL_BINARY, "--config", (home / "settings.json").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout = timeout;
  options.env = merged(options.env, env);
  return run_process(argv, options);
}

}  // namespace nixtray::testing
