#include "nixtray/net/open_stream.hpp"

#include "nixtray/net/pipe_stream.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <system_error>

namespace nixtray::net {
namespace {

using namespace asio::experimental::awaitable_operators;

template <class Socket>
asio::awaitable<std::unique_ptr<ByteStream>> connect_with_deadline(Socket socket,
                                                                   std::vector<typename Socket::endpoint_type> targets,
                                                                   std::chrono::milliseconds timeout,
                                                                   std::string description) {
  asio::steady_timer timer(socket.get_executor(), timeout);
  // Built in its own statement: GCC 12 destroys argument temporaries of a co_await expression
  // twice (PR 99576). The same rule holds everywhere in this code base.
  auto race = asio::async_connect(socket, targets, use_nothrow) || timer.async_wait(use_nothrow);
  auto result = co_await std::move(race);
  if (result.index() == 1) {
    throw std::system_error(make_error_code(asio::error::timed_out), "connecting to " + description);
  }
  const auto ec = std::get<0>(std::get<0>(result));
  if (ec) {
    throw std::system_error(ec, "connecting to " + description);
  }
  co_return std::make_unique<SocketStream<Socket>>(std::move(socket), description);
}

}  // namespace

asio::awaitable<std::unique_ptr<ByteStream>> open_stream(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  const auto description = to_string(endpoint);
  switch (endpoint.kind) {
    case Endpoint::Kind::unix_socket: {
#if defined(BOOST_ASIO_HAS_LOCAL_SOCKETS)
      using Socket = asio::local::stream_protocol::socket;
      std::vector<Socket::endpoint_type> targets{Socket::endpoint_type(endpoint.path)};
      auto connect = connect_with_deadline(Socket(executor), std::move(targets), timeout, description);
      co_return co_await std::move(connect);
#else
      throw std::system_error(make_error_code(asio::error::operation_not_supported), "Unix sockets on this platform");
#endif
    }
    case Endpoint::Kind::tcp: {
      using Socket = asio::ip::tcp::socket;
      asio::ip::tcp::resolver resolver(executor);
      const auto service = std::to_string(endpoint.port);
      auto [ec, results] = co_await resolver.async_resolve(endpoint.host, service, use_nothrow);
      if (ec) {
        throw std::system_error(ec, "resolving " + endpoint.host);
      }
      std::vector<Socket::endpoint_type> targets;
      for (const auto& entry : results) {
        targets.push_back(entry.endpoint());
      }
      auto connect = connect_with_deadline(Socket(executor), std::move(targets), timeout, description);
      co_return co_await std::move(connect);
    }
    case Endpoint::Kind::command: {
      co_return spawn_command_stream(executor, endpoint.argv);
    }
  }
  throw std::invalid_argument("unknown endpoint kind");
}

}  // namespace nixtray::net
