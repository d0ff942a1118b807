// Verify-boot: restarts the distro into the generation that boots next and checks it came up, then
// keeps it (marked known-good) or rolls back to the last known-good one. On WSL there is no boot
// menu: a generation that does not boot can only be undone from outside, so this is the safety net
// of every rebuild.
//
//   pre-flight (verify.preflight; refuse -> stop here, nothing restarted)
//   record the expected and known-good generations, and that a check runs (the host's settings:
//     a tray that dies half-way finds the record at its next start)
//   stop the distro, start it, wait for the agent's hello (boot_timeout: longer than WSL's init
//   timeout), booted == expected, activation report (errors = failed; unknown stays unknown),
//   systemd settles (running or degraded), failed units, a console as the default user (the
//   distro control's console: wsl.exe -d D -u USER -- echo <marker>, through the login shell) and
//   that user's systemd session (boot_console.cpp)
//   verify.record started before the restart (the agent shows "verifying")
//   pass: verify.record passed (the agent's probation makes it known-good; an older agent:
//   generations.mark_good) + on_known_good (host) once it is known-good
//   fail: roll back to the known-good generation: a rollback job (mode boot) when the agent
//   answers, else from outside with the distro control's run-as-root
//     <profile dir>/system-<good>-link/sw/bin/nixtray-agent rescue rollback <good>
//   then restart and check again; then verify.record failed (step, reason) from the first boot
//   that answers, so the agent collects the failed boot's evidence (kept in the report).
//
// A check a tray did not finish (VerifyRequest::interrupted) is reported again; when the agent
// does not answer (the distro was left stopped), it is resumed from its record: the pre-flight it
// had passed is skipped and the restart and checks run for the generation it recorded.
//
// While it runs it alone controls the distro's lifecycle: the tray pauses its AgentLink (see
// session_verify_callbacks in core/verify/session_verify.hpp). It uses its own agent connections.
//
// The run, pre-flight and the record are in boot_verifier.cpp, one restart and its checks in
// boot_check.cpp and boot_console.cpp, keeping or rolling back in boot_recovery.cpp, what the
// agent records in boot_record.cpp.
//
// Threading: create, run and destroy on the io_context's thread; callbacks run there.
#pragma once

