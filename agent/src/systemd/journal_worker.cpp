#include "systemd/journal_worker.hpp"

#include "nixtray/protocol/error_code.hpp"

namespace nixtray::agent {

namespace asio = net::asio;

JournalWorker::JournalWorker(asio::io_context& io, std::size_t max_pending) : io_(io), max_pending_(max_pending) {}

JournalWorker::~JournalWorker() { stop(); }

void JournalWorker::stop() {
  if (thread_) {
    thread_->join();  // a read in progress finishes: every read is bounded
    thread_.reset();
  }
}

template <class Result>
asio::awaitable<Result> JournalWorker::run(std::function<Result()> work,
                                           std::function<Result(const std::string&)> failed) {
  if (*pending_ >= max_pending_) {
    throw protocol::RpcException(protocol::ErrorCode::internal_error,
                                 std::to_string(*pending_) + " journal reads are already waiting; try again shortly");
  }
  if (!thread_) {
    thread_.emplace(1);
  }
  ++*pending_;
  struct Done {
    std::shared_ptr<std::size_t> pending;
    ~Done() { --*pending; }
  } done{pending_};
  auto& pool = *thread_;
  auto& io = io_;
  auto operation = asio::async_initiate<decltype(asio::use_awaitable), void(Result)>(
      [&pool, &io, work = std::move(work), failed = std::move(failed)](auto handler) mutable {
        asio::post(pool, [work = std::move(work), failed = std::move(failed), handler = std::move(handler),
                          guard = asio::make_work_guard(io)]() mutable {
          Result result;
          try {
            result = work();
          } catch (const std::exception& e) {
            result = failed(std::string("reading the journal failed: ") + e.what());
          }
          auto executor = asio::get_associated_executor(handler, guard.get_executor());
          asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable);
  co_return co_await std::move(operation);
}

asio::awaitable<JournalTail> JournalWorker::read(std::string unit, int max_lines) {
  auto reading = run<JournalTail>([unit = std::move(unit), max_lines] { return read_unit_journal(unit, max_lines); },
                                  [](const std::string& problem) {
                                    JournalTail tail;
                                    tail.available = false;
                                    tail.problem = problem;
                                    return tail;
                                  });
  co_return co_await std::move(reading);
}

asio::awaitable<protocol::BootEvidence> JournalWorker::boot_evidence(BootWindow window, std::int64_t now) {
  auto reading = run<protocol::BootEvidence>([window, now] { return read_boot_evidence(window, now); },
                                             [now](const std::string& problem) {
                                               protocol::BootEvidence evidence;
                                               evidence.collected = now;
                                               evidence.note = problem;
                                               return evidence;
                                             });
  co_return co_await std::move(reading);
}

}  // namespace nixtray::agent
