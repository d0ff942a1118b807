#include "jobs/login_environment.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace nixtray::agent {

namespace {

// Printed before the environment, so that whatever root's start-up files print on stdout is told
// apart from it. `printf` and `exec env -0` mean the same in every login shell NixOS offers
// (bash, zsh, dash, fish), unlike shell-specific loops over the names.
constexpr const char* marker = "nixtray-login-environment";
constexpr const char* command = "printf '\\n%s\\n' nixtray-login-environment; exec env -0";

constexpr std::size_t max_output_bytes = 64 * 1024;
constexpr std::size_t max_error_bytes = 2048;

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      read = fds[0];
      write = fds[1];
    }
  }
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

// What login(1) gives a shell: who it is and where its home is, the runner's PATH and locale;
// none of the agent's NIX_* (the answer must be the login path's own).
std::vector<std::string> shell_environment(const passwd& root, const std::string& shell) {
  std::vector<std::string> environment = {std::string("HOME=") + root.pw_dir, std::string("USER=") + root.pw_name,
                                          std::string("LOGNAME=") + root.pw_name, "SHELL=" + shell};
  for (char** entry = environ; *entry; ++entry) {
    const std::string_view variable(*entry);
    const auto name = variable.substr(0, variable.find('='));
    if (name == "PATH" || name == "LANG" || name == "LC_ALL" || name == "LOCALE_ARCHIVE" || name == "TZDIR") {
      environment.emplace_back(variable);
    }
  }
  return environment;
}

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const auto newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

LoginEnvironment parse(const std::string& output) {
  const std::string start = std::string("\n") + marker + "\n";
  const auto at = output.rfind(start);
  std::vector<std::pair<std::string, std::string>> found;
  std::size_t pos = at + start.size();
  while (pos < output.size()) {
    auto end = output.find('\0', pos);
    if (end == std::string::npos) end = output.size();
    const std::string entry = output.substr(pos, end - pos);
    if (const auto equals = entry.find('='); equals != std::string::npos) {
      found.emplace_back(entry.substr(0, equals), entry);
    }
    pos = end + 1;
  }
  LoginEnvironment environment;
  for (const auto& name : login_environment_names()) {
    const auto it = std::find_if(found.begin(), found.end(), [&](const auto& f) { return f.first == name; });
    if (it != found.end()) environment.set.push_back(it->second);
  }
  return environment;
}

}  // namespace

const std::vector<std::string>& login_environment_names() {
  static const std::vector<std::string> names = {
      "NIX_PATH",       "NIXOS_CONFIG",         "NIX_CONFIG",           "NIX_SSHOPTS",
      "NIXPKGS_CONFIG", "NIXPKGS_ALLOW_UNFREE", "NIXPKGS_ALLOW_BROKEN", "NIXPKGS_ALLOW_INSECURE",
  };
  return names;
}

LoginEnvironmentRead read_login_environment(std::chrono::milliseconds timeout) {
  LoginEnvironmentRead read;
  passwd entry{};
  passwd* root = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(0, &entry, buffer.data(), buffer.size(), &root) != 0 || !root) {
    read.problem = "root is not in the user database";
    return read;
  }
  read.shell = root->pw_shell && *root->pw_shell ? root->pw_shell : "/bin/sh";

  Pipe out;
  Pipe err;
  if (out.read < 0 || err.read < 0) {
    read.problem = std::string("cannot make a pipe: ") + std::strerror(errno);
    return read;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);  // its own group: killed whole at the timeout
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<std::string> argv = {read.shell, "-l", "-c", command};
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  auto environment_strings = shell_environment(*root, read.shell);
  std::vector<char*> environment;
  for (auto& variable : environment_strings) environment.push_back(variable.data());
  environment.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, read.shell.c_str(), &actions, &attributes, args.data(), environment.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  out.close_write();
  err.close_write();
  if (rc != 0) {
    read.problem = "cannot run root's login shell " + read.shell + ": " + std::strerror(rc);
    return read;
  }

  std::string output;
  std::string errors;
  bool too_long = false;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    const int ready = ::poll(fds, 2, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char chunk[4096];
      const auto n = ::read(fds[i].fd, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        continue;
      }
      auto& text = i == 0 ? output : errors;
      text.append(chunk, static_cast<std::size_t>(n));
      if (i == 1 && errors.size() > max_error_bytes) errors.erase(0, errors.size() - max_error_bytes);
      if (i == 0 && output.size() > max_output_bytes) too_long = true;
    }
    if (too_long) break;
  }
  if (timed_out || too_long) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    read.problem = "root's login shell " + read.shell + " did not finish within " +
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s";
  } else if (too_long) {
    read.problem = "root's login shell " + read.shell + " printed more than 64 KiB";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    read.problem = "root's login shell " + read.shell + " failed (" +
                   (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status))) +
                   ")" + (errors.empty() ? std::string() : ": " + last_line(errors));
  } else if (output.rfind(std::string("\n") + marker + "\n") == std::string::npos) {
    read.problem = "root's login shell " + read.shell + " did not run the command it was given";
  } else {
    read.environment = parse(output);
  }
  return read;
}

}  // namespace nixtray::agent
