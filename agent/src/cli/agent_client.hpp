// A synchronous client of the agent for the command line: connect, hello, call, and for
// streaming commands, wait for events. Runs the Asio loop only while waiting.
#pragma once

#include "nixtray/net/rpc_client.hpp"
#include "nixtray/protocol/hello.hpp"

#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>

namespace nixtray::agent {

class AgentClient {
 public:
  // Connects and says hello; throws CommandFailure(exit_unreachable) with a hint when it cannot.
  AgentClient(const std::filesystem::path& socket, std::chrono::milliseconds timeout);
  ~AgentClient();

  [[nodiscard]] const protocol::HelloResult& hello() const { return hello_; }

  protocol::Outcome<protocol::json> call_raw(const std::string& method, protocol::json params);
  // A call whose result is followed by a payload (jobs.log's bytes form), which arrives as `text`.
  protocol::Outcome<protocol::json> call_with_payload(const std::string& method, protocol::json params);

  // Throws CommandFailure with the agent's message and the matching exit code.
  template <protocol::MethodDescription M>
  typename M::Result call(const typename M::Params& params) {
    auto outcome = protocol::decode_outcome<typename M::Result>(call_raw(std::string(M::name), protocol::json(params)));
    return unwrap(std::move(outcome));
  }

  // Waits for the next event (or until timeout); nullopt on timeout or when the agent went away.
  std::optional<protocol::Event> next_event(std::chrono::milliseconds timeout);
  [[nodiscard]] bool connected() const;

 private:
  template <class T>
  T unwrap(protocol::Outcome<T> outcome) {
    if (!outcome) {
      fail(outcome.error());
    }
    return std::move(outcome.value());
  }
  [[noreturn]] static void fail(const protocol::RpcError& error);

  net::asio::io_context io_;
  std::shared_ptr<net::RpcClient> client_;
  std::chrono::milliseconds timeout_;
  protocol::HelloResult hello_;
  std::deque<protocol::Event> events_;
};

}  // namespace nixtray::agent
