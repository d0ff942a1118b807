// Runs one coroutine of the tray core on a fresh io_context until it is done, for tests that
// check what it returns. Portable (the tray core's tests also run on Windows).
#pragma once

#include "catch.hpp"

#include "nixtray/net/asio.hpp"

#include <exception>
#include <optional>

namespace nixtray::tray::fixtures {

template <class T>
T run_on_io(net::asio::awaitable<T> work) {
  net::asio::io_context io;
  std::optional<T> result;
  net::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error, T value) {
    if (error) std::rethrow_exception(error);
    result = std::move(value);
  });
  io.run();
  REQUIRE(result);
  return std::move(*result);
}

}  // namespace nixtray::tray::fixtures
