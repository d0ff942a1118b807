#include "jobs/runner_command.hpp"

#include "jobs/job_markers.hpp"
#include "jobs/job_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& arg : argv) {
    const bool plain = !arg.empty() && arg.find_first_of(" \t'\"\\$`") == std::string::npos;
    line += (line.empty() ? "" : " ") + (plain ? arg : "'" + arg + "'");
  }
  return line;
}

// What a captured command's output keeps: its end, where the tools used put their summary
// (nix-store --gc lists every path it deletes, then the totals).
constexpr std::size_t captured_tail_bytes = 64 * 1024;

void write_all(int fd, const char* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const auto n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

void say_in_log(const std::string& line) {
  const std::string text = line + "\n";
  write_all(STDOUT_FILENO, text.data(), text.size());
}

int fail_job(protocol::FailureKind kind, const std::string& message, int exit_code) {
  protocol::JobFailure failure;
  failure.kind = kind;
  failure.message = message;
  say_in_log("error: " + message);
  say_in_log(failure_marker(failure));
  return exit_code;
}

CommandResult run_command(const std::vector<std::string>& argv, const fs::path& cwd, const CommandOptions& options) {
  say_in_log("$ " + quoted(argv));
  int pipe_fds[2] = {-1, -1};
  int file_fd = -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdout_file) {
    file_fd = ::open(options.stdout_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (file_fd < 0) {
      say_in_log("error: cannot write " + options.stdout_file->string() + ": " + std::strerror(errno));
      posix_spawn_file_actions_destroy(&actions);
      return {job_command_failed, {}};
    }
    posix_spawn_file_actions_adddup2(&actions, file_fd, STDOUT_FILENO);
  } else if (options.capture_tail) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
      posix_spawn_file_actions_destroy(&actions);
      return {job_command_failed, {}};
    }
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> environment;
  const auto replaced = [&](std::string_view variable) {
    const auto name = variable.substr(0, variable.find('='));
    const auto named = [&](const std::string& other) { return other.substr(0, other.find('=')) == name; };
    return std::any_of(options.extra_environment.begin(), options.extra_environment.end(), named);
  };
  for (char** entry = environ; *entry; ++entry) {
    if (!replaced(*entry)) environment.push_back(*entry);
  }
  for (const auto& extra : options.extra_environment) environment.push_back(const_cast<char*>(extra.c_str()));
  environment.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environment.data());
  posix_spawn_file_actions_destroy(&actions);
  if (file_fd >= 0) ::close(file_fd);
  CommandResult result;
  if (pipe_fds[1] >= 0) {
    ::close(pipe_fds[1]);
    if (rc == 0) {
      char buffer[8192];
      for (;;) {
        const auto n = ::read(pipe_fds[0], buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        result.output.append(buffer, static_cast<std::size_t>(n));
        if (result.output.size() > 2 * captured_tail_bytes) {
          result.output.erase(0, result.output.size() - captured_tail_bytes);
        }
        write_all(STDOUT_FILENO, buffer, static_cast<std::size_t>(n));
      }
    }
    ::close(pipe_fds[0]);
  }
  if (rc != 0) {
    say_in_log("error: cannot run " + argv[0] + ": " + std::strerror(rc));
    result.exit_code = 127;
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace nixtray::agent
