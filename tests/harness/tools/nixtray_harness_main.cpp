// nixtray-harness: boots a test namespace (real systemd) + a relocated Nix store for script-driven tests.
//
//   nixtray-harness run  [--dir DIR] [OPTIONS] -- COMMAND ARGS...   boot, run COMMAND, always power off
//   nixtray-harness up   --dir DIR [OPTIONS] [--max-lifetime SECONDS] leave a supervisor holding it (CTest
//                                                                    FIXTURES_SETUP); writes DIR/harness.env
//   nixtray-harness down --dir DIR                                     power off and clean up (FIXTURES_CLEANUP)
//   nixtray-harness exec --dir DIR -- COMMAND ARGS...                 run COMMAND inside an `up` namespace
// OPTIONS: --units DIR (install every file in DIR as a unit), --want UNIT (start it at boot, repeatable),
//          --journald, --persistent-journal DIR (journald, with DIR as /var/log/journal inside: the journal
//          outlives the namespace), --init PATH (miniature boot: PID 1 execs PATH instead of systemd),
//          --init-env NAME=VALUE (in the environment of PID 1 and the init, repeatable).
// The exported variables are listed in README.md ("nixtray-harness").
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nixtray/testing/harness_session.hpp"
#include "nixtray/testing/per_run_cgroups.hpp"
#include "nixtray/testing/subprocess.hpp"
#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/timeouts.hpp"

namespace fs = std::filesystem;
using namespace nixtray::testing;
using namespace std::chrono_literals;

namespace {

constexpr int kHarnessError = 125;  // like env(1)/timeout(1): the harness itself failed

struct CliOptions {
  std::string command;
  std::optional<fs::path> dir;
  HarnessSessionOptions session;
  std::chrono::seconds max_lifetime = std::chrono::minutes(30);
  std::vector<std::string> argv;  // after --
};

[[noreturn]] void usage(const std::string& error) {
  std::cerr
      << "nixtray-harness: " << error << "\n"
      << "usage: nixtray-harness run [--dir DIR] [--units DIR] [--want UNIT]... [--journald] [--init PATH]\n"
      << "                           [--persistent-journal DIR] [--init-env NAME=VALUE]... -- CMD...\n"
      << "       nixtray-harness up --dir DIR [--units DIR] [--want UNIT]... [--journald] [--init PATH]\n"
      << "                          [--persistent-journal DIR] [--init-env NAME=VALUE]... [--max-lifetime SECONDS]\n"
      << "       nixtray-harness down --dir DIR\n"
      << "       nixtray-harness exec --dir DIR -- CMD...\n";
  std::exit(kHarnessError);
}

CliOptions parse(int argc, char** argv) {
  if (argc < 2) usage("missing command");
  CliOptions o;
  o.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--") {
      o.argv.assign(argv + i + 1, argv + argc);
      break;
    } else if (a == "--dir") {
      o.dir = fs::absolute(value());
    } else if (a == "--units") {
      o.session.units_dir = fs::absolute(value());
    } else if (a == "--want") {
      o.session.wanted_units.push_back(value());
    } else if (a == "--journald") {
      o.session.journald = true;
    } else if (a == "--persistent-journal") {
      o.session.persistent_journal = fs::absolute(value());
    } else if (a == "--init") {
      o.session.init_override = fs::absolute(value());
    } else if (a == "--init-env") {
      const std::string assignment = value();
      const auto equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0) usage("--init-env needs NAME=VALUE");
      o.session.init_environment[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    } else if (a == "--max-lifetime") {
      o.max_lifetime = std::chrono::seconds(std::stol(value()));
    } else {
      usage("unknown option " + a);
    }
  }
  return o;
}

// execve does no PATH search: resolve COMMAND the way a shell would.
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return fs::absolute(name).string();
  std::string path = getenv_or("PATH", "/usr/bin:/bin");
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = path.find(':', start);
    const std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return name;
}

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

