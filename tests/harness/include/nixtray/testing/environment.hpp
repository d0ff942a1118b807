#pragma once
// Explicit process environments: children of the harness never inherit by accident.
#include <map>
#include <string>
#include <vector>

namespace nixtray::testing {

// Variable name -> value. Ordered so that generated env files and logs are stable.
using Environment = std::map<std::string, std::string>;

// The environment of this process, as a map.
Environment current_environment();

// A minimal environment for tools run by the harness: PATH with the usual system directories, LANG=C.UTF-8.
Environment minimal_environment();

// base with every entry of overrides set (overrides win).
Environment merged(Environment base, const Environment& overrides);

// "NAME=value" strings, as execve wants them.
std::vector<std::string> to_envp_strings(const Environment& env);

// Reads a variable of this process; fallback when unset.
std::string getenv_or(const char* name, const std::string& fallback);

}  // namespace nixtray::testing
