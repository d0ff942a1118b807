// A failure that ends a command of a command-line program with a message and an exit code (each
// program documents its codes: nixtray-agent's cli/exit_codes.hpp, nixtrayctl's ctl_program.hpp).
#pragma once

#include <stdexcept>
#include <string>

namespace nixtray::cli {

class CommandFailure : public std::runtime_error {
 public:
  CommandFailure(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace nixtray::cli
