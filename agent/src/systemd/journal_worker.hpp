// Reads the journal off the event loop: sd-journal does blocking file I/O (and may map large
// files), so reads run on one worker thread, started on first use, and their results are
// delivered back on the agent's loop. At most `max_pending` reads wait at a time.
#pragma once

#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/verification.hpp"
#include "systemd/unit_journal.hpp"
#include "verify/boot_evidence.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace nixtray::agent {

class JournalWorker {
 public:
  explicit JournalWorker(net::asio::io_context& io, std::size_t max_pending = 16);
  ~JournalWorker();
  JournalWorker(const JournalWorker&) = delete;
  JournalWorker& operator=(const JournalWorker&) = delete;

  // Throw protocol::RpcException (internal error) when too many reads are waiting already.
  net::asio::awaitable<JournalTail> read(std::string unit, int max_lines);
  net::asio::awaitable<protocol::BootEvidence> boot_evidence(BootWindow window, std::int64_t now);
  void stop();

 private:
  // Runs `work` on the worker thread; `failed` makes the result when it throws.
  template <class Result>
  net::asio::awaitable<Result> run(std::function<Result()> work, std::function<Result(const std::string&)> failed);

  net::asio::io_context& io_;
  std::size_t max_pending_;
  // Shared with the reads in progress: a read whose coroutine outlives the worker (at shutdown)
  // still has a counter to decrement.
  std::shared_ptr<std::size_t> pending_ = std::make_shared<std::size_t>(0);
  std::optional<net::asio::thread_pool> thread_;
};

}  // namespace nixtray::agent
