// Starts and stops a job's transient systemd unit over the agent's own sd-bus connection
// (StartTransientUnit, argv only, environment passed explicitly). The unit is collected by
// systemd as soon as it ends, succeeded or failed: the job's result lives in the state
// directory, so a failed rebuild is a failed job, never a failed unit that degrades the system.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

struct sd_bus;

namespace nixtray::agent {

struct TransientUnit {
  std::string name;  // nixtray-job-<id>.service
  std::string description;
  std::vector<std::string> argv;         // argv[0] is an absolute path
  std::vector<std::string> environment;  // NAME=value, the whole environment of the job
  std::filesystem::path working_directory;
  std::filesystem::path output_file;  // stdout and stderr are appended here
};

class TransientUnitLauncher {
 public:
  TransientUnitLauncher() = default;
  ~TransientUnitLauncher();
  TransientUnitLauncher(const TransientUnitLauncher&) = delete;
  TransientUnitLauncher& operator=(const TransientUnitLauncher&) = delete;

  // Throws std::runtime_error with systemd's message when the unit cannot be started.
  void start(const TransientUnit& unit);
  // Asks systemd to stop the unit (SIGTERM to its processes). Throws std::runtime_error.
  void stop(const std::string& name);
  // Whether systemd knows the unit (loaded, running or not yet collected).
  bool exists(const std::string& name);

 private:
  sd_bus* bus();
  sd_bus* bus_ = nullptr;
};

}  // namespace nixtray::agent