// Waits up to `slice` for one of the blocked termination signals; returns it or 0.
int wait_signal(std::chrono::milliseconds slice) {
  const sigset_t set = termination_signals();
  timespec ts{static_cast<time_t>(slice.count() / 1000), static_cast<long>((slice.count() % 1000) * 1000000)};
  const int sig = ::sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

int cmd_run(CliOptions& o) {
  if (o.argv.empty()) usage("run needs -- COMMAND");
  std::optional<TempDir> temp;
  if (!o.dir) {
    temp.emplace("nixtray-harness");
    o.dir = temp->path();
  }
  o.session.dir = *o.dir;
  // Signals are taken synchronously so that an interrupted run still powers off and cleans up.
  const sigset_t set = termination_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);

  HarnessSession session(o.session);
  try {
    session.boot();
  } catch (const std::exception& e) {
    std::cerr << "nixtray-harness: boot failed: " << e.what() << "\n";
    session.shutdown();
    return kHarnessError;
  }
  SpawnOptions spawn;
  spawn.env = merged(current_environment(), session.exported_environment());
  spawn.stdin_from = Redirect::inherit();
  spawn.stdout_to = Redirect::inherit();
  spawn.stderr_to = Redirect::inherit();
  spawn.die_with_parent = true;
  std::vector<std::string> argv = o.argv;
  argv[0] = resolve_program(argv[0]);
  int rc = kHarnessError;
  try {
    auto child = Subprocess::spawn(argv, spawn);
    for (;;) {
      if (auto st = child.try_wait()) {
        rc = st->as_int();
        break;
      }
      if (const int sig = wait_signal(50ms)) {
        std::cerr << "nixtray-harness: " << ::strsignal(sig) << ", stopping the command\n";
        child.send_signal(SIGTERM);
        if (!child.wait_for(scaled(5s))) child.kill_and_wait();
        rc = 128 + sig;
        break;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "nixtray-harness: " << e.what() << "\n";
  }
  const auto report = session.shutdown();
  if (getenv_or("NIXTRAY_HARNESS_VERBOSE", "") == "1")
    std::cerr << "nixtray-harness: poweroff (" << report.method << ") took " << report.duration.count() << " ms\n";
  if (!report.cgroups_removed) std::cerr << "nixtray-harness: warning: per-run cgroups not removed\n";
  return rc;
}

// The supervisor is not our child (it was reparented when `up` exited): once it exits it may stay a zombie
// until the system's init reaps it, so a zombie counts as gone.
bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto paren = line.rfind(')');
  return paren == std::string::npos || (paren + 2 < line.size() && line[paren + 2] == 'Z');
}

// Waits up to `limit` for `pid` to be gone: through a pidfd, readable from the moment it exits (a
// zombie included), so `down` returns at the exit and a benchmark timing it sees the shutdown, not
// a 20 ms look's lateness; where pidfd_open is missing, by looking every 20 ms.
bool wait_gone(pid_t pid, std::chrono::milliseconds limit) {
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) {
    return errno == ESRCH || wait_until([&] { return process_gone(pid); }, limit, std::chrono::milliseconds(20));
  }
  pollfd exited{fd, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&exited, 1, static_cast<int>(limit.count()));
  } while (ready < 0 && errno == EINTR);
  ::close(fd);
  return ready > 0;
}

fs::path env_file(const fs::path& dir) { return dir / "harness.env"; }
fs::path pid_file(const fs::path& dir) { return dir / "supervisor.pid"; }

std::optional<pid_t> read_supervisor_pid(const fs::path& dir) {
  std::ifstream f(pid_file(dir));
  long pid = 0;
  if (!(f >> pid) || pid <= 0) return std::nullopt;
  // Only signal it if it is still a nixtray-harness process (PIDs are recycled).
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
  if (cmdline.find("nixtray-harness") == std::string::npos) return std::nullopt;
  return static_cast<pid_t>(pid);
}

// The process `up` leaves behind. Holds the namespace until `down` (SIGTERM), its max lifetime, or the
// namespace ending by itself.
[[noreturn]] void supervise(CliOptions& o, int notify_fd) {
  auto notify = [&](const std::string& msg) {
    if (notify_fd < 0) return;
    [[maybe_unused]] auto n = ::write(notify_fd, msg.data(), msg.size());
    ::close(notify_fd);
    notify_fd = -1;
  };
  int rc = 0;
  try {
    HarnessSession session(o.session);
    try {
      session.boot();
      session.write_env_file(env_file(*o.dir));
      std::ofstream(pid_file(*o.dir)) << ::getpid() << "\n";
      notify("ok\n");
      const auto deadline = std::chrono::steady_clock::now() + o.max_lifetime;
      for (;;) {
        if (const int sig = wait_signal(500ms)) {
          std::cerr << "supervisor: " << ::strsignal(sig) << ", powering off\n";
          break;
        }
        if (!session.ns().running()) {
          std::cerr << "supervisor: the namespace ended by itself\n";
          rc = 1;
          break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          std::cerr << "supervisor: max lifetime reached, powering off\n";
          break;
        }
      }
    } catch (const std::exception& e) {
      notify(std::string("error: ") + e.what() + "\n");
      rc = 1;
    }
    const auto report = session.shutdown();
    std::cerr << "supervisor: poweroff (" << report.method << ") " << report.duration.count() << " ms, cgroups "
              << (report.cgroups_removed ? "removed" : "NOT removed") << "\n";
  } catch (const std::exception& e) {
    notify(std::string("error: ") + e.what() + "\n");
    rc = 1;
  }
  std::error_code ec;
  fs::remove(env_file(*o.dir), ec);
  fs::remove(pid_file(*o.dir), ec);
  std::exit(rc);
}