#include "core/distro/distro_control.hpp"
#include "core/link/agent_actions.hpp"
#include "core/link/agent_connection.hpp"
#include "core/verify/verify_report.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct BootVerifierOptions {
  AgentConnectionOptions agent;  // connect_timeout applies to each attempt while waiting
  // From the start of the distro to the agent's hello. WSL gives init [boot] initTimeout (10 s by
  // default) before it gives up; this must be longer.
  std::chrono::milliseconds boot_timeout{180'000};
  std::chrono::milliseconds stop_timeout{60'000};      // terminate -> is_running says stopped
  std::chrono::milliseconds settle_timeout{180'000};   // hello -> systemd running or degraded
  std::chrono::milliseconds job_timeout{30 * 60'000};  // a rebuild or rollback job
  std::chrono::milliseconds console_timeout{30'000};   // the login, and the user's session coming up
  std::chrono::milliseconds poll_interval{250};
  bool auto_rollback = true;
  // The system profile's directory as seen inside the distro: the rescue from outside runs
  // <profile_dir>/system-<good>-link/sw/bin/nixtray-agent with absolute paths only.
  std::filesystem::path distro_profile_dir = "/nix/var/nix/profiles";
};

struct VerifyRequest {
  // The host's last known-good generation (the tray's settings): the fallback when the agent
  // does not know one.
  std::optional<int> host_known_good;
  // A check a tray did not finish: reported again, and its known-good generation is preferred
  // (it was chosen before anything was restarted).
  std::optional<VerifyRecord> interrupted;
  // "Rebuild and verify": rebuild with mode boot first (the request's mode is ignored).
  std::optional<RebuildRequest> rebuild_first;
};

struct BootVerifierCallbacks {
  // The check takes over the distro's lifecycle now (before the first restart): pause the link.
  std::function<void(const std::string& reason)> on_takeover;
  // A step started (status running) or ended.
  std::function<void(const VerifyStep& step)> on_step;
  // Persist on the host: the record while a check runs, nullopt when done. Called at once when a
  // check starts (before anything restarts: what resuming needs) and when it ends; a step's name
  // is saved after the step has begun, at most once every record_step_save_delay.
  std::function<void(const std::optional<VerifyRecord>& record)> on_record;
  // Persist on the host: the generation just marked known-good.
  std::function<void(int generation)> on_known_good;
  // Once, at the end (also for refused and not-run checks).
  std::function<void(const VerifyReport& report)> on_finished;
};

class BootVerifier : public std::enable_shared_from_this<BootVerifier> {
 public:
  static std::shared_ptr<BootVerifier> create(net::asio::any_io_executor executor, BootVerifierOptions options,
                                              std::shared_ptr<DistroControl> control, BootVerifierCallbacks callbacks);
  BootVerifier(const BootVerifier&) = delete;
  BootVerifier& operator=(const BootVerifier&) = delete;

  // The whole check; the report is also given to on_finished. Never throws for expected failures.
  net::asio::awaitable<VerifyReport> run(VerifyRequest request);
  // The same, spawned on the executor (the GUI's form): the result comes through on_finished.
  void start(VerifyRequest request);
  [[nodiscard]] bool running() const { return running_; }

 private:
  BootVerifier(net::asio::any_io_executor executor, BootVerifierOptions options, std::shared_ptr<DistroControl> control,
               BootVerifierCallbacks callbacks);

  // One restart into a generation and what its checks found (boot_check.cpp).
  struct BootCheck {
    bool passed = false;  // booted the expected generation, no activation errors, systemd settled
    std::string failed_step;
    std::string problem;  // completes "generation N ...": "did not start: ..."
    std::optional<int> booted;
    protocol::ActivationReport activation;
    std::vector<std::string> failed_units;
    std::shared_ptr<AgentConnection> agent;  // open when the agent answered
  };

  // Coroutines take strings and requests by value: a reference parameter lives in the frame as a
  // reference, and a caller's temporary is gone after the first suspension.
  net::asio::awaitable<void> run_steps(VerifyRequest request);
  // Restart into `expected`, check it; keep it, or roll back to `good` and check that.
  net::asio::awaitable<void> check_and_recover(int expected, std::optional<int> good);
  net::asio::awaitable<bool> rebuild(RebuildRequest request);
  net::asio::awaitable<BootCheck> restart_and_check(int expected, std::string phase);
  net::asio::awaitable<bool> stop_distro(std::string phase);
  net::asio::awaitable<std::shared_ptr<AgentConnection>> wait_for_agent(std::string phase, bool& distro_died);
  net::asio::awaitable<std::optional<protocol::Status>> wait_for_systemd(AgentConnection& agent, std::string phase);
  // The console step, then the session step (boot_console.cpp); false: `check` says what failed.
  net::asio::awaitable<bool> check_console(std::shared_ptr<AgentConnection> agent,
                                           std::optional<protocol::DefaultUser> user, std::string phase,
                                           BootCheck& check);
  net::asio::awaitable<bool> check_session(std::shared_ptr<AgentConnection> agent,
                                           std::optional<protocol::DefaultUser> user, std::string phase,
                                           BootCheck& check);
  net::asio::awaitable<bool> roll_back(int good, std::shared_ptr<AgentConnection> agent);
  // verify.record through the agent (boot_record.cpp); mark_good records a pass.
  net::asio::awaitable<void> mark_good(int generation, AgentConnection& agent);
  net::asio::awaitable<void> record_started(std::shared_ptr<AgentConnection> agent, int generation);
  net::asio::awaitable<void> record_failed(std::shared_ptr<AgentConnection> agent, int generation);
  net::asio::awaitable<void> record_inconclusive(std::shared_ptr<AgentConnection> agent, int generation);
  net::asio::awaitable<AgentConnection::Opened> connect_once();

  // Step bookkeeping: begin() reports a running step; end() fills its result and reports it.
  std::size_t begin(std::string name, std::string phase, Sentence message);
  void end(std::size_t step, StepStatus status, Sentence message, std::vector<std::string> lines = {});
  void record_step(const std::string& step);
  void save_record();
  void finish();

  net::asio::any_io_executor executor_;
  BootVerifierOptions options_;
  std::shared_ptr<DistroControl> control_;
  BootVerifierCallbacks callbacks_;
  VerifyReport report_;
  std::optional<VerifyRecord> record_;
  net::asio::steady_timer record_step_save_;  // armed while a step's name waits to be saved
  bool record_step_pending_ = false;
  std::chrono::steady_clock::time_point started_at_;
  std::vector<std::chrono::steady_clock::time_point> step_starts_;  // of report_.steps
  std::int64_t console_started_ = 0;                                // unix seconds of the last login
  bool running_ = false;
};

}  // namespace nixtray::tray
