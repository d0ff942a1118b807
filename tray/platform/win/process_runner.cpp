#include "core/distro/process_capture.hpp"

#include "nixtray/net/windows_child.hpp"
#include "nixtray/net/windows_command_line.hpp"

#include <windows.h>

#include <optional>
#include <system_error>

namespace nixtray::tray {

namespace asio = net::asio;

std::string quote_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
    // As a Windows person would type it: backslashes in paths stay single.
    line += net::quote_windows_argument(word);
  }
  return line;
}

namespace {

using PipeCapture = OutputCapture<asio::windows::stream_handle>;

}  // namespace

asio::awaitable<ProcessOutcome> run_process(std::vector<std::string> argv, ProcessOptions options) {
  ProcessOutcome outcome;
  outcome.argv = argv;
  if (argv.empty() || argv.front().empty()) {
    outcome.error = "no command given";
    co_return outcome;
  }
  auto executor = co_await asio::this_coro::executor;
  std::optional<net::windows::Child> child;
  try {
    child.emplace(
        net::windows::spawn_child(executor, argv, {.pipe_stdin = false, .pipe_stdout = true, .pipe_stderr = true}));
  } catch (const std::system_error& e) {
    outcome.error = e.what();
    co_return outcome;
  }
  outcome.started = true;
  auto out = std::make_shared<PipeCapture>(std::move(*child->out));
  auto err = std::make_shared<PipeCapture>(std::move(*child->err));
  asio::co_spawn(executor, read_output(out, options.max_output_bytes), asio::detached);
  asio::co_spawn(executor, read_output(err, options.max_output_bytes), asio::detached);

  // Exit is polled: one thread, nothing to cancel. (Asio's wait on a handle runs on a thread-pool
  // thread and cannot be cancelled, so a deadline raced against it with || waits forever for a
  // child that never ends.) At most 10 ms apart: every wsl.exe command of a boot check is waited
  // for here, and a look 50 ms apart made each one end 25 ms late on average (one
  // WaitForSingleObject a look costs nothing next to that).
  const HANDLE process = child->process.native_handle();
  asio::steady_timer timer(executor);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto interval = std::chrono::milliseconds(2);
  for (;;) {
    if (::WaitForSingleObject(process, 0) == WAIT_OBJECT_0) {
      outcome.exit_code = static_cast<int>(net::windows::exit_code_of(child->process));
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      // Only the process we started, by its handle; asked again while it has not ended, since a
      // child that is still starting can miss the first request (seen under Wine).
      for (int attempt = 0; attempt < 50; ++attempt) {
        ::TerminateProcess(process, 1);
        if (::WaitForSingleObject(process, 100) == WAIT_OBJECT_0) break;
      }
      outcome.timed_out = true;
      break;
    }
    timer.expires_after(std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
    co_await timer.async_wait(net::use_nothrow);
    interval = std::min(interval * 2, std::chrono::milliseconds(10));
  }
  auto finish = finish_capture(outcome, out, err);
  co_await std::move(finish);
  co_return outcome;
}

std::string launch_detached(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.front().empty()) {
    return "no command given";
  }
  return net::windows::start_detached(argv);
}

}  // namespace nixtray::tray
