// What /proc tells about a process, read the same way wherever the agent asks who a process is.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nixtray::agent {

// A small file of /proc/PID (cmdline, cgroup, status): its content, "" when it cannot be read.
std::string read_process_file(const std::filesystem::path& file);

// The process's argv (/proc/PID/cmdline split at NUL bytes); empty for a kernel thread or a
// process that is gone.
std::vector<std::string> read_process_argv(const std::filesystem::path& process_dir);

// Whether every uid of the process (real, effective, saved, filesystem; /proc/PID/status "Uid:")
// is 0. False when it cannot be read.
bool runs_as_root(const std::filesystem::path& process_dir);

}  // namespace nixtray::agent
