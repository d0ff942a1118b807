#include "systemd/journal_worker.hpp"

#include "nixtray/protocol/error_code.hpp"

namespace nixtray::agent {

namespace asio = net::asio;

JournalWorker::JournalWorker(asio::io_context& io, std::size_t max_pending) : io_(io), max_pending_(max_pending) {}

JournalWorker::~JournalWorker() { stop(); }

void JournalWorker::stop() {
  if (thread_) {
    thread_->join();  // a read in progress finishes: it is bounded by max_lines
    thread_.reset();
  }
}

asio::awaitable<JournalTail> JournalWorker::read(std::string unit, int max_lines) {
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
  auto operation = asio::async_initiate<decltype(asio::use_awaitable), void(JournalTail)>(
      [&pool, &io, unit = std::move(unit), max_lines](auto handler) mutable {
        asio::post(pool, [unit = std::move(unit), max_lines, handler = std::move(handler),
                          work = asio::make_work_guard(io)]() mutable {
          JournalTail tail;
          try {
            tail = read_unit_journal(unit, max_lines);
          } catch (const std::exception& e) {
            tail.available = false;
            tail.problem = std::string("reading the journal failed: ") + e.what();
          }
          auto executor = asio::get_associated_executor(handler, work.get_executor());
          asio::post(executor, [handler = std::move(handler), tail = std::move(tail)]() mutable {
            std::move(handler)(std::move(tail));
          });
        });
      },
      asio::use_awaitable);
  co_return co_await std::move(operation);
}

}  // namespace nixtray::agent
