// The Asio configuration both sides compile with (Boost 1.81, C++20 coroutines).
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace nixtray::net {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

// co_await op(..., use_nothrow): errors come back as values in a tuple, not as exceptions,
// because a peer closing or a deadline passing is expected, not exceptional.
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

}  // namespace nixtray::net