int cmd_up(CliOptions& o) {
  if (!o.dir) usage("up needs --dir");
  fs::create_directories(*o.dir);
  if (auto pid = read_supervisor_pid(*o.dir)) {
    std::cerr << "nixtray-harness: already up in " << *o.dir << " (supervisor " << *pid << ")\n";
    return kHarnessError;
  }
  o.session.dir = *o.dir;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return kHarnessError;
  const pid_t pid = ::fork();
  if (pid < 0) return kHarnessError;
  if (pid == 0) {
    // The supervisor: own session (CTest must not wait for it, nor kill it with the `up` test's group).
    ::close(pipe_fds[0]);
    ::setsid();
    const sigset_t set = termination_signals();
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open((*o.dir / "supervisor.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    supervise(o, pipe_fds[1]);
  }
  ::close(pipe_fds[1]);
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) reply.append(buf, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  if (reply.rfind("ok", 0) == 0) {
    std::cout << "nixtray-harness: up (supervisor " << pid << "), environment in " << env_file(*o.dir).string() << "\n";
    return 0;
  }
  std::cerr << "nixtray-harness: up failed: " << reply << "(see " << (*o.dir / "supervisor.log").string() << ")\n";
  return kHarnessError;
}

int cmd_down(CliOptions& o) {
  if (!o.dir) usage("down needs --dir");
  const auto pid = read_supervisor_pid(*o.dir);
  if (!pid) {
    std::cout << "nixtray-harness: nothing running in " << o.dir->string() << "\n";
    PerRunCgroups::remove_stale();
    return 0;
  }
  ::kill(*pid, SIGTERM);
  const bool gone = wait_gone(*pid, scaled(40s));
  if (!gone) {
    // The supervisor is stuck: killing it kills its launcher (PDEATHSIG) and with it the namespace.
    std::cerr << "nixtray-harness: supervisor " << *pid << " did not stop, killing it\n";
    ::kill(*pid, SIGKILL);
    wait_gone(*pid, scaled(5s));
    std::this_thread::sleep_for(200ms);
    PerRunCgroups::remove_stale();
  }
  std::error_code ec;
  fs::remove(env_file(*o.dir), ec);
  fs::remove(pid_file(*o.dir), ec);
  std::cout << "nixtray-harness: down\n";
  return gone ? 0 : 1;
}

int cmd_exec(CliOptions& o) {
  if (!o.dir || o.argv.empty()) usage("exec needs --dir DIR -- COMMAND");
  const auto env = HarnessSession::read_env_file(env_file(*o.dir));
  const auto it = env.find("NIXTRAY_HARNESS_PID");
  if (it == env.end()) usage("no NIXTRAY_HARNESS_PID in " + env_file(*o.dir).string());
  std::vector<std::string> argv = {"/usr/bin/nsenter", "-t", it->second, "-a", "--"};
  argv.insert(argv.end(), o.argv.begin(), o.argv.end());
  SpawnOptions spawn;
  spawn.stdin_from = Redirect::inherit();
  spawn.stdout_to = Redirect::inherit();
  spawn.stderr_to = Redirect::inherit();
  return Subprocess::spawn(argv, spawn).wait().as_int();
}

}  // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  try {
    if (o.command == "run") return cmd_run(o);
    if (o.command == "up") return cmd_up(o);
    if (o.command == "down") return cmd_down(o);
    if (o.command == "exec") return cmd_exec(o);
  } catch (const std::exception& e) {
    std::cerr << "nixtray-harness: " << e.what() << "\n";
    return kHarnessError;
  }
  usage("unknown command " + o.command);
}
